"""Coaches and the workers who let them in: invites, and links with what the worker shares."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class ShareLevel(StrEnum):
    PROGRESS = "progress"  # the default: XP, levels, badges, quests done
    PROGRESS_AND_ANSWERS = "progress_and_answers"  # also answers the worker marks as shared


def _user_fk(**kwargs) -> sa.Column:
    return sa.Column(
        sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, **kwargs
    )


class CoachInvite(SQLModel, table=True):
    """A code a coach gives one worker; it works once and for a limited time."""

    __tablename__ = "coach_invites"

    id: int | None = Field(default=None, primary_key=True)
    coach_id: int = Field(sa_column=_user_fk(index=True))
    code: str = Field(max_length=12, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CoachLink(SQLModel, table=True):
    """A worker's consent to one coach. Withdrawn links stay, so the worker sees the history."""

    __tablename__ = "coach_links"
    __table_args__ = (sa.UniqueConstraint("coach_id", "worker_id"),)

    id: int | None = Field(default=None, primary_key=True)
    coach_id: int = Field(sa_column=_user_fk(index=True))
    worker_id: int = Field(sa_column=_user_fk(index=True))
    share: str = Field(default=ShareLevel.PROGRESS, max_length=24)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The worker shows this coach their plan (only with PROGRESS_AND_ANSWERS, as answers);
    # withdrawing the link, or linking again, clears it.
    plan_shared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
