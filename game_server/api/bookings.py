"""Career conversations by appointment over JSON: a publisher's times, a worker's bookings,
the invite (.ics) for each side, and the outcome afterwards."""

from flask import Response
from flask_login import current_user
from pydantic import Field

from .. import access
from ..current import locale
from ..db import get_session
from ..models import Role
from ..services.guidance import bookings
from ..services.guidance.bookings import (
    BookingView,
    FreeSlotView,
    Invite,
    PublisherSlotView,
    SlotDraft,
)
from . import api
from .spec import Strict, endpoint

PUBLISHERS = access.roles(Role.FUND, Role.COACH)


class SlotIn(SlotDraft, Strict):
    pass


class ReasonIn(Strict):
    reason: str | None = Field(default=None, max_length=bookings.REASON_MAX)


class RescheduleIn(Strict):
    slot_id: int = Field(ge=1, le=2**31 - 1)


class OutcomeIn(Strict):
    outcome: str = Field(min_length=1, max_length=bookings.OUTCOME_MAX)


def _slot_view(slot_id: int) -> PublisherSlotView:
    listed = bookings.publisher_slots(get_session(), publisher_id=current_user.id)
    return next(view for view in listed if view.id == slot_id)


@api.get("/coach/slots")
@access.allow(PUBLISHERS)
@endpoint(
    summary="The times I published for a career conversation, with who booked each",
    response=list[PublisherSlotView],
)
def my_slots():
    return bookings.publisher_slots(get_session(), publisher_id=current_user.id)


@api.post("/coach/slots")
@access.allow(PUBLISHERS)
@endpoint(
    summary="Publish a time for a career conversation (a coach or a fund member)",
    body=SlotIn,
    response=PublisherSlotView,
    status=201,
)
def publish_slot(body: SlotIn):
    slot = bookings.publish_slot(get_session(), publisher_id=current_user.id, draft=body)
    return _slot_view(slot.id)


@api.delete("/coach/slots/<int:slot_id>")
@access.allow(PUBLISHERS)
@endpoint(
    summary="Take a time back; its booking is cancelled and the worker reads why",
    body=ReasonIn,
    status=204,
)
def cancel_slot(slot_id: int, body: ReasonIn):
    bookings.cancel_slot(
        get_session(), publisher_id=current_user.id, slot_id=slot_id, reason=body.reason
    )


@api.put("/coach/slots/<int:slot_id>/outcome")
@access.allow(PUBLISHERS)
@endpoint(
    summary="After the conversation: what came of it (only the worker reads it)",
    body=OutcomeIn,
    response=PublisherSlotView,
)
def write_outcome(slot_id: int, body: OutcomeIn):
    bookings.write_outcome(
        get_session(), publisher_id=current_user.id, slot_id=slot_id, text=body.outcome
    )
    return _slot_view(slot_id)


@api.get("/coach/slots/<int:slot_id>.ics")
@access.allow(PUBLISHERS)
@endpoint(summary="The invite (iCalendar) of this time's booking")
def slot_invite(slot_id: int):
    invite = bookings.publisher_invite(get_session(), slot_id=slot_id, publisher_id=current_user.id)
    return ics_response(invite, for_publisher=True)


@api.get("/slots")
@access.allow(access.FULL_ACCOUNT)
@endpoint(
    summary="Free times for a career conversation, soonest first", response=list[FreeSlotView]
)
def free_slots():
    return bookings.free_slots(get_session(), user_id=current_user.id, locale=locale())


@api.post("/slots/<int:slot_id>/booking")
@access.allow(access.FULL_ACCOUNT)
@endpoint(
    summary="Book this time (409 when someone else has it)",
    response=BookingView,
    status=201,
    errors={409: "the time is taken, has passed, or is cancelled"},
)
def book_slot(slot_id: int):
    session = get_session()
    booking = bookings.book(session, slot_id=slot_id, user_id=current_user.id)
    return bookings.my_booking(session, booking_id=booking.id, user_id=current_user.id)


@api.get("/me/bookings")
@access.allow(access.FULL_ACCOUNT)
@endpoint(summary="My appointments (cancelled ones too, with why)", response=list[BookingView])
def my_bookings():
    return bookings.my_bookings(get_session(), user_id=current_user.id)


@api.get("/me/bookings/<int:booking_id>")
@access.allow(access.FULL_ACCOUNT)
@endpoint(summary="One of my appointments, with the outcome once written", response=BookingView)
def my_booking(booking_id: int):
    return bookings.my_booking(get_session(), booking_id=booking_id, user_id=current_user.id)


@api.put("/me/bookings/<int:booking_id>")
@access.allow(access.FULL_ACCOUNT)
@endpoint(
    summary="Move my appointment to another free time (all or nothing)",
    body=RescheduleIn,
    response=BookingView,
    errors={409: "the new time is taken, or the appointment is cancelled or has begun"},
)
def reschedule(booking_id: int, body: RescheduleIn):
    session = get_session()
    bookings.reschedule(
        session, booking_id=booking_id, user_id=current_user.id, slot_id=body.slot_id
    )
    return bookings.my_booking(session, booking_id=booking_id, user_id=current_user.id)


@api.delete("/me/bookings/<int:booking_id>")
@access.allow(access.FULL_ACCOUNT)
@endpoint(summary="Cancel my appointment", status=204)
def cancel_booking(booking_id: int):
    bookings.cancel_booking(get_session(), booking_id=booking_id, user_id=current_user.id)


@api.get("/me/bookings/<int:booking_id>.ics")
@access.allow(access.FULL_ACCOUNT)
@endpoint(summary="The invite (iCalendar) of my appointment")
def booking_invite(booking_id: int):
    invite = bookings.worker_invite(get_session(), booking_id=booking_id, user_id=current_user.id)
    return ics_response(invite, for_publisher=False)


def ics_response(invite: Invite, *, for_publisher: bool) -> Response:
    """The invite as a download: REQUEST while booked, CANCEL once cancelled."""
    body = bookings.invite_ics(
        invite, locale=locale(), method=bookings.method_of(invite), for_publisher=for_publisher
    )
    name = "afspraak.ics" if locale() == "nl" else "appointment.ics"
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
