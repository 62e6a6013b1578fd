"""quest ratings: "was this useful?" at the end of a run, with an optional comment

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import game_server.models.types

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quest_ratings",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quest_id", sa.String(length=60), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at", game_server.models.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", game_server.models.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="ck_quest_ratings_score"),
        sa.ForeignKeyConstraint(["run_id"], ["quest_runs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id"),
    )
    op.create_index("ix_quest_ratings_user_id", "quest_ratings", ["user_id"])
    op.create_index("ix_quest_ratings_quest_id", "quest_ratings", ["quest_id"])


def downgrade() -> None:
    op.drop_index("ix_quest_ratings_quest_id", table_name="quest_ratings")
    op.drop_index("ix_quest_ratings_user_id", table_name="quest_ratings")
    op.drop_table("quest_ratings")
