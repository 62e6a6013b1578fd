"""The follow-up step of a planned action: when its date comes, how did it go?

A worker who planned "talk to my team leader by Friday" is asked on Friday (a check-in
reminder). They answer in one short step: done, partly, or not yet, a few words if they
like, and a new date if they want to try again; on that date they are asked once more.
The answers are theirs alone: no coach or group sees them.
"""

import json
from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, select, update

from ...content.catalog import Catalog
from ...models import ActionCheckin, Answer, CheckinOutcome, Notification, QuestRun, utcnow
from ..common.errors import N_, InvalidInput, NotFound

NOTE_MAX = 2000
# A new date is for a next try, not for a far-away plan: a year at most.
NEXT_DUE_MAX_DAYS = 366


class CheckinView(BaseModel):
    due: date
    outcome: CheckinOutcome
    note: str | None
    next_due: date | None
    at: datetime


class PlanView(BaseModel):
    answer_id: int
    quest_title: str
    text: str
    planned_for: date
    # The date the next check-in is about (the plan's, or the latest new date).
    due: date
    rounds: list[CheckinView]


def plan(
    session: Session, catalog: Catalog, *, user_id: int, answer_id: int, locale: str = "nl"
) -> PlanView:
    answer, quest_id = _action(session, user_id, answer_id)
    value = json.loads(answer.value)
    rounds = _rounds(session, answer_id)
    quest = catalog.quest(quest_id)
    return PlanView(
        answer_id=answer_id,
        quest_title=quest.title.get(locale) if quest else quest_id,
        text=value["text"],
        planned_for=date.fromisoformat(value["due"]),
        due=_round_due(rounds, date.fromisoformat(value["due"]), date.today()),
        rounds=[_view(row) for row in rounds],
    )


def record(
    session: Session,
    *,
    user_id: int,
    answer_id: int,
    outcome: CheckinOutcome,
    note: str | None = None,
    next_due: date | None = None,
    today: date | None = None,
) -> CheckinView:
    """Store how the plan went; committed before this returns. Sending the same step again
    (a double click, a retry) updates that round instead of opening another."""
    today = today or date.today()
    answer, _ = _action(session, user_id, answer_id)
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise InvalidInput(N_("Write at most %(max)d characters."), field="note", max=NOTE_MAX)
    if outcome == CheckinOutcome.DONE:
        next_due = None  # done is done: nothing to ask about again
    elif next_due is not None and not today < next_due <= today + timedelta(NEXT_DUE_MAX_DAYS):
        raise InvalidInput(N_("Pick a date after today, within a year."), field="next_due")
    rounds = _rounds(session, answer_id)
    due = _round_due(rounds, date.fromisoformat(json.loads(answer.value)["due"]), today)
    row = next((r for r in rounds if r.due == due), None) or ActionCheckin(
        user_id=user_id, answer_id=answer_id, due=due, outcome=outcome
    )
    row.outcome, row.note, row.next_due = outcome, note, next_due
    session.add(row)
    session.flush()
    # The question is answered: its reminders are done, on the home page too.
    session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
            ((Notification.kind == "action_checkin") & (Notification.ref == answer_id))
            | (
                (Notification.kind == "action_recheck")
                & Notification.ref.in_([r.id for r in rounds] + [row.id])
            ),
        )
        .values(read_at=utcnow())
    )
    session.commit()
    return _view(row)


def _action(session: Session, user_id: int, answer_id: int) -> tuple[Answer, str]:
    # Someone else's plan is "not found", exactly like one that does not exist.
    found = session.exec(
        select(Answer, QuestRun.quest_id)
        .join(QuestRun, QuestRun.id == Answer.run_id)
        .where(Answer.id == answer_id, Answer.user_id == user_id, Answer.step_type == "action")
    ).first()
    if found is None:
        raise NotFound(N_("No such plan."))
    return found


def _rounds(session: Session, answer_id: int) -> list[ActionCheckin]:
    return list(
        session.exec(
            select(ActionCheckin)
            .where(ActionCheckin.answer_id == answer_id)
            .order_by(ActionCheckin.due)
        ).all()
    )


def _round_due(rounds: list[ActionCheckin], planned_for: date, today: date) -> date:
    """The round a check-in now belongs to: the next one once its date has come; before
    that, the latest (so a second post edits it instead of answering ahead of time)."""
    if not rounds:
        return planned_for
    latest = rounds[-1]
    if latest.next_due is not None and latest.next_due <= today:
        return latest.next_due
    return latest.due


def _view(row: ActionCheckin) -> CheckinView:
    return CheckinView(
        due=row.due,
        outcome=CheckinOutcome(row.outcome),
        note=row.note,
        next_due=row.next_due,
        at=row.created_at,
    )
