"""Follow-up: reminders before an assignment's date, and check-ins on planned actions.

Run by a job (RQ with Redis, or a loop in the server process without). Each reminder is
stored once per thing (a unique key), so running the job twice, or in two processes at
once, tells nobody twice. E-mail goes through a pluggable sender; the default writes to
the log (this platform sends no e-mail by itself).
"""

import json
import logging
from datetime import date, timedelta
from typing import Protocol

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ..content.catalog import Catalog
from ..models import Answer, Assignment, CoachLink, Notification, User
from .assignments import Status, view_of

DUE_SOON_DAYS = 2
log = logging.getLogger(__name__)


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


class LogMailer:
    """The default sender: says in the log what would have been sent (no personal text)."""

    def send(self, to: str, subject: str, body: str) -> None:
        log.info("e-mail for user %s: %s", to.split("@")[-1], subject)


class Sent(BaseModel):
    user_id: int
    kind: str
    payload: dict


def send_due(
    session: Session, catalog: Catalog, *, today: date | None = None, mailer: Mailer | None = None
) -> list[Sent]:
    """Store (and e-mail) every reminder that is due now; returns the new ones."""
    today = today or date.today()
    mailer = mailer or LogMailer()
    found = _assignments_due(session, catalog, today) + _actions_due(session, today)
    sent = []
    for user_id, kind, ref, payload in found:
        try:
            with session.begin_nested():  # another run may have stored it just now
                session.add(
                    Notification(user_id=user_id, kind=kind, ref=ref, payload=json.dumps(payload))
                )
        except sa.exc.IntegrityError:
            continue
        sent.append(Sent(user_id=user_id, kind=kind, payload=payload))
    session.commit()
    for item in sent:
        user = session.get(User, item.user_id)
        if user is not None and user.email:
            mailer.send(user.email, _subject(item, user.locale), json.dumps(item.payload))
    return sent


def _already(session: Session, kind: str) -> set[tuple[int, int]]:
    return set(
        session.exec(
            select(Notification.user_id, Notification.ref).where(Notification.kind == kind)
        ).all()
    )


def _assignments_due(session: Session, catalog: Catalog, today: date) -> list:
    rows = session.exec(
        select(Assignment)
        .join(
            CoachLink,
            (CoachLink.coach_id == Assignment.coach_id)
            & (CoachLink.worker_id == Assignment.worker_id),
        )
        .where(
            CoachLink.withdrawn_at.is_(None),
            Assignment.due.is_not(None),
            Assignment.due >= today,
            Assignment.due <= today + timedelta(days=DUE_SOON_DAYS),
        )
    ).all()
    done = _already(session, "assignment_due")
    found = []
    for row in rows:
        if (row.worker_id, row.id) in done:
            continue
        locale = session.get(User, row.worker_id).locale
        view = view_of(session, catalog, row, today=today, locale=locale)
        if view.status in (Status.OPEN, Status.STARTED):
            found.append(
                (
                    row.worker_id,
                    "assignment_due",
                    row.id,
                    {"title": view.title, "due": row.due.isoformat(), "quest_id": row.quest_id},
                )
            )
    return found


def _actions_due(session: Session, today: date) -> list:
    """Planned actions whose date has come: ask how it went (once)."""
    done = _already(session, "action_checkin")
    found = []
    for answer in session.exec(select(Answer).where(Answer.step_type == "action")).all():
        value = json.loads(answer.value)
        if (answer.user_id, answer.id) in done or date.fromisoformat(value["due"]) > today:
            continue
        found.append(
            (
                answer.user_id,
                "action_checkin",
                answer.id,
                {"text": value["text"], "due": value["due"]},
            )
        )
    return found


def _subject(item: Sent, locale: str) -> str:
    due = date.fromisoformat(item.payload["due"]).strftime("%d-%m-%Y")
    if item.kind == "assignment_due":
        if locale == "en":
            return f"Reminder: {item.payload['title']} (by {due})"
        return f"Herinnering: {item.payload['title']} (vóór {due})"
    return "How did your plan go?" if locale == "en" else "Hoe ging je plan?"


def unread(session: Session, *, user_id: int) -> list[Notification]:
    return list(
        session.exec(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc())
        ).all()
    )
