"""What a worker chose to share: one row per answer and audience, deleted to unshare."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class Audience(StrEnum):
    GROUP = "group"  # the peer group the answer was written in
    LIVE = "live"  # the screen of the live session it was written in (without a name)
    COACH = "coach"  # a linked coach


class AnswerShare(SQLModel, table=True):
    __tablename__ = "answer_shares"
    __table_args__ = (
        sa.UniqueConstraint("answer_id", "audience", "audience_id"),
        sa.Index("ix_answer_shares_audience", "audience", "audience_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("answers.id", ondelete="CASCADE"), nullable=False
        )
    )
    # The answer's owner, so "everything I shared" needs no join and erasure finds it.
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    audience: str = Field(max_length=8)
    audience_id: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
