"""Who read another person's answers: one row per item read, shown to the person it is about."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entries"

    id: int | None = Field(default=None, primary_key=True)
    # The reader; kept (without a name) when their account goes, so the history stays true.
    actor_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
    )
    # Whose data it was.
    subject_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    item: str = Field(max_length=60)  # e.g. "answer:42"
    reason: str = Field(max_length=60)  # e.g. "coach:client_page"
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
