"""live votes: a participant's "me too" on a phrase the room shared

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import game_server.models.types

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "live_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=60), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phrase_key", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", game_server.models.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(["session_id"], ["live_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "step_id", "user_id", "phrase_key"),
    )
    op.create_index("ix_live_votes_session_id", "live_votes", ["session_id"])
    op.create_index("ix_live_votes_user_id", "live_votes", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_live_votes_user_id", table_name="live_votes")
    op.drop_index("ix_live_votes_session_id", table_name="live_votes")
    op.drop_table("live_votes")
