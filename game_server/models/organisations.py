"""Organisations (a sector fund, a coaching organisation, an employer) and their members."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class OrganisationKind(StrEnum):
    FUND = "fund"
    COACHING = "coaching"
    EMPLOYER = "employer"


class MemberRole(StrEnum):
    MEMBER = "member"
    MANAGER = "manager"


class Organisation(SQLModel, table=True):
    __tablename__ = "organisations"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"

    organisation_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
        )
    )
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    role: str = Field(default=MemberRole.MEMBER, max_length=16)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
