"""xAPI: where statements go (an admin's LRS) and the outbox that gets them there."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class LrsEndpoint(SQLModel, table=True):
    """The learning record store an admin connected; at most one is active."""

    __tablename__ = "lrs_endpoints"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=500)
    # Basic-auth key and secret the LRS gave us; secrets, never shown in any response.
    key: str = Field(max_length=200)
    secret: str = Field(max_length=500)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class XapiOutbox(SQLModel, table=True):
    """A statement waiting to be sent; written in the same transaction as what it records."""

    __tablename__ = "xapi_outbox"

    id: str = Field(primary_key=True, max_length=36)  # the statement id: resending is harmless
    statement: str = Field(sa_type=sa.Text)  # JSON
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)
