"""Bearer tokens for API clients and sockets: random, stored hashed, expiring, revocable."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...models import ApiToken, User, utcnow
from ..common.domain_events import TokenRevoked
from ..common.errors import N_, NotFound
from ..common.unit_of_work import raise_event

TOKEN_PREFIX = "lq_"  # noqa: S105 (a marker, not a secret)
# Writing last_used_at on every request would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class IssuedToken(BaseModel):
    token: str
    token_id: int
    expires_at: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, *, user_id: int, ttl: timedelta, label: str = "") -> IssuedToken:
    """Create a token; the plain value is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user_id,
        token_hash=_digest(plain),
        label=label[:80],
        expires_at=utcnow() + ttl,
    )
    session.add(row)
    session.commit()
    return IssuedToken(token=plain, token_id=row.id, expires_at=row.expires_at.isoformat())


@dataclass(frozen=True)
class Bearer:
    """Who a live token speaks for: what every request needs, read in one statement."""

    token_id: int
    user_id: int
    is_guest: bool
    locale: str


# One statement for token and user, compiled once: it runs on every API request and socket
# event, so it skips the ORM's per-query work (building the statement, loading objects).
_RESOLVE = (
    sa.select(
        ApiToken.id,
        ApiToken.user_id,
        ApiToken.expires_at,
        ApiToken.revoked_at,
        ApiToken.last_used_at,
        User.is_guest,
        User.is_active,
        User.locale,
    )
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == sa.bindparam("token_hash"))
)
_TOUCH = (
    sa.update(ApiToken)
    .where(ApiToken.id == sa.bindparam("token_id"))
    .values(last_used_at=sa.bindparam("now"))
)


def resolve(session: Session, plain: str) -> Bearer | None:
    """The bearer of a live token, or None if unknown, expired or revoked, or its user is
    deactivated. Read from the database on every call, so a revocation counts at once in
    every process."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    connection = session.connection()
    found = connection.execute(_RESOLVE, {"token_hash": _digest(plain)}).first()
    if found is None:
        return None
    now = utcnow()
    if found.revoked_at is not None or found.expires_at <= now or not found.is_active:
        return None
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
        connection.execute(_TOUCH, {"token_id": found.id, "now": now})
        session.commit()
    return Bearer(
        token_id=found.id, user_id=found.user_id, is_guest=found.is_guest, locale=found.locale
    )


def list_for(session: Session, *, user_id: int) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        ).all()
    )


def revoke(session: Session, *, user_id: int, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    # Someone else's token is "not found" to you, so ids cannot be probed.
    if row is None or row.user_id != user_id:
        raise NotFound(N_("No such token."))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        raise_event(session, TokenRevoked(token_id=row.id))  # its sockets close too
        session.commit()


def revoke_all(session: Session, *, user_id: int, commit: bool = True) -> None:
    now = utcnow()
    for row in list_for(session, user_id=user_id):
        row.revoked_at = now
        session.add(row)
    if commit:
        session.commit()
