"""Follow-up: reminders before an assignment's date, and check-ins on planned actions.

Run by a job (RQ with Redis, or a loop in the server process without). Each reminder is
stored once per thing (a unique key), so running the job twice, or in two processes at
once, tells nobody twice. Each new one raises ReminderDue: the mail outbox queues an e-mail
in the same transaction for those who want reminders by mail (subscribers/mail.py).
"""

import json
import logging
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm
from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...models import (
    ActionCheckin,
    Answer,
    Assignment,
    Challenge,
    ChallengeParticipant,
    CoachLink,
    Notification,
    User,
    utcnow,
)
from ..common.domain_events import ReminderDue
from ..common.errors import N_, NotFound
from ..common.unit_of_work import raise_event
from .assignments import Status, view_of

DUE_SOON_DAYS = 2
log = logging.getLogger(__name__)


class Sent(BaseModel):
    user_id: int
    kind: str
    payload: dict


def send_due(session: Session, catalog: Catalog, *, today: date | None = None) -> list[Sent]:
    """Store every reminder that is due now (its mail is queued with it); returns the new
    ones."""
    today = today or date.today()
    found = (
        _assignments_due(session, catalog, today)
        + _actions_due(session, today)
        + _challenges_ending(session, today)
    )
    sent = []
    for user_id, kind, ref, payload in found:
        try:
            with session.begin_nested():  # another run may have stored it just now
                stored = Notification(
                    user_id=user_id, kind=kind, ref=ref, payload=json.dumps(payload)
                )
                session.add(stored)
        except sa.exc.IntegrityError:
            continue
        raise_event(session, ReminderDue(user_id=user_id, notification_id=stored.id, kind=kind))
        sent.append(Sent(user_id=user_id, kind=kind, payload=payload))
    session.commit()
    return sent


def _assignments_due(session: Session, catalog: Catalog, today: date) -> list:
    """Assignments due within DUE_SOON_DAYS, not done, whose worker was not told yet."""
    told = sa.and_(
        Notification.kind == "assignment_due",
        Notification.ref == Assignment.id,
        Notification.user_id == Assignment.worker_id,
    )
    rows = session.exec(
        select(Assignment, User.locale)
        .join(
            CoachLink,
            (CoachLink.coach_id == Assignment.coach_id)
            & (CoachLink.worker_id == Assignment.worker_id),
        )
        .join(User, User.id == Assignment.worker_id)
        .outerjoin(Notification, told)
        .where(
            CoachLink.withdrawn_at.is_(None),
            Assignment.due.is_not(None),
            Assignment.due >= today,
            Assignment.due <= today + timedelta(days=DUE_SOON_DAYS),
            Notification.id.is_(None),
        )
    ).all()
    found = []
    for row, locale in rows:
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


CHALLENGE_ENDING_DAYS = 3


def _challenges_ending(session: Session, today: date) -> list:
    """Challenge news: a challenge someone joined closes within three days (once each)."""
    start = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    told = sa.and_(
        Notification.kind == "challenge_ending",
        Notification.ref == Challenge.id,
        Notification.user_id == ChallengeParticipant.user_id,
    )
    rows = session.exec(
        select(ChallengeParticipant.user_id, Challenge, User.locale)
        .join(Challenge, Challenge.id == ChallengeParticipant.challenge_id)
        .join(User, User.id == ChallengeParticipant.user_id)
        .outerjoin(Notification, told)
        .where(
            Notification.id.is_(None),
            Challenge.starts_at <= start + timedelta(days=1),
            Challenge.ends_at > start,
            Challenge.ends_at <= start + timedelta(days=CHALLENGE_ENDING_DAYS + 1),
        )
    ).all()
    found = []
    for user_id, challenge, locale in rows:
        title = challenge.title_en if locale == "en" else challenge.title_nl
        payload = {
            "challenge_id": challenge.id,
            "title": title,
            "due": challenge.ends_at.date().isoformat(),
        }
        found.append((user_id, "challenge_ending", challenge.id, payload))
    return found


def _actions_due(session: Session, today: date) -> list:
    """Planned actions whose date has come: ask how it went (once per plan, and once more
    on every new date the worker picked). Plans already asked about, or already told
    about, are left out in SQL, so each run reads only the plans still waiting."""
    asked = sa.and_(
        Notification.kind == "action_checkin",
        Notification.ref == Answer.id,
        Notification.user_id == Answer.user_id,
    )
    waiting = session.exec(
        select(Answer)
        .outerjoin(Notification, asked)
        .outerjoin(ActionCheckin, ActionCheckin.answer_id == Answer.id)
        .where(
            Answer.step_type == "action",
            Notification.id.is_(None),
            ActionCheckin.id.is_(None),
        )
    ).all()
    found = []
    for answer in waiting:
        value = json.loads(answer.value)
        if date.fromisoformat(value["due"]) <= today:
            found.append(
                (answer.user_id, "action_checkin", answer.id, _plan(answer.id, value, value["due"]))
            )
    return found + _rechecks_due(session, today)


def _rechecks_due(session: Session, today: date) -> list:
    """Check-ins that set a new date which has come, and no reminder or later round yet."""
    later = sa.orm.aliased(ActionCheckin)
    asked = sa.and_(
        Notification.kind == "action_recheck",
        Notification.ref == ActionCheckin.id,
        Notification.user_id == ActionCheckin.user_id,
    )
    rows = session.exec(
        select(ActionCheckin, Answer)
        .join(Answer, Answer.id == ActionCheckin.answer_id)
        .outerjoin(Notification, asked)
        .outerjoin(
            later,
            sa.and_(
                later.answer_id == ActionCheckin.answer_id, later.due == ActionCheckin.next_due
            ),
        )
        .where(
            ActionCheckin.next_due.is_not(None),
            ActionCheckin.next_due <= today,
            Notification.id.is_(None),
            later.id.is_(None),
        )
    ).all()
    return [
        (
            checkin.user_id,
            "action_recheck",
            checkin.id,
            _plan(answer.id, json.loads(answer.value), checkin.next_due.isoformat()),
        )
        for checkin, answer in rows
    ]


def _plan(answer_id: int, value: dict, due: str) -> dict:
    return {"text": value["text"], "due": due, "answer_id": answer_id}


class Reminder(BaseModel):
    id: int
    kind: str  # assignment_due, action_checkin, action_recheck or challenge_ending
    data: dict  # what it is about: a title or a plan, and its date
    created_at: datetime


def unread(session: Session, *, user_id: int) -> list[Reminder]:
    rows = session.exec(
        select(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    ).all()
    return [
        Reminder(id=row.id, kind=row.kind, data=json.loads(row.payload), created_at=row.created_at)
        for row in rows
    ]


def mark_read(session: Session, *, user_id: int, reminder_id: int) -> None:
    """Put a reminder away; someone else's is "not found". Doing it twice is harmless."""
    row = session.get(Notification, reminder_id)
    if row is None or row.user_id != user_id:
        raise NotFound(N_("No such reminder."))
    if row.read_at is None:
        row.read_at = utcnow()
        session.add(row)
        session.commit()
