"""The e-mail outbox: mail is queued in the transaction of the fact it tells about, and sent
later by a background job, with retries and backoff.

- Never lost: the row is stored with the fact, or not at all; an SMTP server that is down
  only delays it (1 min, 2, 4 … up to 6 hours between tries, for about two days).
- Never twice: a row's `key` names the fact, so queueing it again does nothing; and a
  sender first claims a row with one conditional UPDATE, so two jobs, or two processes,
  never send the same row. Only a sender that dies between the SMTP server's "accepted" and
  its own commit can make a row go out twice, after the claim ran out (at-least-once there,
  because the other choice is a mail that silently never arrives).
"""

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select, update

from ...models import OutgoingMail, utcnow

log = logging.getLogger(__name__)

CLAIM = timedelta(minutes=10)  # long enough for any SMTP conversation
MAX_ATTEMPTS = 14  # 1 + 2 + … minutes, capped at 6 hours: about two days of trying
LONGEST_WAIT = timedelta(hours=6)
BATCH = 50


class Undeliverable(Exception):
    """Nothing to send any more (the person is gone, has no address, or unsubscribed)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def queue(
    session: Session,
    *,
    key: str,
    user_id: int,
    message: str,
    params: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> bool:
    """Add a mail to the caller's transaction (the caller commits); False if `key` was
    queued before (then nothing changes)."""
    exists = session.exec(select(OutgoingMail.id).where(OutgoingMail.key == key)).first()
    if exists is not None:
        return False
    try:
        with session.begin_nested():  # another transaction may queue the same key right now
            session.add(
                OutgoingMail(
                    key=key,
                    user_id=user_id,
                    message=message,
                    params=json.dumps(params or {}),
                    next_attempt_at=at or utcnow(),
                )
            )
    except sa.exc.IntegrityError:
        return False
    return True


def due_ids(session: Session, *, now: datetime, limit: int = BATCH) -> list[int]:
    free = sa.or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now)
    return list(
        session.exec(
            select(OutgoingMail.id)
            .where(OutgoingMail.sent_at.is_(None), OutgoingMail.dropped.is_(None))
            .where(OutgoingMail.next_attempt_at <= now, free)
            .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
            .limit(limit)
        ).all()
    )


def claim(session: Session, *, mail_id: int, now: datetime) -> OutgoingMail | None:
    """Take the row for this sender, committed; None when another sender holds it or it
    is done. One UPDATE decides, so two senders cannot both win."""
    taken = session.exec(
        update(OutgoingMail)
        .where(
            OutgoingMail.id == mail_id,
            OutgoingMail.sent_at.is_(None),
            OutgoingMail.dropped.is_(None),
            sa.or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM, attempts=OutgoingMail.attempts + 1)
    )
    session.commit()
    if taken.rowcount != 1:
        return None
    return session.get(OutgoingMail, mail_id)


Compose = Callable[[Session, OutgoingMail], Any]
Send = Callable[[Any], None]


def deliver_due(
    session: Session, *, compose: Compose, send: Send, now: datetime | None = None
) -> int:
    """Send what is due; returns how many went out. `compose` makes the message (or raises
    Undeliverable); `send` hands it to the mail server (raising on any failure)."""
    now = now or utcnow()
    delivered = 0
    for mail_id in due_ids(session, now=now):
        mail = claim(session, mail_id=mail_id, now=now)
        if mail is None:
            continue
        try:
            message = compose(session, mail)
        except Undeliverable as nothing:
            _finish(session, mail, dropped=nothing.reason)
            continue
        try:
            send(message)
        except Exception as error:  # noqa: BLE001 (any failure of the mail server: try later)
            _failed(session, mail, error, now)
            continue
        _finish(session, mail, sent_at=utcnow())
        delivered += 1
    return delivered


def _finish(session: Session, mail: OutgoingMail, **done) -> None:
    for name, value in done.items():
        setattr(mail, name, value)
    mail.params, mail.claimed_until = "{}", None  # kept only as proof that the key went
    session.add(mail)
    session.commit()


def _failed(session: Session, mail: OutgoingMail, error: Exception, now: datetime) -> None:
    mail.claimed_until = None
    mail.last_error = f"{type(error).__name__}: {error}"[:500]
    if mail.attempts >= MAX_ATTEMPTS:
        mail.dropped, mail.params = "failed", "{}"
        log.error("mail %s given up after %d attempts: %s", mail.key, mail.attempts, error)
    else:
        mail.next_attempt_at = now + min(timedelta(minutes=2 ** (mail.attempts - 1)), LONGEST_WAIT)
        log.warning("mail %s not sent (try %d), later again: %s", mail.key, mail.attempts, error)
    session.add(mail)
    session.commit()


def params_of(mail: OutgoingMail) -> dict[str, Any]:
    return json.loads(mail.params or "{}")


def pending_count(session: Session) -> int:
    return session.exec(
        select(sa.func.count(OutgoingMail.id)).where(
            OutgoingMail.sent_at.is_(None), OutgoingMail.dropped.is_(None)
        )
    ).one()
