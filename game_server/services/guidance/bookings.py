"""Career conversations by appointment: time slots, bookings, invites, outcome, reminders.

A coach or a fund member (whoever may publish an offer) publishes times. A worker with a
full account books a free future time, moves the booking to another free time, or cancels
it; the publisher can cancel a time too, and says why. A time holds one active booking: the
database keeps it so (a partial unique index on the booking's slot), so booking at once from
twenty phones leaves exactly one booking. After the conversation the publisher writes a short
outcome that only the worker reads. The invite (.ics) carries the time, the place and who
organises it: never a reflection or a note.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from icalendar import Calendar, Event, vCalAddress, vText
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session, select, update

from ...models import (
    Booking,
    BookingSlot,
    CancelledBy,
    MeetingChannel,
    Offer,
    OfferKind,
    User,
    utcnow,
)
from ..common.domain_events import BookingChanged, BookingReminderDue
from ..common.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from ..common.unit_of_work import raise_event
from ..funds import offers, wallet

MINUTES_MIN, MINUTES_MAX = 10, 240
LINK_MAX, PLACE_MAX = 300, 200
OUTCOME_MAX = 1000
REASON_MAX = 500
# How far ahead a time may be published.
AHEAD_MAX = timedelta(days=366)
REMIND_BEFORE = timedelta(hours=24)
PRODID = "-//Loopbaan Quest//Afspraken//NL"
# The invite speaks the recipient's language; the service has no request to translate with.
SUMMARY = {"nl": "Loopbaangesprek met %(name)s", "en": "Career conversation with %(name)s"}
PHONE = {"nl": "Telefoon", "en": "Phone"}
Method = Literal["REQUEST", "CANCEL"]


class SlotDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime
    minutes: int = Field(ge=MINUTES_MIN, le=MINUTES_MAX)
    channel: MeetingChannel
    link: str | None = Field(default=None, max_length=LINK_MAX)
    place: str | None = Field(default=None, max_length=PLACE_MAX)
    offer_id: int | None = Field(default=None, ge=1, le=2**31 - 1)

    @field_validator("starts_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        try:
            return value.astimezone(UTC)
        except OverflowError:  # year 1 at +14:00, say: no such moment
            raise ValueError("out of range") from None


class FreeSlotView(BaseModel):
    """A free time as a worker sees it (the video link comes with the booking)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    minutes: int
    channel: MeetingChannel
    place: str | None
    publisher: str
    offer_title: str | None


class BookedBy(BaseModel):
    booking_id: int
    name: str
    booked_at: datetime
    outcome: str | None


class PublisherSlotView(BaseModel):
    id: int
    starts_at: datetime
    ends_at: datetime
    minutes: int
    channel: MeetingChannel
    link: str | None
    place: str | None
    offer_id: int | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    booking: BookedBy | None
    # Past its end, with a booking: the outcome may be written.
    ended: bool


class BookingView(BaseModel):
    """A worker's booking: the time, where, with whom, and what became of it."""

    id: int
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    minutes: int
    channel: MeetingChannel
    link: str | None
    place: str | None
    publisher: str
    status: Literal["booked", "cancelled", "done"]
    cancelled_by: CancelledBy | None
    cancel_reason: str | None
    outcome: str | None
    sequence: int


@dataclass(frozen=True)
class Invite:
    """What an invite needs: the event, who organises it and who attends."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    channel: MeetingChannel
    link: str | None
    place: str | None
    organizer_name: str
    organizer_email: str | None
    attendee_name: str
    attendee_email: str | None
    cancelled: bool


@dataclass(frozen=True)
class Reminder:
    """A reminder that should go out (the mail outbox sends it): to each of user_ids."""

    booking_id: int
    user_ids: tuple[int, ...]
    kind: str = "booking_reminder"


# -- publishing ----------------------------------------------------------------------------


def publish_slot(
    session: Session, *, publisher_id: int, draft: SlotDraft, now: datetime | None = None
) -> BookingSlot:
    """Publish a time; raises Forbidden for someone who may not publish, InvalidInput for a
    time in the past, a video call without a link or a meeting without a place."""
    now = now or utcnow()
    if not offers.may_publish(session, publisher_id):
        raise Forbidden(N_("Only a fund member or a coach can publish times."))
    if draft.starts_at <= now:
        raise InvalidInput(N_("Choose a time in the future."), field="starts_at")
    if draft.starts_at > now + AHEAD_MAX:
        raise InvalidInput(N_("Choose a time within a year."), field="starts_at")
    link = (draft.link or "").strip() or None
    place = (draft.place or "").strip() or None
    if draft.channel == MeetingChannel.VIDEO:
        if link is None or not link.startswith(("https://", "http://")):
            raise InvalidInput(N_("Give the link of the video call (https://…)."), field="link")
        place = None
    elif draft.channel == MeetingChannel.IN_PERSON:
        if place is None:
            raise InvalidInput(N_("Say where you meet."), field="place")
        link = None
    else:
        link = place = None
    if draft.offer_id is not None:
        offer = session.get(Offer, draft.offer_id)
        if (
            offer is None
            or offer.provider_id != publisher_id
            or offer.kind != OfferKind.CONVERSATION
        ):
            raise NotFound(N_("Choose one of your own career conversations."), field="offer_id")
    slot = BookingSlot(
        publisher_id=publisher_id,
        offer_id=draft.offer_id,
        starts_at=draft.starts_at.astimezone(UTC),
        minutes=draft.minutes,
        channel=draft.channel,
        link=link,
        place=place,
    )
    session.add(slot)
    session.commit()
    return slot


def _ends(slot: BookingSlot) -> datetime:
    return slot.starts_at + timedelta(minutes=slot.minutes)


def _active(session: Session, slot_id: int) -> Booking | None:
    return session.exec(
        select(Booking).where(Booking.slot_id == slot_id, Booking.cancelled_at.is_(None))
    ).first()


def _own_slot(session: Session, *, publisher_id: int, slot_id: int) -> BookingSlot:
    slot = session.get(BookingSlot, slot_id)
    if slot is None or slot.publisher_id != publisher_id:
        raise NotFound(N_("No such time."))
    return slot


def publisher_slots(
    session: Session, *, publisher_id: int, now: datetime | None = None
) -> list[PublisherSlotView]:
    """The publisher's times, soonest first, each with who booked it."""
    now = now or utcnow()
    rows = session.exec(
        select(BookingSlot, Booking, User.display_name)
        .outerjoin(Booking, (Booking.slot_id == BookingSlot.id) & Booking.cancelled_at.is_(None))
        .outerjoin(User, User.id == Booking.user_id)
        .where(BookingSlot.publisher_id == publisher_id)
        .order_by(BookingSlot.starts_at)
    ).all()
    return [
        PublisherSlotView(
            id=slot.id,
            starts_at=slot.starts_at,
            ends_at=_ends(slot),
            minutes=slot.minutes,
            channel=MeetingChannel(slot.channel),
            link=slot.link,
            place=slot.place,
            offer_id=slot.offer_id,
            cancelled_at=slot.cancelled_at,
            cancel_reason=slot.cancel_reason,
            booking=None
            if booking is None
            else BookedBy(
                booking_id=booking.id,
                name=name or "",
                booked_at=booking.created_at,
                outcome=booking.outcome,
            ),
            ended=_ends(slot) <= now,
        )
        for slot, booking, name in rows
    ]


def cancel_slot(
    session: Session,
    *,
    publisher_id: int,
    slot_id: int,
    reason: str | None = None,
    now: datetime | None = None,
) -> BookingSlot:
    """Take a time back; its booking is cancelled and the worker reads the reason."""
    now = now or utcnow()
    reason = _text(reason, REASON_MAX, "reason")
    slot = _own_slot(session, publisher_id=publisher_id, slot_id=slot_id)
    if slot.cancelled_at is not None:
        return slot
    if _ends(slot) <= now:
        raise Conflict(N_("This time is over."), field="slot_id")
    # The write takes the row first: a booking made at this moment is committed before we
    # look for it below, or sees the time closed and is refused.
    session.execute(
        update(BookingSlot)
        .where(BookingSlot.id == slot_id)
        .values(cancelled_at=now, cancel_reason=reason)
    )
    booking = _active(session, slot_id)
    if booking is not None:
        _mark_cancelled(session, booking, CancelledBy.PUBLISHER, reason, now)
        session.add(booking)
    session.commit()
    session.refresh(slot)
    return slot


def write_outcome(
    session: Session, *, publisher_id: int, slot_id: int, text: str, now: datetime | None = None
) -> Booking:
    """After the conversation: what came of it, for the worker's eyes only."""
    now = now or utcnow()
    text = _text(text, OUTCOME_MAX, "outcome")
    if text is None:
        raise InvalidInput(N_("Write what came of the conversation."), field="outcome")
    slot = _own_slot(session, publisher_id=publisher_id, slot_id=slot_id)
    booking = _active(session, slot_id)
    if booking is None or slot.cancelled_at is not None:
        raise NotFound(N_("Nobody booked this time."), field="slot_id")
    if _ends(slot) > now:
        raise Conflict(N_("Write the outcome after the conversation."), field="slot_id")
    booking.outcome, booking.outcome_at, booking.updated_at = text, now, now
    session.add(booking)
    session.commit()
    return booking


def _text(value: str | None, limit: int, field: str) -> str | None:
    value = (value or "").strip() or None
    if value is not None and len(value) > limit:
        raise InvalidInput(N_("Write at most %(max)d characters."), field=field, max=limit)
    return value


# -- booking -------------------------------------------------------------------------------


def free_slots(
    session: Session,
    *,
    user_id: int | None = None,
    locale: str = "nl",
    now: datetime | None = None,
) -> list[FreeSlotView]:
    """Future times nobody booked, soonest first (never the asker's own)."""
    now = now or utcnow()
    taken = select(Booking.id).where(
        Booking.slot_id == BookingSlot.id, Booking.cancelled_at.is_(None)
    )
    query = (
        select(BookingSlot, User.display_name, Offer)
        .join(User, User.id == BookingSlot.publisher_id)
        .outerjoin(Offer, Offer.id == BookingSlot.offer_id)
        .where(
            BookingSlot.cancelled_at.is_(None),
            BookingSlot.starts_at > now,
            ~sa.exists(taken),
        )
        .order_by(BookingSlot.starts_at, BookingSlot.id)
    )
    if user_id is not None:
        query = query.where(BookingSlot.publisher_id != user_id)
    return [
        FreeSlotView(
            id=slot.id,
            starts_at=slot.starts_at,
            ends_at=_ends(slot),
            minutes=slot.minutes,
            channel=MeetingChannel(slot.channel),
            place=slot.place,
            publisher=name,
            offer_title=(offer.title_en if locale == "en" else offer.title_nl) if offer else None,
        )
        for slot, name, offer in session.exec(query).all()
    ]


def _bookable(session: Session, *, slot_id: int, user_id: int, now: datetime) -> BookingSlot:
    user = session.get(User, user_id)
    if user is None or user.is_guest:
        raise Forbidden(N_("Make an account to book a conversation."))
    slot = session.get(BookingSlot, slot_id)
    if slot is None or slot.cancelled_at is not None:
        raise NotFound(N_("No such time."), field="slot_id")
    if slot.publisher_id == user_id:
        raise InvalidInput(N_("You cannot book your own time."), field="slot_id")
    if slot.starts_at <= now:
        raise Conflict(N_("This time has passed. Choose another time."), field="slot_id")
    return slot


TAKEN = N_("Someone else just booked this time. Choose another time.")


def _hold_open(session: Session, *, slot_id: int, now: datetime) -> None:
    """Hold the time's row while it is still open and to come (a no-op write: the row lock
    on PostgreSQL, the write lock on SQLite), so a publisher cancelling it at the same moment
    waits for this booking and cancels it too. Raises Conflict when it closed meanwhile."""
    held = session.execute(
        update(BookingSlot)
        .where(
            BookingSlot.id == slot_id,
            BookingSlot.cancelled_at.is_(None),
            BookingSlot.starts_at > now,
        )
        .values(minutes=BookingSlot.minutes)
    ).rowcount
    if not held:
        session.rollback()
        raise Conflict(N_("This time is no longer free. Choose another time."), field="slot_id")


def book(session: Session, *, slot_id: int, user_id: int, now: datetime | None = None) -> Booking:
    """Book a free future time. Raises Conflict when it is taken (also when taken at the
    same moment by someone else: the database's unique index decides, not this code)."""
    now = now or utcnow()
    slot = _bookable(session, slot_id=slot_id, user_id=user_id, now=now)
    _hold_open(session, slot_id=slot_id, now=now)
    booking = Booking(
        slot_id=slot_id,
        user_id=user_id,
        uid=f"{uuid.uuid4()}@loopbaanquest",
        created_at=now,
        updated_at=now,
    )
    session.add(booking)
    try:
        session.flush()
        wallet.use_for_booking(
            session, user_id=user_id, offer_id=slot.offer_id, booking_id=booking.id, now=now
        )
        raise_event(session, BookingChanged(booking.id, booking.sequence, "booked"))
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
        raise Conflict(TAKEN, field="slot_id") from None
    return booking


def _own_booking(session: Session, *, booking_id: int, user_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or booking.user_id != user_id:
        raise NotFound(N_("No such appointment."))
    return booking


def reschedule(
    session: Session, *, booking_id: int, user_id: int, slot_id: int, now: datetime | None = None
) -> Booking:
    """Move my booking to another free time, in one statement: either it moves, or nothing
    changes (the old time stays mine when the new one was just taken)."""
    now = now or utcnow()
    booking = _own_booking(session, booking_id=booking_id, user_id=user_id)
    if booking.cancelled_at is not None:
        raise Conflict(N_("This appointment is cancelled."), field="booking_id")
    if booking.slot_id == slot_id:
        return booking
    old = session.get(BookingSlot, booking.slot_id)
    if old.starts_at <= now:
        raise Conflict(N_("This appointment has begun; it cannot move."), field="booking_id")
    _bookable(session, slot_id=slot_id, user_id=user_id, now=now)
    _hold_open(session, slot_id=slot_id, now=now)
    sequence = booking.sequence  # before the UPDATE (which also refreshes the object)
    try:
        moved = session.execute(
            update(Booking)
            .where(Booking.id == booking_id, Booking.cancelled_at.is_(None))
            .values(
                slot_id=slot_id,
                sequence=Booking.sequence + 1,
                reminded_at=None,
                updated_at=now,
            )
        ).rowcount
        if moved:
            raise_event(session, BookingChanged(booking_id, sequence + 1, "moved"))
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
        raise Conflict(TAKEN, field="slot_id") from None
    if not moved:  # cancelled meanwhile (by the publisher)
        raise Conflict(N_("This appointment is cancelled."), field="booking_id")
    session.refresh(booking)
    return booking


def cancel_booking(
    session: Session,
    *,
    booking_id: int,
    user_id: int,
    reason: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """Cancel my booking before it begins; the time is free for someone else again."""
    now = now or utcnow()
    reason = _text(reason, REASON_MAX, "reason")
    booking = _own_booking(session, booking_id=booking_id, user_id=user_id)
    if booking.cancelled_at is not None:
        return booking
    slot = session.get(BookingSlot, booking.slot_id)
    if slot.starts_at <= now:
        raise Conflict(N_("This appointment has begun; it cannot be cancelled."))
    _mark_cancelled(session, booking, CancelledBy.WORKER, reason, now)
    session.add(booking)
    session.commit()
    return booking


def _mark_cancelled(
    session: Session, booking: Booking, by: CancelledBy, reason: str | None, now: datetime
) -> None:
    booking.cancelled_at, booking.cancelled_by, booking.cancel_reason = now, by, reason
    booking.sequence += 1
    booking.updated_at = now
    wallet.release_booking(session, booking_id=booking.id)  # a place used for it comes back
    raise_event(session, BookingChanged(booking.id, booking.sequence, "cancelled"))


def _view(booking: Booking, slot: BookingSlot, publisher: str, now: datetime) -> BookingView:
    if booking.cancelled_at is not None:
        status = "cancelled"
    elif _ends(slot) <= now:
        status = "done"
    else:
        status = "booked"
    return BookingView(
        id=booking.id,
        slot_id=slot.id,
        starts_at=slot.starts_at,
        ends_at=_ends(slot),
        minutes=slot.minutes,
        channel=MeetingChannel(slot.channel),
        link=slot.link,
        place=slot.place,
        publisher=publisher,
        status=status,
        cancelled_by=CancelledBy(booking.cancelled_by) if booking.cancelled_by else None,
        cancel_reason=booking.cancel_reason,
        outcome=booking.outcome,
        sequence=booking.sequence,
    )


def _mine_query(user_id: int):
    return (
        select(Booking, BookingSlot, User.display_name)
        .join(BookingSlot, BookingSlot.id == Booking.slot_id)
        .join(User, User.id == BookingSlot.publisher_id)
        .where(Booking.user_id == user_id)
    )


def my_bookings(
    session: Session, *, user_id: int, now: datetime | None = None
) -> list[BookingView]:
    """My appointments, soonest first (cancelled ones too, with why)."""
    now = now or utcnow()
    rows = session.exec(_mine_query(user_id).order_by(BookingSlot.starts_at, Booking.id)).all()
    return [_view(booking, slot, name, now) for booking, slot, name in rows]


def my_booking(
    session: Session, *, booking_id: int, user_id: int, now: datetime | None = None
) -> BookingView:
    row = session.exec(_mine_query(user_id).where(Booking.id == booking_id)).first()
    if row is None:
        raise NotFound(N_("No such appointment."))
    return _view(*row, now or utcnow())


# -- invites -------------------------------------------------------------------------------


def invite_of(session: Session, booking: Booking) -> Invite:
    """The invite of this booking as it stands (for its mail, or a download)."""
    slot = session.get(BookingSlot, booking.slot_id)
    publisher = session.get(User, slot.publisher_id)
    worker = session.get(User, booking.user_id)
    return Invite(
        uid=booking.uid,
        sequence=booking.sequence,
        starts_at=slot.starts_at,
        ends_at=_ends(slot),
        channel=MeetingChannel(slot.channel),
        link=slot.link,
        place=slot.place,
        organizer_name=publisher.display_name,
        organizer_email=publisher.email,
        attendee_name=worker.display_name,
        attendee_email=worker.email,
        cancelled=booking.cancelled_at is not None,
    )


def worker_invite(session: Session, *, booking_id: int, user_id: int) -> Invite:
    return invite_of(session, _own_booking(session, booking_id=booking_id, user_id=user_id))


def publisher_invite(session: Session, *, slot_id: int, publisher_id: int) -> Invite:
    """The invite of the time's booking (the last one, when it was cancelled)."""
    _own_slot(session, publisher_id=publisher_id, slot_id=slot_id)
    booking = (
        _active(session, slot_id)
        or session.exec(
            select(Booking).where(Booking.slot_id == slot_id).order_by(Booking.updated_at.desc())
        ).first()
    )
    if booking is None:
        raise NotFound(N_("Nobody booked this time."))
    return invite_of(session, booking)


def method_of(invite: Invite) -> Method:
    return "CANCEL" if invite.cancelled else "REQUEST"


def invite_ics(
    booking: Invite, *, locale: str, method: Method, for_publisher: bool = False
) -> bytes:
    """The iCalendar invite (RFC 5545/5546): times in UTC, the summary in `locale`, the
    place, link or "phone" as location, the publisher as organiser. Nothing personal
    beyond who meets whom."""
    lang = "en" if locale == "en" else "nl"
    other = booking.attendee_name if for_publisher else booking.organizer_name
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", booking.uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", utcnow().replace(microsecond=0))
    event.add("dtstart", booking.starts_at.astimezone(UTC))
    event.add("dtend", booking.ends_at.astimezone(UTC))
    event.add("summary", SUMMARY[lang] % {"name": other})
    event.add("location", _location(booking, lang))
    if booking.link:
        event.add("url", booking.link)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{booking.organizer_email or 'noreply@loopbaanquest.nl'}")
    organizer.params["cn"] = vText(booking.organizer_name)
    event["organizer"] = organizer
    if booking.attendee_email:
        attendee = vCalAddress(f"mailto:{booking.attendee_email}")
        attendee.params["cn"] = vText(booking.attendee_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


def _location(booking: Invite, lang: str) -> str:
    if booking.channel == MeetingChannel.VIDEO:
        return booking.link or ""
    if booking.channel == MeetingChannel.IN_PERSON:
        return booking.place or ""
    return PHONE[lang]


# -- reminders -----------------------------------------------------------------------------


def due_reminders(session: Session, now: datetime | None = None) -> list[Reminder]:
    """Bookings that begin within 24 hours and were not reminded yet, marked reminded in the
    same statement that finds them: run twice, or in two processes at once, each booking
    comes back once, and its reminder mails are queued with the mark. Committed."""
    now = now or utcnow()
    soon = select(BookingSlot.id).where(
        BookingSlot.cancelled_at.is_(None),
        BookingSlot.starts_at > now,
        BookingSlot.starts_at <= now + REMIND_BEFORE,
    )
    marked = session.execute(
        update(Booking)
        .where(
            Booking.reminded_at.is_(None),
            Booking.cancelled_at.is_(None),
            Booking.slot_id.in_(soon),
        )
        .values(reminded_at=now)
        .returning(Booking.id, Booking.user_id, Booking.slot_id)
    ).all()
    publishers = dict(
        session.exec(
            select(BookingSlot.id, BookingSlot.publisher_id).where(
                BookingSlot.id.in_([slot_id for _, _, slot_id in marked])
            )
        ).all()
    )
    found = sorted(
        (
            Reminder(booking_id=booking_id, user_ids=(user_id, publishers[slot_id]))
            for booking_id, user_id, slot_id in marked
        ),
        key=lambda r: r.booking_id,
    )
    for reminder in found:  # the mails are queued in this same transaction
        raise_event(session, BookingReminderDue(reminder.booking_id, reminder.user_ids))
    session.commit()
    return found
