"""Two-factor authentication: TOTP codes (RFC 6238) and single-use recovery codes.

Coaches, funds (by role or by membership of a fund organisation) and admins must use it;
workers may. The secret is stored encrypted with a key derived from the app's secret key, so
callers pass that key in. A code is accepted for the time steps around now, but never twice:
the newest accepted step is kept and a conditional update claims it, so two requests racing
with the same code cannot both win. Enabling or resetting ends every other session.
"""

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel
from sqlmodel import Session, delete, func, select, update

from ...models import (
    AuditEntry,
    Membership,
    Organisation,
    OrganisationKind,
    RecoveryCode,
    Role,
    TwoFactor,
    User,
    UserRole,
    utcnow,
)
from ...models.users import new_session_token
from ..common.domain_events import LoginsEnded, UserGone
from ..common.errors import N_, Conflict, OtpInvalid, TwoFactorRequired
from ..common.unit_of_work import raise_event
from . import accounts, tokens

ISSUER = "Loopbaan Quest"
REQUIRED_ROLES = (Role.COACH, Role.FUND, Role.ADMIN)
STEP_SECONDS = 30
# One step either side: phones whose clocks drift a little, and codes typed just in time.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code is read from paper and typed on a phone.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10


class Status(BaseModel):
    required: bool
    enabled: bool
    enabled_at: str | None
    recovery_codes_left: int


class Enrolment(BaseModel):
    secret: str  # base32, for typing into the app by hand
    uri: str  # otpauth://, for the QR code


class Verified(BaseModel):
    method: str  # "totp" or "recovery_code"
    recovery_codes_left: int


def _box(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"loopbaan-quest two-factor"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _secret_of(row: TwoFactor, secret_key: str) -> str:
    try:
        return _box(secret_key).decrypt(row.secret_encrypted.encode()).decode()
    except InvalidToken as exc:  # the app's secret key changed: the secret cannot be read
        raise OtpInvalid(N_("This code is not right."), field="code") from exc


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalize(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def requires(session: Session, *, user_id: int, demo_exempt: bool = False) -> bool:
    """Whether this account must use two-factor authentication (its role or its fund).

    With `demo_exempt` (outside production) a demo account made by `seed-demo` need not, so
    the demo coach and fund can be tried without an authenticator app; nobody else, and
    never an admin (who can change everything, demo or not).
    """
    roles = set(
        session.exec(
            select(UserRole.role).where(
                UserRole.user_id == user_id, UserRole.role.in_(REQUIRED_ROLES)
            )
        )
    )
    if Role.ADMIN in roles:
        return True
    if demo_exempt and session.exec(select(User.demo).where(User.id == user_id)).first():
        return False
    if roles:
        return True
    fund = session.exec(
        select(Membership.organisation_id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user_id, Organisation.kind == OrganisationKind.FUND)
    ).first()
    return fund is not None


def is_enabled(session: Session, *, user_id: int) -> bool:
    row = session.get(TwoFactor, user_id)
    return row is not None and row.enabled_at is not None


def codes_left(session: Session, *, user_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    ).one()


def status(session: Session, *, user_id: int) -> Status:
    row = session.get(TwoFactor, user_id)
    enabled = row is not None and row.enabled_at is not None
    return Status(
        required=requires(session, user_id=user_id),
        enabled=enabled,
        enabled_at=row.enabled_at.isoformat() if enabled else None,
        recovery_codes_left=codes_left(session, user_id=user_id) if enabled else 0,
    )


def start_enrolment(session: Session, *, user_id: int, secret_key: str) -> Enrolment:
    """Return the secret to scan; the same one until it is confirmed (a reload keeps the QR)."""
    user = accounts.get_user(session, user_id)
    row = session.get(TwoFactor, user_id)
    if row is not None and row.enabled_at is not None:
        raise Conflict(N_("Two-factor authentication is already on."))
    if row is None:
        secret = pyotp.random_base32()
        encrypted = _box(secret_key).encrypt(secret.encode()).decode()
        row = TwoFactor(user_id=user_id, secret_encrypted=encrypted)
        session.add(row)
        session.commit()
    else:
        secret = _secret_of(row, secret_key)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email or str(user_id), issuer_name=ISSUER)
    return Enrolment(secret=secret, uri=uri)


def _matching_step(secret: str, code: str, now: float) -> int | None:
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(session: Session, user_id: int, step: int) -> bool:
    """Record `step` as used, unless it or a later one already was (replay, or a race)."""
    claimed = session.exec(
        update(TwoFactor)
        .where(
            TwoFactor.user_id == user_id,
            (TwoFactor.last_step.is_(None)) | (TwoFactor.last_step < step),
        )
        .values(last_step=step)
    )
    return claimed.rowcount == 1


def _use_totp(session: Session, row: TwoFactor, code: str, secret_key: str) -> bool:
    try:
        secret = _secret_of(row, secret_key)
    except OtpInvalid:
        return False  # unreadable after a key change: recovery codes still let them in
    step = _matching_step(secret, code, time.time())
    return step is not None and _claim_step(session, row.user_id, step)


def _use_recovery_code(session: Session, user_id: int, code: str) -> bool:
    used = session.exec(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return used.rowcount == 1


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    session.add_all(RecoveryCode(user_id=user_id, code_hash=_digest(code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def confirm_enrolment(session: Session, *, user_id: int, code: str, secret_key: str) -> list[str]:
    """Switch it on with a first code; returns the recovery codes (shown once, stored hashed).

    Every other session of the user ends: the caller starts a fresh one on this device.
    """
    row = session.get(TwoFactor, user_id)
    if row is None:
        raise OtpInvalid(N_("Scan the QR code first."), field="code")
    if row.enabled_at is not None:
        raise Conflict(N_("Two-factor authentication is already on."))
    if not _use_totp(session, row, _normalize(code), secret_key):
        session.rollback()
        raise OtpInvalid(N_("This code is not right."), field="code")
    row = session.get(TwoFactor, user_id)
    row.enabled_at = utcnow()
    session.add(row)
    codes = _new_recovery_codes(session, user_id)
    user = accounts.get_user(session, user_id)
    user.session_token = new_session_token()
    session.add(user)
    raise_event(session, LoginsEnded(user_id=user_id))
    session.commit()
    return codes


def verify(session: Session, *, user_id: int, code: str, secret_key: str) -> Verified:
    """Accept a fresh TOTP code or an unused recovery code (which is then used up).

    Raises OtpInvalid for anything else, including a code that was accepted before.
    """
    row = session.get(TwoFactor, user_id)
    if row is None or row.enabled_at is None:
        raise OtpInvalid(N_("Two-factor authentication is not on."), field="code")
    code = _normalize(code)
    if _use_totp(session, row, code, secret_key):
        method = "totp"
    elif len(code) == RECOVERY_LENGTH and _use_recovery_code(session, user_id, code):
        method = "recovery_code"
    else:
        session.rollback()
        raise OtpInvalid(N_("This code is not right."), field="code")
    session.commit()
    return Verified(method=method, recovery_codes_left=codes_left(session, user_id=user_id))


def regenerate_recovery_codes(
    session: Session, *, user_id: int, code: str, secret_key: str
) -> list[str]:
    """Replace every recovery code with ten new ones, after a code proves the phone is here."""
    verify(session, user_id=user_id, code=code, secret_key=secret_key)
    codes = _new_recovery_codes(session, user_id)
    session.commit()
    return codes


def _remove(session: Session, user_id: int) -> None:
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    session.exec(delete(TwoFactor).where(TwoFactor.user_id == user_id))


def disable(session: Session, *, user_id: int, code: str, secret_key: str) -> None:
    """Switch it off (workers only), after a code proves the phone is here."""
    if requires(session, user_id=user_id):
        raise TwoFactorRequired(N_("Your role needs two-factor authentication."))
    verify(session, user_id=user_id, code=code, secret_key=secret_key)
    _remove(session, user_id)
    session.commit()


def reset(session: Session, *, user_id: int, reason: str) -> None:
    """An operator's reset for a lost phone: 2FA off, every session and token ended, audited.

    The user sets it up again at the next login (required roles are sent to enrolment).
    """
    user = accounts.get_user(session, user_id)
    _remove(session, user_id)
    user.session_token = new_session_token()
    session.add(user)
    tokens.revoke_all(session, user_id=user_id, commit=False)
    session.add(AuditEntry(actor_id=None, subject_id=user_id, item="two_factor", reason=reason))
    raise_event(session, UserGone(user_id=user_id))  # its open sockets close now
    session.commit()
