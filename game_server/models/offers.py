"""Offers (a course, a career conversation, a workshop) and who signed up for them."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class OfferKind(StrEnum):
    COURSE = "course"
    CONVERSATION = "conversation"
    WORKSHOP = "workshop"


class Offer(SQLModel, table=True):
    __tablename__ = "offers"

    id: int | None = Field(default=None, primary_key=True)
    # The fund user or coach who publishes it and sees the sign-ups.
    provider_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=16)
    title_nl: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    description_nl: str = Field(sa_type=sa.Text)
    description_en: str = Field(sa_type=sa.Text)
    capacity: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OfferSignup(SQLModel, table=True):
    __tablename__ = "offer_signups"
    __table_args__ = (sa.UniqueConstraint("offer_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    offer_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("offers.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    # Where they signed up: "challenge", "quest" or "live"; with the challenge's id when it
    # was a challenge, so the fund's dashboard can count take-up (never who).
    source: str = Field(max_length=12)
    challenge_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("challenges.id", ondelete="SET NULL"), index=True
        ),
    )
    # The provider sees the name and this contact only when the worker said yes to that.
    share_contact: bool = Field(default=False)
    contact: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
