"""Accounts: users (full or guest), their roles and their API tokens."""

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class Role(StrEnum):
    WORKER = "worker"
    COACH = "coach"
    FUND = "fund"
    ADMIN = "admin"
    # Content editors: check and preview the library and see how quests are played
    # (anonymous figures), never a person. An admin may do all an editor may.
    EDITOR = "editor"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased; None for a guest, who has only a nickname.
    email: str | None = Field(default=None, max_length=254, sa_column_kwargs={"unique": True})
    display_name: str = Field(max_length=80)
    password_hash: str | None = Field(default=None, max_length=255)
    is_guest: bool = Field(default=False)
    is_active: bool = Field(default=True)
    # Made by `seed-demo` (never in production): a demo coach or fund may be tried without
    # an authenticator app, outside production only.
    demo: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    locale: str = Field(default="nl", max_length=5)
    # Part of every login cookie; rotating it ends every session of this user at once.
    session_token: str = Field(default_factory=new_session_token, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserRole(SQLModel, table=True):
    __tablename__ = "user_roles"

    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        )
    )
    role: str = Field(sa_column=sa.Column(sa.String(16), primary_key=True))


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    # SHA-256 of the token: the token itself is 256 random bits, so a fast hash is enough.
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    label: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
