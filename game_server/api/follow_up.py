"""Follow-up over JSON: my reminders, and the check-in step of a planned action."""

from datetime import date
from typing import Annotated

from flask_login import current_user
from pydantic import Field

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..models import CheckinOutcome
from ..services.guidance import reminders
from ..services.guidance.reminders import Reminder
from ..services.play import checkins
from ..services.play.checkins import CheckinView, PlanView
from . import api
from .spec import Strict, endpoint


class CheckinIn(Strict):
    outcome: CheckinOutcome
    note: Annotated[str, Field(max_length=checkins.NOTE_MAX)] | None = None
    # Only for "partly" or "not yet": a date after today (within a year) to be asked again.
    next_due: date | None = None


@api.get("/me/reminders")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="My reminders and check-ins not yet put away, newest first", response=list[Reminder]
)
def my_reminders():
    return reminders.unread(get_session(), user_id=current_user.id)


@api.post("/me/reminders/<int:reminder_id>/read")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Put a reminder away (doing it twice is harmless)", status=204)
def read_reminder(reminder_id: int):
    reminders.mark_read(get_session(), user_id=current_user.id, reminder_id=reminder_id)


@api.get("/me/checkins/<int:answer_id>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="One of my planned actions and what I told about it", response=PlanView)
def my_plan(answer_id: int):
    return checkins.plan(
        get_session(), catalog(), user_id=current_user.id, answer_id=answer_id, locale=locale()
    )


@api.post("/me/checkins/<int:answer_id>")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Tell how a planned action went; the same post again updates that round",
    body=CheckinIn,
    response=CheckinView,
)
def check_in(answer_id: int, body: CheckinIn):
    return checkins.record(
        get_session(),
        user_id=current_user.id,
        answer_id=answer_id,
        outcome=body.outcome,
        note=body.note,
        next_due=body.next_due,
    )
