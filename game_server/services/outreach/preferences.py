"""What each person wants to hear about, and how: per kind, only on the site, by e-mail
right away, or in one mail a week. The defaults are quiet: e-mail only for what asks
something of the worker (an assignment, a reminder), never a digest unless chosen."""

from collections.abc import Mapping

from sqlmodel import Session, select

from ...models import Channel, NotificationKind, NotificationPreference, User, utcnow
from ..common.errors import N_, InvalidInput

DEFAULTS: dict[NotificationKind, Channel] = {
    NotificationKind.ASSIGNMENT: Channel.EMAIL,
    NotificationKind.REMINDERS: Channel.EMAIL,
    NotificationKind.FEEDBACK: Channel.IN_APP,
    NotificationKind.GROUP: Channel.IN_APP,
    NotificationKind.CHALLENGE: Channel.IN_APP,
}


def choices(session: Session, *, user_id: int) -> dict[NotificationKind, Channel]:
    """Every kind with its channel (the default where the person chose nothing)."""
    chosen = dict(DEFAULTS)
    rows = session.exec(
        select(NotificationPreference).where(NotificationPreference.user_id == user_id)
    ).all()
    for row in rows:
        chosen[NotificationKind(row.kind)] = Channel(row.channel)
    return chosen


def channel(session: Session, *, user_id: int, kind: NotificationKind) -> Channel:
    return choices(session, user_id=user_id)[kind]


def mails_to(session: Session, *, user_id: int, kind: NotificationKind) -> bool:
    """Whether this kind goes out by e-mail right away (an account with an address)."""
    user = session.get(User, user_id)
    if user is None or not user.email or user.is_guest or not user.is_active:
        return False
    return channel(session, user_id=user_id, kind=kind) == Channel.EMAIL


def choose(
    session: Session, *, user_id: int, chosen: Mapping[str, str], commit: bool = True
) -> dict[NotificationKind, Channel]:
    """Set a channel per kind (kinds left out keep theirs). Unknown kinds or channels change
    nothing and say what is allowed."""
    try:
        wanted = {NotificationKind(k): Channel(v) for k, v in chosen.items()}
    except ValueError:
        raise InvalidInput(
            N_("Choose on the site, by e-mail or once a week for each kind."), field="channels"
        ) from None
    rows = {
        row.kind: row
        for row in session.exec(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        ).all()
    }
    for kind, picked in wanted.items():
        row = rows.get(kind.value) or NotificationPreference(user_id=user_id, kind=kind.value)
        row.channel, row.updated_at = picked.value, utcnow()
        session.add(row)
    if commit:
        session.commit()
    return choices(session, user_id=user_id)


def stop_email(session: Session, *, user_id: int, kind: NotificationKind) -> None:
    """The unsubscribe link: this kind stays on the site only (a digest stops too)."""
    choose(session, user_id=user_id, chosen={kind.value: Channel.IN_APP.value})


def digest_readers(session: Session) -> list[int]:
    """Everyone who chose the weekly mail for at least one kind."""
    return list(
        session.exec(
            select(NotificationPreference.user_id)
            .where(NotificationPreference.channel == Channel.DIGEST.value)
            .distinct()
            .order_by(NotificationPreference.user_id)
        ).all()
    )


def export_rows(session: Session, *, user_id: int) -> dict[str, str]:
    return {kind.value: picked.value for kind, picked in choices(session, user_id=user_id).items()}
