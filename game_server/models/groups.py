"""Peer groups: the group, its members, and which runs were played in it."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class GroupRole(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


def _fk(target: str, **kwargs) -> sa.Column:
    return sa.Column(
        sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), nullable=False, **kwargs
    )


class PeerGroup(SQLModel, table=True):
    """Colleagues who play quests together and think along with each other."""

    __tablename__ = "peer_groups"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    sector: str | None = Field(default=None, max_length=60)
    # Whoever has the code may join; the owner can replace it when it leaked.
    invite_code: str = Field(max_length=12, unique=True, index=True)
    # The group goal: this many quests completed together per calendar month (None: no goal).
    goal_quests: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GroupMember(SQLModel, table=True):
    __tablename__ = "group_members"
    __table_args__ = (sa.UniqueConstraint("group_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(sa_column=_fk("peer_groups.id"))
    user_id: int = Field(sa_column=_fk("users.id", index=True))
    role: str = Field(default=GroupRole.MEMBER, max_length=8)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GroupRun(SQLModel, table=True):
    """A run played in a group (its QuestRun has mode "group"); answers stay on the run."""

    __tablename__ = "group_runs"
    __table_args__ = (sa.Index("ix_group_runs_group_quest", "group_id", "quest_id"),)

    run_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("quest_runs.id", ondelete="CASCADE"), primary_key=True
        )
    )
    group_id: int = Field(sa_column=_fk("peer_groups.id"))
    # Copied from the run, so poll results and the feed need no join through quest_runs.
    quest_id: str = Field(max_length=60)
