"""A coach's own notes about a client: never shown to other coaches."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class CoachNote(SQLModel, table=True):
    __tablename__ = "coach_notes"
    __table_args__ = (sa.Index("ix_coach_notes_coach_worker", "coach_id", "worker_id"),)

    id: int | None = Field(default=None, primary_key=True)
    coach_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        )
    )
    worker_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    text: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
