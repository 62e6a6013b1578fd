"""Career conversations by appointment: a publisher's time slots and a worker's booking."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class MeetingChannel(StrEnum):
    PHONE = "phone"
    VIDEO = "video"  # with a link
    IN_PERSON = "in_person"  # with a place


class CancelledBy(StrEnum):
    WORKER = "worker"
    PUBLISHER = "publisher"


def _user(ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(
        sa.Integer, sa.ForeignKey("users.id", ondelete=ondelete), nullable=False, index=True
    )


class BookingSlot(SQLModel, table=True):
    """A time a coach or fund member offers for one conversation."""

    __tablename__ = "booking_slots"

    id: int | None = Field(default=None, primary_key=True)
    publisher_id: int = Field(sa_column=_user())
    # A career conversation (an Offer of kind "conversation") this time belongs to, if any.
    offer_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("offers.id", ondelete="SET NULL"), index=True
        ),
    )
    starts_at: datetime = Field(sa_column=sa.Column(UTCDateTime, nullable=False, index=True))
    minutes: int
    channel: str = Field(max_length=12)
    link: str | None = Field(default=None, max_length=300)  # video
    place: str | None = Field(default=None, max_length=200)  # in person
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Booking(SQLModel, table=True):
    """A worker's appointment in a slot. Rescheduling moves it (same `uid`, next `sequence`),
    so a calendar updates the one event; cancelled ones are kept for the worker to read."""

    __tablename__ = "bookings"
    # One active booking per slot, enforced by the database itself (a partial unique index):
    # twenty people pressing "book" at once leave exactly one booking.
    __table_args__ = (
        sa.Index(
            "uq_bookings_active_slot",
            "slot_id",
            unique=True,
            sqlite_where=sa.text("cancelled_at IS NULL"),
            postgresql_where=sa.text("cancelled_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("booking_slots.id", ondelete="CASCADE"), nullable=False
        )
    )
    user_id: int = Field(sa_column=_user())
    uid: str = Field(max_length=80, unique=True)  # the iCalendar event's UID
    sequence: int = Field(default=0)  # the iCalendar SEQUENCE: up by one on every change
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_by: str | None = Field(default=None, max_length=12)
    cancel_reason: str | None = Field(default=None, sa_type=sa.Text)
    # Written by the publisher after the conversation; read by the worker only.
    outcome: str | None = Field(default=None, sa_type=sa.Text)
    outcome_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set in the same transaction that hands the reminder out, so it goes out once.
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
