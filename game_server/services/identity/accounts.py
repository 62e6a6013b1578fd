"""Accounts: registering, logging in, guests, passwords, roles and ending sessions."""

import unicodedata

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel
from sqlmodel import Session, select

from ...models import Role, User, UserRole, utcnow
from ...models.users import new_session_token
from ..common.domain_events import LoginsEnded, UserGone
from ..common.errors import N_, EmailTaken, InvalidCredentials, InvalidInput, NotFound
from ..common.unit_of_work import raise_event
from . import passwords, tokens

LOCALES = ("nl", "en")
MAX_NAME_LENGTH = 80
MAX_NICKNAME_LENGTH = 40


class UserPublic(BaseModel):
    id: int
    email: str | None
    display_name: str
    is_guest: bool
    locale: str
    roles: list[Role]


def normalize_email(email: str) -> str:
    """Return the address as we store it (lower-cased), or raise InvalidInput."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(
            N_("Enter an e-mail address like name@example.nl."), field="email", reason=str(exc)
        ) from exc
    return result.normalized.lower()


def clean_name(name: str, *, field: str = "display_name", max_length: int = MAX_NAME_LENGTH) -> str:
    """Trim a display name or nickname and refuse empty, overlong or control characters."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput(N_("Enter a name."), field=field)
    if len(cleaned) > max_length:
        raise InvalidInput(N_("Use at most %(max)d characters."), field=field, max=max_length)
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise InvalidInput(N_("Leave out invisible control characters."), field=field)
    return cleaned


def clean_locale(locale: str | None) -> str:
    return locale if locale in LOCALES else LOCALES[0]


def roles_of(session: Session, user_id: int) -> list[Role]:
    rows = session.exec(select(UserRole.role).where(UserRole.user_id == user_id)).all()
    return sorted(Role(role) for role in rows)


def public(session: Session, user: User) -> UserPublic:
    return UserPublic(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        is_guest=user.is_guest,
        locale=user.locale,
        roles=roles_of(session, user.id),
    )


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such user."))
    return user


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def _release_connection(session: Session) -> None:
    """End the read before slow password work, so other requests can use the database.

    With SQLite there is one connection per process; argon2 takes tens of milliseconds.
    Nothing is pending here, so the commit only ends the read transaction.
    """
    session.commit()


def _ensure_email_free(session: Session, email: str) -> None:
    if find_by_email(session, email) is not None:
        raise EmailTaken(N_("There is already an account with this e-mail address."), field="email")


def _commit_new_email(session: Session) -> None:
    # Two registrations racing for one address: the unique index decides, we explain.
    try:
        session.commit()
    except sa.exc.IntegrityError as exc:
        session.rollback()
        raise EmailTaken(
            N_("There is already an account with this e-mail address."), field="email"
        ) from exc


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    roles: list[Role],
    locale: str | None = None,
    demo: bool = False,
) -> User:
    """Create a full account with `roles`; used by registration and by operators (and by
    `seed-demo`, with `demo`: see `two_factor.requires`)."""
    email = normalize_email(email)
    display_name = clean_name(display_name)
    passwords.check_password_rules(password, email=email)
    if not roles:
        raise InvalidInput(N_("Give at least one role."), field="roles")
    password_hash = passwords.hash_password(password)  # before the transaction: it is slow
    _ensure_email_free(session, email)
    user = User(
        email=email,
        display_name=display_name,
        password_hash=password_hash,
        locale=clean_locale(locale),
        demo=demo,
    )
    session.add(user)
    session.flush()
    for role in sorted(set(roles)):
        session.add(UserRole(user_id=user.id, role=role))
    _commit_new_email(session)
    return user


def register_worker(
    session: Session, *, email: str, password: str, display_name: str, locale: str | None = None
) -> User:
    return create_user(
        session,
        email=email,
        password=password,
        display_name=display_name,
        roles=[Role.WORKER],
        locale=locale,
    )


def create_guest(session: Session, *, nickname: str, locale: str | None = None) -> User:
    """Make a guest player with only a nickname (live sessions, public quests)."""
    user = User(
        display_name=clean_name(nickname, field="nickname", max_length=MAX_NICKNAME_LENGTH),
        is_guest=True,
        locale=clean_locale(locale),
    )
    session.add(user)
    session.flush()
    session.add(UserRole(user_id=user.id, role=Role.WORKER))
    session.commit()
    return user


def upgrade_guest(
    session: Session,
    *,
    user_id: int,
    email: str,
    password: str,
    display_name: str | None = None,
) -> User:
    """Turn a guest into a full account in place, so everything they did stays theirs."""
    email = normalize_email(email)
    passwords.check_password_rules(password, email=email)
    password_hash = passwords.hash_password(password)  # before the transaction: it is slow
    user = get_user(session, user_id)
    if not user.is_guest:
        raise InvalidInput(N_("This account already has an e-mail address and password."))
    _ensure_email_free(session, email)
    user.email = email
    user.password_hash = password_hash
    if display_name:
        user.display_name = clean_name(display_name)
    user.is_guest = False
    session.add(user)
    _commit_new_email(session)
    return user


def authenticate(session: Session, *, email: str, password: str) -> User:
    """Return the user whose credentials these are, or raise InvalidCredentials.

    Unknown addresses cost the same time as wrong passwords. A hash made with older argon2
    parameters is replaced while we have the plain password in hand.
    """
    user = find_by_email(session, email)
    hashed = user.password_hash if user is not None and user.is_active else None
    _release_connection(session)
    if not passwords.verify_password(hashed, password):
        raise InvalidCredentials(N_("The e-mail address or password is not right."))
    new_hash = passwords.hash_password(password) if passwords.needs_rehash(hashed) else None
    user = get_user(session, user.id)
    if new_hash:
        user.password_hash = new_hash
    user.last_login_at = utcnow()
    session.add(user)
    session.commit()
    return user


def end_all_sessions(session: Session, *, user_id: int) -> User:
    """Invalidate every login cookie of this user, on every device."""
    user = get_user(session, user_id)
    user.session_token = new_session_token()
    session.add(user)
    raise_event(session, LoginsEnded(user_id=user.id))
    session.commit()
    return user


def change_password(
    session: Session, *, user_id: int, current_password: str, new_password: str
) -> User:
    """Set a new password; ends every session and revokes every API token of the user."""
    user = get_user(session, user_id)
    current_hash = None if user.is_guest else user.password_hash
    _release_connection(session)
    if not passwords.verify_password(current_hash, current_password):
        raise InvalidCredentials(
            N_("Your current password is not right."), field="current_password"
        )
    passwords.check_password_rules(new_password, email=user.email)
    new_hash = passwords.hash_password(new_password)
    user = get_user(session, user_id)
    user.password_hash = new_hash
    user.session_token = new_session_token()
    session.add(user)
    tokens.revoke_all(session, user_id=user.id, commit=False)
    raise_event(session, UserGone(user_id=user.id))  # its sockets close too
    session.commit()
    return user


def set_locale(session: Session, *, user_id: int, locale: str) -> User:
    user = get_user(session, user_id)
    user.locale = clean_locale(locale)
    session.add(user)
    session.commit()
    return user
