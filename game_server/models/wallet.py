"""The worker's wallet (learning account): vouchers and budgets they received, kept in one
place that belongs to them, not to an employer, a group or a fund."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class WalletKind(StrEnum):
    VOUCHER = "voucher"  # a code to give when signing up
    BUDGET = "budget"  # an amount of money to spend on learning


class IssuerKind(StrEnum):
    CHALLENGE = "challenge"  # a reward of a fund's challenge
    FUND = "fund"  # given by a fund member
    COACH = "coach"  # given by a linked coach


class WalletItem(SQLModel, table=True):
    """One thing in a worker's wallet. It stays when the worker leaves a group, a coach, a
    challenge or an organisation: nothing here points at those (only `source_key` says
    where it came from), so nothing there can take it away."""

    __tablename__ = "wallet_items"
    __table_args__ = (sa.UniqueConstraint("user_id", "source_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=8)
    issuer_name: str = Field(max_length=120)  # as shown: a fund's name, a coach's name
    issuer_kind: str = Field(max_length=12)
    # Who gave it (a coach or fund member); cleared when they erase their account.
    given_by: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
    )
    title_nl: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    purpose_nl: str = Field(sa_type=sa.Text)  # what it is for
    purpose_en: str = Field(sa_type=sa.Text)
    how_nl: str = Field(sa_type=sa.Text)  # how and where to use it
    how_en: str = Field(sa_type=sa.Text)
    url: str | None = Field(default=None, max_length=500)
    code: str | None = Field(default=None, max_length=64)  # a voucher's code
    amount_cents: int | None = Field(default=None)  # a budget, in euro cents
    valid_until: date | None = Field(default=None)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A place in a career conversation (an offer): booking one of its times uses it up,
    # cancelling gives it back. `used_for` names the booking ("booking:12").
    offer_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("offers.id", ondelete="SET NULL"), nullable=True
        ),
    )
    used_for: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Where it came from, e.g. "reward:12": the same reward never lands twice.
    source_key: str = Field(max_length=80)
