"""The follow-up step of a planned action, and putting reminders away."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..models import CheckinOutcome
from ..services.common.errors import InvalidInput
from ..services.guidance import reminders
from ..services.play import checkins
from . import pages


class CheckinForm(FlaskForm):
    outcome = RadioField(
        _l("How did it go?"),
        choices=[
            SelectChoice(CheckinOutcome.DONE.value, _l("I did it")),
            SelectChoice(CheckinOutcome.PARTLY.value, _l("Partly")),
            SelectChoice(CheckinOutcome.NOT_YET.value, _l("Not yet")),
        ],
        validators=[InputRequired(_l("Choose how it went."))],
    )
    note = TextAreaField(
        _l("What happened? What did you learn? (you may leave this empty)"),
        description=_l("Only you can read this."),
        validators=[
            Optional(),
            Length(max=checkins.NOTE_MAX, message=_l("Write at most 2000 characters.")),
        ],
    )
    next_due = DateField(
        _l("Want to try again? Pick a new date (you may leave this empty)"),
        description=_l("On that day we ask you again."),
        validators=[Optional()],
    )


@pages.route("/checkins/<int:answer_id>", methods=["GET", "POST"])
@access.allow(access.SIGNED_IN)
def checkin(answer_id: int):
    session = get_session()
    plan = checkins.plan(
        session, catalog(), user_id=current_user.id, answer_id=answer_id, locale=locale()
    )
    form = CheckinForm()
    if form.validate_on_submit():
        try:
            result = checkins.record(
                session,
                user_id=current_user.id,
                answer_id=answer_id,
                outcome=CheckinOutcome(form.outcome.data),
                note=form.note.data,
                next_due=form.next_due.data,
            )
        except InvalidInput as error:
            getattr(form, error.field).errors = [
                _("Pick a date after today, within a year.")
                if error.field == "next_due"
                else _("Write at most 2000 characters.")
            ]
        else:
            flash(_thanks(result.outcome, result.next_due))
            return redirect(url_for("pages.home"))
    return render_template("checkin.html", plan=plan, form=form), 422 if form.errors else 200


def _thanks(outcome: CheckinOutcome, next_due) -> str:
    if outcome == CheckinOutcome.DONE:
        return _("Well done! Doing what you planned is steering your career.")
    if next_due is not None:
        return _("Thanks. We will ask you again on %(date)s.", date=next_due.strftime("%d-%m-%Y"))
    return _("Thanks for telling. Every step counts, also a small one.")


@pages.post("/reminders/<int:reminder_id>/read")
@access.allow(access.SIGNED_IN)
def dismiss_reminder(reminder_id: int):
    reminders.mark_read(get_session(), user_id=current_user.id, reminder_id=reminder_id)
    return redirect(url_for("pages.home") + "#reminders-title")
