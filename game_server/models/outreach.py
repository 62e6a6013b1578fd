"""Reaching people outside the site: mail waiting to go out, what each person wants to hear
about and how, and the one-time links that reset a forgotten password."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


def _owner(index: bool = True) -> sa.Column:
    return sa.Column(
        sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=index
    )


class NotificationKind(StrEnum):
    """What a person may hear about; each has its own choice of channel."""

    ASSIGNMENT = "assignment"  # a coach gave me a quest or a track
    FEEDBACK = "feedback"  # a coach or a peer reacted to what I shared
    GROUP = "group"  # something happened in my group
    REMINDERS = "reminders"  # a date comes near, a planned action to look back on
    CHALLENGE = "challenge"  # news from a challenge I joined


class Channel(StrEnum):
    IN_APP = "in_app"  # only on the site
    EMAIL = "email"  # on the site and by e-mail, right away
    DIGEST = "digest"  # on the site, and in one mail a week


class NotificationPreference(SQLModel, table=True):
    """A choice differing from the default; no row means the default for that kind."""

    __tablename__ = "notification_preferences"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_owner())
    kind: str = Field(max_length=12)
    channel: str = Field(max_length=8)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OutgoingMail(SQLModel, table=True):
    """One e-mail to send, stored in the transaction of the fact it tells about.

    `key` names the fact ("assignment:12:7"), so the same thing is never queued twice. The
    text is made when it is sent, in the recipient's language then, from `message` (which
    mail) and `params` (what it needs, no personal text); once sent, the params are cleared
    and the row stays only as proof that this key went out.
    """

    __tablename__ = "outgoing_mails"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    user_id: int = Field(sa_column=_owner())
    message: str = Field(max_length=24)
    params: str = Field(default="{}", sa_type=sa.Text)  # JSON
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    # A sender holds the row until then: a second process skips it, a crashed one lets go.
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # No point in sending any more: the person unsubscribed, is gone, or it failed too often.
    dropped: str | None = Field(default=None, max_length=24)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PasswordReset(SQLModel, table=True):
    """A link to set a new password, mailed on request: usable once, for an hour."""

    __tablename__ = "password_resets"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_owner())
    # The token in the link is an HMAC of this nonce under the app's secret key, so it is
    # stored nowhere (not even in the outbox): the mail is made from the nonce when it goes.
    nonce: str = Field(max_length=43)
    # SHA-256 of the token (256 bits of HMAC, so a fast hash is enough), to find the row.
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
