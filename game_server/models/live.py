"""Live sessions at the workplace: the session, who joined, and follow-up requests."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class LiveStatus(StrEnum):
    LOBBY = "lobby"
    RUNNING = "running"
    ENDED = "ended"


def _fk(target: str, ondelete: str = "CASCADE", **kwargs) -> sa.Column:
    return sa.Column(sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=False, **kwargs)


class LiveSession(SQLModel, table=True):
    """A quest played together, paced by the host; everyone answers on their own phone."""

    __tablename__ = "live_sessions"

    id: int | None = Field(default=None, primary_key=True)
    # The join code people type; unique for ever so an old code never reaches a new session.
    code: str = Field(max_length=6, unique=True, index=True)
    quest_id: str = Field(max_length=60)
    quest_version_id: int = Field(foreign_key="quest_versions.id")
    host_id: int = Field(sa_column=_fk("users.id", index=True))
    # A group owner may host for their group (peer_groups.id; no foreign key: groups come later
    # in the migration chain and a session's history outlives a dissolved group).
    group_id: int | None = Field(default=None)
    status: str = Field(default=LiveStatus.LOBBY, max_length=8)
    # Index into the session's steps; -1 while people are still joining.
    step_index: int = Field(default=-1)
    # The host screen in control: a second host tab takes over from the first.
    host_sid: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LiveParticipant(SQLModel, table=True):
    __tablename__ = "live_participants"
    __table_args__ = (sa.UniqueConstraint("session_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("live_sessions.id"))
    user_id: int = Field(sa_column=_fk("users.id", index=True))
    # Answers live on the participant's own run, so XP, badges and history work as in solo play.
    run_id: int = Field(sa_column=_fk("quest_runs.id"))
    nickname: str = Field(max_length=40)
    # Only a participant who chose it is named on the host screen.
    show_name: bool = Field(default=False)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FollowUpRequest(SQLModel, table=True):
    """A participant asks the host for more after a session (a career conversation, say)."""

    __tablename__ = "follow_up_requests"
    __table_args__ = (sa.UniqueConstraint("session_id", "user_id", "topic"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("live_sessions.id", index=True))
    user_id: int = Field(sa_column=_fk("users.id", index=True))
    topic: str = Field(max_length=24)
    # How to reach the participant, in their own words; personal data, seen by the host only.
    contact: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LiveVote(SQLModel, table=True):
    """A participant's "me too" on a phrase the room shared (the word cloud of a short step).

    The phrase is kept as a digest of its words, not its text: the text is its author's, and
    goes when they withdraw it or are erased; a vote alone says nothing.
    """

    __tablename__ = "live_votes"
    __table_args__ = (sa.UniqueConstraint("session_id", "step_id", "user_id", "phrase_key"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(sa_column=_fk("live_sessions.id", index=True))
    step_id: str = Field(max_length=60)
    user_id: int = Field(sa_column=_fk("users.id", index=True))
    phrase_key: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
