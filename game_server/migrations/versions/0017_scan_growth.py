"""scan growth: first and latest self-scan score per worker and competency

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import game_server.models.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scan_growth",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("competency", sa.String(length=16), nullable=False),
        sa.Column("scans", sa.Integer(), nullable=False),
        sa.Column("first_score", sa.Float(), nullable=False),
        sa.Column("first_at", game_server.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("latest_score", sa.Float(), nullable=False),
        sa.Column(
            "latest_at", game_server.models.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "competency"),
    )
    # From the scores kept so far: first and latest by scanned_at, then id (as the dashboard
    # ranked them).
    op.execute(
        "INSERT INTO scan_growth (user_id, competency, scans, first_score, first_at,"
        " latest_score, latest_at)"
        " SELECT user_id, competency, count(*),"
        " sum(CASE WHEN up = 1 THEN score ELSE 0 END), max(CASE WHEN up = 1 THEN scanned_at END),"
        " sum(CASE WHEN down = 1 THEN score ELSE 0 END), max(CASE WHEN down = 1 THEN scanned_at END)"
        " FROM (SELECT user_id, competency, score, scanned_at,"
        " row_number() OVER (PARTITION BY user_id, competency ORDER BY scanned_at, id) AS up,"
        " row_number() OVER (PARTITION BY user_id, competency"
        " ORDER BY scanned_at DESC, id DESC) AS down"
        " FROM scan_scores) AS ranked"
        " GROUP BY user_id, competency"
    )


def downgrade() -> None:
    op.drop_table("scan_growth")
