"""A forgotten password: a link by e-mail, usable once, for an hour.

Asking gives the same answer whether or not the address has an account (nobody learns who
is registered). The token in the link is an HMAC, under the app's secret key, of a nonce
the row keeps; only its SHA-256 is stored, so neither the database nor the outbox holds a
usable link. Setting the new password ends every session and API token of the account and
is written to the audit log; two-factor login still asks for its code afterwards, because
nobody is logged in by the link itself.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlmodel import Session, select, update

from ...models import AuditEntry, PasswordReset, User, utcnow
from ...models.users import new_session_token
from ..common.domain_events import PasswordResetRequested, UserGone
from ..common.errors import N_, InvalidInput
from ..common.unit_of_work import raise_event
from . import accounts, passwords, tokens

VALID_FOR = timedelta(hours=1)


def token_for(reset: PasswordReset, secret: bytes) -> str:
    mac = hmac.new(secret, f"password-reset:{reset.nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(session: Session, *, email: str, secret: bytes) -> None:
    """Mail a reset link if the address has a full, active account; say nothing either way.
    An earlier link that was not used stops working: only the newest one counts."""
    try:
        address = accounts.normalize_email(email)
    except InvalidInput:
        return
    user = accounts.find_by_email(session, address)
    if user is None or user.is_guest or not user.is_active:
        return
    now = utcnow()
    session.exec(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(expires_at=now)
    )
    reset = PasswordReset(
        user_id=user.id, nonce=secrets.token_urlsafe(32), token_hash="", expires_at=now + VALID_FOR
    )
    reset.token_hash = _digest(token_for(reset, secret))
    session.add(reset)
    session.flush()
    raise_event(session, PasswordResetRequested(user_id=user.id, reset_id=reset.id))
    session.commit()


def _usable(session: Session, token: str) -> PasswordReset | None:
    reset = session.exec(
        select(PasswordReset).where(PasswordReset.token_hash == _digest(token))
    ).first()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset


def check_link(session: Session, *, token: str) -> bool:
    """Whether the link can still set a password (the page says so before asking)."""
    return _usable(session, token) is not None


def set_new_password(session: Session, *, token: str, new_password: str) -> User:
    """Use the link: a new password, every session and token ended, the link spent."""
    reset = _usable(session, token)
    if reset is None:
        raise InvalidInput(N_("This link no longer works. Ask for a new one."), field="token")
    user = accounts.get_user(session, reset.user_id)
    passwords.check_password_rules(new_password, email=user.email)
    new_hash = passwords.hash_password(new_password)
    spent = session.exec(  # one UPDATE decides: two tabs using one link, one wins
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        session.rollback()
        raise InvalidInput(N_("This link no longer works. Ask for a new one."), field="token")
    user.password_hash = new_hash
    user.session_token = new_session_token()
    session.add(user)
    tokens.revoke_all(session, user_id=user.id, commit=False)
    session.add(
        AuditEntry(actor_id=user.id, subject_id=user.id, item="password", reason="reset_by_email")
    )
    raise_event(session, UserGone(user_id=user.id))  # its open sockets close too
    session.commit()
    return user
