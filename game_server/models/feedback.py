"""Feedback on a shared answer: the coach writes, the worker is told and can reply."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class AnswerFeedback(SQLModel, table=True):
    __tablename__ = "answer_feedback"

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("answers.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    author_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        )
    )
    text: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
