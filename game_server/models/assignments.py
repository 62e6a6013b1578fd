"""What a coach asks a linked worker to play: a quest or a track, maybe by a date."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class Assignment(SQLModel, table=True):
    __tablename__ = "assignments"
    __table_args__ = (
        sa.CheckConstraint(
            "(quest_id IS NULL) <> (track_id IS NULL)", name="assignment_quest_or_track"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    coach_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    worker_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    quest_id: str | None = Field(default=None, max_length=60)
    track_id: str | None = Field(default=None, max_length=60)
    due: date | None = Field(default=None)
    message: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
