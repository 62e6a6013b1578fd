"""development plans: the worker's goal, occupations on the plan, and sharing it with a coach

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import game_server.models.types

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "development_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=True),
        sa.Column(
            "updated_at", game_server.models.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )
    op.create_table(
        "plan_occupations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("occupation_id", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("added_at", game_server.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "occupation_id"),
    )
    op.create_index("ix_plan_occupations_user_id", "plan_occupations", ["user_id"])
    # A plain ADD COLUMN (no batch copy): on SQLite a batch copy of a table others point at
    # with ON DELETE CASCADE would delete their rows (see 0019).
    op.add_column(
        "coach_links",
        sa.Column(
            "plan_shared_at", game_server.models.types.UTCDateTime(timezone=True), nullable=True
        ),
    )


def downgrade() -> None:
    op.drop_column("coach_links", "plan_shared_at")  # SQLite 3.35+ drops a column in place
    op.drop_index("ix_plan_occupations_user_id", table_name="plan_occupations")
    op.drop_table("plan_occupations")
    op.drop_table("development_plans")
