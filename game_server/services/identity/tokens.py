"""Bearer tokens for API clients and sockets: random, stored hashed, expiring, revocable."""

import hashlib
import secrets
from datetime import timedelta

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


def resolve(session: Session, plain: str) -> tuple[User, ApiToken] | None:
    """Return the user and token for a live token, or None if unknown, expired or revoked."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    # One query for token and user: this runs on every API request and socket event.
    found = session.exec(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _digest(plain))
    ).first()
    now = utcnow()
    if found is None:
        return None
    row, user = found
    if row.revoked_at is not None or row.expires_at <= now or not user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now
        session.add(row)
        session.commit()
    return user, row


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
