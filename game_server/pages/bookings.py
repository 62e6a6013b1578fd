"""Career conversations by appointment, as pages: the publisher's times, the worker's
"book a conversation" (free times by day) and "my appointments"."""

from datetime import datetime
from itertools import groupby

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from pydantic import ValidationError
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .. import access
from ..api.bookings import ics_response
from ..current import locale
from ..db import get_session
from ..models import OfferKind, Role
from ..services.common.errors import DomainError
from ..services.funds import offers
from ..services.guidance import bookings
from ..services.guidance.bookings import SlotDraft
from ..services.progress.progression import LOCAL_TIME
from ..wording import said
from . import pages

PUBLISHERS = access.roles(Role.FUND, Role.COACH)
CHANNELS = {
    "phone": _l("By phone"),
    "video": _l("Video call"),
    "in_person": _l("Face to face"),
}


class SlotForm(FlaskForm):
    day = DateField(_l("Day"), validators=[InputRequired()])
    time = TimeField(_l("Start time"), validators=[InputRequired()])
    minutes = IntegerField(
        _l("How long (minutes)"),
        default=45,
        validators=[
            InputRequired(),
            NumberRange(min=bookings.MINUTES_MIN, max=bookings.MINUTES_MAX),
        ],
    )
    channel = RadioField(
        _l("How do you talk?"),
        choices=[SelectChoice(value, label) for value, label in CHANNELS.items()],
        default="phone",
    )
    link = StringField(
        _l("Link of the video call"),
        description=_l("Only for a video call."),
        validators=[Optional(), Length(max=bookings.LINK_MAX)],
    )
    place = StringField(
        _l("Where do you meet?"),
        description=_l("Only when you meet face to face. For example: the address."),
        validators=[Optional(), Length(max=bookings.PLACE_MAX)],
    )
    offer_id = SelectField(_l("Part of your offer (optional)"), validators=[Optional()])


def _day_label(moment: datetime) -> str:
    return format_date(moment, "EEEE d MMMM")


def _time_label(moment: datetime) -> str:
    return format_time(moment, "HH:mm")


@pages.app_context_processor
def _booking_labels() -> dict:
    return {
        "channel_labels": CHANNELS,
        "day_label": _day_label,
        "time_label": _time_label,
    }


def _local_day(slot):
    return slot.starts_at.astimezone(LOCAL_TIME).date()


def _by_day(slots) -> list[tuple[str, list]]:
    """Free times under a heading per day, in the reader's language ("dinsdag 8 december")."""
    groups = [list(items) for _, items in groupby(slots, key=_local_day)]
    return [(_day_label(group[0].starts_at), group) for group in groups]


# -- the publisher -------------------------------------------------------------------------


@pages.route("/coach/slots", methods=["GET", "POST"])
@access.allow(PUBLISHERS)
def coach_slots():
    session = get_session()
    form = SlotForm()
    lang = locale()
    form.offer_id.choices = [SelectChoice("", _("No offer"))] + [
        SelectChoice(str(o.id), o.title_en if lang == "en" else o.title_nl)
        for o in offers.by_provider(session, provider_id=current_user.id)
        if o.kind == OfferKind.CONVERSATION
    ]
    if form.validate_on_submit():
        try:
            draft = SlotDraft(
                starts_at=datetime.combine(form.day.data, form.time.data, LOCAL_TIME),
                minutes=form.minutes.data,
                channel=form.channel.data,
                link=form.link.data or None,
                place=form.place.data or None,
                offer_id=int(form.offer_id.data) if form.offer_id.data else None,
            )
            bookings.publish_slot(session, publisher_id=current_user.id, draft=draft)
        except ValidationError:
            form.form_errors.append(_("Check the day, the time and how long."))
        except DomainError as error:
            target = getattr(form, {"starts_at": "day"}.get(error.field, error.field or ""), None)
            if target is None:
                form.form_errors.append(said(error))
            else:
                target.errors = [*target.errors, said(error)]
        else:
            flash(_("The time is published. Workers can book it now."))
            return redirect(url_for("pages.coach_slots"))
    slots = bookings.publisher_slots(session, publisher_id=current_user.id)
    return render_template(
        "coach_slots.html", form=form, slots=slots, outcome_max=bookings.OUTCOME_MAX
    ), 422 if form.errors or form.form_errors else 200


@pages.post("/coach/slots/<int:slot_id>/cancel")
@access.allow(PUBLISHERS)
def cancel_coach_slot(slot_id: int):
    try:
        bookings.cancel_slot(
            get_session(),
            publisher_id=current_user.id,
            slot_id=slot_id,
            reason=request.form.get("reason"),
        )
    except DomainError as error:
        if error.code == "not_found":
            raise
        flash(said(error))
    else:
        flash(_("The time is cancelled. If someone booked it, they can read why."))
    return redirect(url_for("pages.coach_slots"))


@pages.post("/coach/slots/<int:slot_id>/outcome")
@access.allow(PUBLISHERS)
def write_slot_outcome(slot_id: int):
    try:
        bookings.write_outcome(
            get_session(),
            publisher_id=current_user.id,
            slot_id=slot_id,
            text=request.form.get("outcome", ""),
        )
    except DomainError as error:
        if error.code == "not_found":
            raise
        flash(said(error))
    else:
        flash(_("Saved. Only the worker can read it."))
    return redirect(url_for("pages.coach_slots") + f"#slot-{slot_id}")


@pages.get("/coach/slots/<int:slot_id>.ics")
@access.allow(PUBLISHERS)
def coach_slot_invite(slot_id: int):
    invite = bookings.publisher_invite(get_session(), slot_id=slot_id, publisher_id=current_user.id)
    return ics_response(invite, for_publisher=True)


# -- the worker ----------------------------------------------------------------------------


@pages.get("/conversations")
@access.allow(access.FULL_ACCOUNT)
def book_conversation():
    free = bookings.free_slots(get_session(), user_id=current_user.id, locale=locale())
    return render_template("conversations.html", days=_by_day(free))


@pages.post("/conversations/<int:slot_id>/book")
@access.allow(access.FULL_ACCOUNT)
def book_slot(slot_id: int):
    try:
        booking = bookings.book(get_session(), slot_id=slot_id, user_id=current_user.id)
    except DomainError as error:
        if error.code == "not_found":
            raise
        flash(said(error))
        return redirect(url_for("pages.book_conversation"))
    flash(_("Your appointment is booked."))
    return redirect(url_for("pages.my_appointment", booking_id=booking.id))


@pages.get("/me/appointments")
@access.allow(access.FULL_ACCOUNT)
def my_appointments():
    mine = bookings.my_bookings(get_session(), user_id=current_user.id)
    return render_template(
        "appointments.html",
        coming=[b for b in mine if b.status == "booked"],
        earlier=[b for b in reversed(mine) if b.status != "booked"],
    )


@pages.get("/me/appointments/<int:booking_id>")
@access.allow(access.FULL_ACCOUNT)
def my_appointment(booking_id: int):
    session = get_session()
    booking = bookings.my_booking(session, booking_id=booking_id, user_id=current_user.id)
    free = bookings.free_slots(session, user_id=current_user.id, locale=locale())
    return render_template("appointment.html", booking=booking, days=_by_day(free))


@pages.post("/me/appointments/<int:booking_id>/move")
@access.allow(access.FULL_ACCOUNT)
def move_appointment(booking_id: int):
    try:
        slot_id = int(request.form.get("slot_id", ""))
    except ValueError:
        flash(_("Choose a new time."))
        return redirect(url_for("pages.my_appointment", booking_id=booking_id))
    try:
        bookings.reschedule(
            get_session(), booking_id=booking_id, user_id=current_user.id, slot_id=slot_id
        )
    except DomainError as error:
        if error.code == "not_found" and error.field is None:
            raise
        flash(said(error))
    else:
        flash(_("Your appointment is moved. Download the new invite for your calendar."))
    return redirect(url_for("pages.my_appointment", booking_id=booking_id))


@pages.post("/me/appointments/<int:booking_id>/cancel")
@access.allow(access.FULL_ACCOUNT)
def cancel_appointment(booking_id: int):
    try:
        bookings.cancel_booking(get_session(), booking_id=booking_id, user_id=current_user.id)
    except DomainError as error:
        if error.code == "not_found":
            raise
        flash(said(error))
    else:
        flash(_("Your appointment is cancelled."))
    return redirect(url_for("pages.my_appointment", booking_id=booking_id))


@pages.get("/me/appointments/<int:booking_id>.ics")
@access.allow(access.FULL_ACCOUNT)
def my_appointment_invite(booking_id: int):
    invite = bookings.worker_invite(get_session(), booking_id=booking_id, user_id=current_user.id)
    return ics_response(invite, for_publisher=False)
