"""Was this quest useful? One rating per finished run, by its player."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow

SCORES = range(1, 6)  # 1 not useful at all … 5 very useful
COMMENT_MAX = 500


class QuestRating(SQLModel, table=True):
    __tablename__ = "quest_ratings"
    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="ck_quest_ratings_score"),)

    # One per run: rating again changes it, it never adds a second.
    run_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("quest_runs.id", ondelete="CASCADE"), primary_key=True
        )
    )
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    quest_id: str = Field(max_length=60, index=True)
    score: int
    # In the worker's own words: personal data (exported, and deleted on erasure).
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
