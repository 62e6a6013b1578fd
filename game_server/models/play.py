"""Solo play: quest versions, runs, answers, idempotency records and XP awards."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class RunStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


def _user_fk(**kwargs) -> sa.Column:
    return sa.Column(
        sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, **kwargs
    )


class QuestVersion(SQLModel, table=True):
    """The exact quest a run started on; editing the file never changes a run in progress."""

    __tablename__ = "quest_versions"
    __table_args__ = (sa.UniqueConstraint("quest_id", "digest"),)

    id: int | None = Field(default=None, primary_key=True)
    quest_id: str = Field(max_length=60, index=True)
    digest: str = Field(max_length=64)
    definition: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QuestRun(SQLModel, table=True):
    __tablename__ = "quest_runs"
    __table_args__ = (sa.Index("ix_quest_runs_user_quest_status", "user_id", "quest_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk())
    quest_id: str = Field(max_length=60)
    quest_version_id: int = Field(foreign_key="quest_versions.id")
    mode: str = Field(default="solo", max_length=8)
    status: str = Field(default=RunStatus.ACTIVE, max_length=12)
    # The step on screen: usually the first unanswered one; earlier when the player went back.
    current_step_id: str | None = Field(default=None, max_length=60)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("run_id", "step_id"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("quest_runs.id", ondelete="CASCADE"), nullable=False
        )
    )
    user_id: int = Field(sa_column=_user_fk(index=True))
    step_id: str = Field(max_length=60)
    step_type: str = Field(max_length=16)
    value: str = Field(sa_type=sa.Text)  # JSON
    # Reflections, actions and contacts are personal data: private until the worker shares.
    private: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class IdempotencyRecord(SQLModel, table=True):
    """The first response to a keyed request, replayed when the same request comes again."""

    __tablename__ = "idempotency_records"
    # For pruning the old ones (services/play/idempotency.prune).
    __table_args__ = (sa.Index("ix_idempotency_records_created_at", "created_at"),)

    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        )
    )
    key: str = Field(sa_column=sa.Column(sa.String(100), primary_key=True))
    request_digest: str = Field(max_length=64)
    response: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class XpAward(SQLModel, table=True):
    """XP earned per competency by completing a quest (the first time)."""

    __tablename__ = "xp_awards"
    __table_args__ = (sa.UniqueConstraint("user_id", "quest_id", "competency"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk(index=True))
    run_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("quest_runs.id", ondelete="CASCADE"), nullable=False
        )
    )
    quest_id: str = Field(max_length=60)
    competency: str = Field(max_length=16)
    xp: int
    awarded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
