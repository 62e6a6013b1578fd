"""The worker's wallet (learning account): vouchers and budgets in one place that is theirs.

What lands here stays. A claimed challenge voucher lands in the same transaction as the
claim; a fund member can give to a worker taking part in one of the fund's challenges (a
linked coach gives through services/guidance/wallet_gifts.py). Leaving a group, a coach, a
challenge or an organisation takes nothing out: only the worker's erasure does.
"""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, select

from ...models import (
    Challenge,
    ChallengeParticipant,
    ChallengeReward,
    IssuerKind,
    Offer,
    Organisation,
    WalletItem,
    WalletKind,
    utcnow,
)
from ..common.errors import N_, InvalidInput, NotFound
from . import challenges
from .challenges import Title

Text = Annotated[str, Field(min_length=1, max_length=2000)]
# Plain words in both languages: a voucher from a challenge has no text of its own.
REWARD_PURPOSE = {
    "nl": "Een beloning van de challenge “{title}”.",
    "en": "A reward of the challenge “{title}”.",
}
REWARD_HOW = {
    "nl": "Geef deze code als je je aanmeldt voor een cursus. Bewaar hem goed: hij werkt één keer.",
    "en": "Give this code when you sign up for a course. Keep it safe; it works once.",
}
MAX_CENTS = 10_000_000  # 100,000 euro: more is a typing mistake


class GiftDraft(BaseModel):
    """A voucher (a code) or a budget (an amount) a coach or fund member gives a worker."""

    model_config = ConfigDict(extra="forbid")

    kind: WalletKind
    title_nl: Title
    title_en: Title
    purpose_nl: Text
    purpose_en: Text
    how_nl: Text
    how_en: Text
    url: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$")
    code: str | None = Field(default=None, min_length=1, max_length=64)
    amount_cents: int | None = Field(default=None, ge=1, le=MAX_CENTS)
    valid_until: date | None = None

    @model_validator(mode="after")
    def _what_it_holds(self):
        if self.kind == WalletKind.VOUCHER and not self.code:
            raise ValueError("A voucher needs its code.")
        if self.kind == WalletKind.VOUCHER and self.amount_cents is not None:
            raise ValueError("An amount belongs to a budget.")
        if self.kind == WalletKind.BUDGET and self.amount_cents is None:
            raise ValueError("A budget needs its amount.")
        return self


class WalletItemView(BaseModel):
    id: int
    kind: WalletKind
    issuer_name: str  # empty when a coach who gave it has since erased their account
    issuer_kind: IssuerKind
    title: str
    purpose: str
    how: str
    url: str | None
    code: str | None
    amount_cents: int | None
    valid_until: date | None
    used_at: datetime | None
    received_at: datetime
    expired: bool
    # A place in a career conversation not booked yet: the page offers its times.
    bookable: bool = False


class Wallet(BaseModel):
    # Still valid: unused first, newest first. Expired ones apart, so they do not crowd.
    items: list[WalletItemView]
    expired: list[WalletItemView]


def _view(item: WalletItem, locale: str, today: date) -> WalletItemView:
    english = locale == "en"
    return WalletItemView(
        id=item.id,
        kind=WalletKind(item.kind),
        issuer_name=item.issuer_name,
        issuer_kind=IssuerKind(item.issuer_kind),
        title=item.title_en if english else item.title_nl,
        purpose=item.purpose_en if english else item.purpose_nl,
        how=item.how_en if english else item.how_nl,
        url=item.url,
        code=item.code,
        amount_cents=item.amount_cents,
        valid_until=item.valid_until,
        used_at=item.used_at,
        received_at=item.created_at,
        expired=item.valid_until is not None and item.valid_until < today,
        bookable=item.offer_id is not None and item.used_at is None,
    )


def put_in(session: Session, *, user_id: int, source_key: str, **fields) -> WalletItem:
    """Add an item to the worker's wallet unless this source already put one there; the
    caller commits (so it lands in the same transaction as what caused it)."""
    found = _by_source(session, user_id, source_key)
    if found is not None:
        return found
    item = WalletItem(user_id=user_id, source_key=source_key, **fields)
    session.add(item)
    session.flush()
    return item


CONVERSATION_PURPOSE = {
    "nl": "Een gratis loopbaangesprek, gewonnen in de challenge “{title}”.",
    "en": "A free career conversation, won in the challenge “{title}”.",
}
CONVERSATION_HOW = {
    "nl": "Kies een tijd bij Gesprekken. Als je boekt, gebruik je dit tegoed.",
    "en": "Choose a time under Conversations. Booking one uses this up.",
}


def conversation_place(
    session: Session, *, reward: ChallengeReward, offer: Offer, user_id: int
) -> WalletItem:
    """A place in a career conversation won in a challenge: in the wallet until booked."""
    return _won(
        session,
        reward,
        user_id,
        titles=(offer.title_nl, offer.title_en),
        purpose=CONVERSATION_PURPOSE,
        how=CONVERSATION_HOW,
        offer_id=offer.id,
    )


def use_for_booking(
    session: Session, *, user_id: int, offer_id: int | None, booking_id: int, now: datetime
) -> WalletItem | None:
    """Booking a time of this conversation uses up one unused place for it (the caller
    commits, with the booking)."""
    if offer_id is None:
        return None
    item = session.exec(
        select(WalletItem)
        .where(
            WalletItem.user_id == user_id,
            WalletItem.offer_id == offer_id,
            WalletItem.used_at.is_(None),
        )
        .order_by(WalletItem.created_at, WalletItem.id)
    ).first()
    if item is not None:
        item.used_at, item.used_for = now, f"booking:{booking_id}"
        session.add(item)
    return item


def release_booking(session: Session, *, booking_id: int) -> None:
    """A cancelled booking gives its place back (the caller commits)."""
    for item in session.exec(
        select(WalletItem).where(WalletItem.used_for == f"booking:{booking_id}")
    ).all():
        item.used_at, item.used_for = None, None
        session.add(item)


def _by_source(session: Session, user_id: int, source_key: str) -> WalletItem | None:
    return session.exec(
        select(WalletItem).where(WalletItem.user_id == user_id, WalletItem.source_key == source_key)
    ).first()


def from_reward(
    session: Session, *, reward: ChallengeReward, user_id: int, code: str
) -> WalletItem:
    """The voucher of a challenge reward, in the wallet of the worker who claimed it."""
    return _won(
        session,
        reward,
        user_id,
        titles=(reward.title_nl, reward.title_en),
        purpose=REWARD_PURPOSE,
        how=REWARD_HOW,
        code=code,
    )


def _won(
    session: Session,
    reward: ChallengeReward,
    user_id: int,
    *,
    titles: tuple[str, str],
    purpose: dict[str, str],
    how: dict[str, str],
    **fields,
) -> WalletItem:
    """What a challenge's reward puts in the wallet, from the fund that runs it."""
    challenge = session.get(Challenge, reward.challenge_id)
    fund = session.get(Organisation, challenge.organisation_id)
    return put_in(
        session,
        user_id=user_id,
        source_key=f"reward:{reward.id}",
        kind=WalletKind.VOUCHER,
        issuer_name=fund.name[:120],
        issuer_kind=IssuerKind.CHALLENGE,
        title_nl=titles[0],
        title_en=titles[1],
        purpose_nl=purpose["nl"].format(title=challenge.title_nl),
        purpose_en=purpose["en"].format(title=challenge.title_en),
        how_nl=how["nl"],
        how_en=how["en"],
        **fields,
    )


def wallet(
    session: Session, *, user_id: int, locale: str = "nl", today: date | None = None
) -> Wallet:
    today = today or utcnow().date()
    rows = session.exec(
        select(WalletItem)
        .where(WalletItem.user_id == user_id)
        .order_by(WalletItem.created_at.desc(), WalletItem.id.desc())
    ).all()
    views = [_view(row, locale, today) for row in rows]
    current = [v for v in views if not v.expired]
    return Wallet(
        items=sorted(current, key=lambda v: v.used_at is not None),  # stable: newest first
        expired=[v for v in views if v.expired],
    )


def _mine(session: Session, user_id: int, item_id: int) -> WalletItem:
    item = session.get(WalletItem, item_id)
    if item is None or item.user_id != user_id:
        raise NotFound(N_("This is not in your wallet."))
    return item


def mark_used(
    session: Session,
    *,
    user_id: int,
    item_id: int,
    used: bool = True,
    locale: str = "nl",
    now: datetime | None = None,
) -> WalletItemView:
    """Mark the item used, or (used=False) not used after all; marking twice is a no-op."""
    item = _mine(session, user_id, item_id)
    if used and item.used_at is None:
        item.used_at = now or utcnow()
    elif not used:
        item.used_at = None
    session.add(item)
    session.commit()
    return _view(item, locale, (now or utcnow()).date())


def give(
    session: Session,
    *,
    worker_id: int,
    giver_id: int,
    issuer_kind: IssuerKind,
    issuer_name: str,
    draft: GiftDraft,
    locale: str = "nl",
    today: date | None = None,
) -> WalletItemView:
    """Put a gift in the worker's wallet (who may give is checked by the caller)."""
    today = today or utcnow().date()
    if draft.valid_until is not None and draft.valid_until < today:
        raise InvalidInput(N_("This date has already passed."), field="valid_until")
    item = put_in(
        session,
        user_id=worker_id,
        source_key=f"gift:{uuid.uuid4().hex}",
        issuer_kind=issuer_kind,
        issuer_name=issuer_name[:120],
        given_by=giver_id,
        **draft.model_dump(),
    )
    session.commit()
    return _view(item, locale, today)


def give_as_fund(
    session: Session,
    *,
    giver_id: int,
    worker_id: int,
    draft: GiftDraft,
    locale: str = "nl",
    today: date | None = None,
) -> WalletItemView:
    """A fund member gives to a worker taking part in one of the fund's challenges; any
    other worker is "not found" (a fund never learns who else has an account)."""
    fund = challenges.fund_of(session, giver_id)
    taking_part = session.exec(
        select(ChallengeParticipant.id)
        .join(Challenge, Challenge.id == ChallengeParticipant.challenge_id)
        .where(Challenge.organisation_id == fund.id, ChallengeParticipant.user_id == worker_id)
    ).first()
    if taking_part is None:
        raise NotFound(N_("No such worker."))
    return give(
        session,
        worker_id=worker_id,
        giver_id=giver_id,
        issuer_kind=IssuerKind.FUND,
        issuer_name=fund.name,
        draft=draft,
        locale=locale,
        today=today,
    )


def export_rows(session: Session, *, user_id: int) -> list[dict]:
    """Everything in the wallet, both languages, for the worker's data export."""
    return [
        item.model_dump(mode="json", exclude={"user_id", "given_by"})
        for item in session.exec(
            select(WalletItem).where(WalletItem.user_id == user_id).order_by(WalletItem.id)
        )
    ]
