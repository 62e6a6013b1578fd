"""Rewards of a challenge: vouchers the fund uploaded, or a place in an offer.

A voucher code goes to exactly one worker, and a worker gets at most one code per reward,
also when twenty people claim the last five codes at the same moment: one UPDATE picks a
free code and marks it in the same statement (on PostgreSQL skipping codes another claim
holds), and a unique key on (reward, worker) stops a double claim.
"""

from typing import Annotated

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, select, update

from ...models import (
    ChallengeReward,
    Offer,
    OfferKind,
    OfferSignup,
    RewardKind,
    VoucherCode,
    utcnow,
)
from ..common.errors import N_, Conflict, NotFound
from . import challenges, offers, wallet
from .challenges import Title

CLAIM_ATTEMPTS = 3


class RewardDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: RewardKind
    title_nl: Title
    title_en: Title
    # Completed challenge quests needed; 0 makes an offer open to every participant.
    quests_needed: int = Field(default=1, ge=0, le=100)
    offer_id: int | None = None
    # Voucher codes, one per line in the editor: each goes to one worker, once.
    codes: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default=[], max_length=100_000
    )

    @model_validator(mode="after")
    def _what_it_gives(self):
        if self.kind == RewardKind.OFFER and self.offer_id is None:
            raise ValueError("A place in an offer needs the offer.")
        if self.kind == RewardKind.VOUCHER and not self.codes:
            raise ValueError("A voucher reward needs at least one code.")
        if self.kind == RewardKind.OFFER and self.codes:
            raise ValueError("Codes belong to a voucher reward.")
        if len(set(self.codes)) != len(self.codes):
            raise ValueError("Each voucher code may appear once.")
        return self


class RewardView(BaseModel):
    id: int
    kind: RewardKind
    title: str
    quests_needed: int
    offer_id: int | None
    left: int | None  # voucher codes not yet handed out (None for an offer)


class Claimed(BaseModel):
    reward_id: int
    kind: RewardKind
    code: str | None = None  # the voucher
    offer_id: int | None = None  # the offer a place was taken in


def add_reward(session: Session, *, challenge_id: int, draft: RewardDraft) -> ChallengeReward:
    reward = ChallengeReward(
        challenge_id=challenge_id,
        **draft.model_dump(include={"kind", "title_nl", "title_en", "quests_needed", "offer_id"}),
    )
    session.add(reward)
    session.flush()
    if draft.codes:
        session.execute(
            sa.insert(VoucherCode),
            [{"reward_id": reward.id, "code": code.strip()} for code in draft.codes],
        )
    return reward


def rewards_of(session: Session, challenge_id: int, *, locale: str = "nl") -> list[RewardView]:
    rows = session.exec(
        select(ChallengeReward)
        .where(ChallengeReward.challenge_id == challenge_id)
        .order_by(ChallengeReward.quests_needed, ChallengeReward.id)
    ).all()
    left = dict(
        session.exec(
            select(VoucherCode.reward_id, sa.func.count())
            .where(
                VoucherCode.reward_id.in_([r.id for r in rows]), VoucherCode.claimed_at.is_(None)
            )
            .group_by(VoucherCode.reward_id)
        ).all()
    )
    return [
        RewardView(
            id=row.id,
            kind=RewardKind(row.kind),
            title=row.title_en if locale == "en" else row.title_nl,
            quests_needed=row.quests_needed,
            offer_id=row.offer_id,
            left=left.get(row.id, 0) if row.kind == RewardKind.VOUCHER else None,
        )
        for row in rows
    ]


def claim(
    session: Session,
    *,
    challenge_id: int,
    reward_id: int,
    user_id: int,
    share_contact: bool = False,
    contact: str | None = None,
) -> Claimed:
    """Hand the worker their reward once they earned it; claiming again returns the same."""
    reward = session.get(ChallengeReward, reward_id)
    if reward is None or reward.challenge_id != challenge_id:
        raise NotFound(N_("No such reward."))
    challenge = challenges.get(session, reward.challenge_id)
    challenges.participant(session, challenge, user_id)  # not joined: "not found"
    done = {
        quest
        for _, quest in session.exec(
            challenges.counted_runs(challenge).where(challenges.QuestRun.user_id == user_id)
        ).all()
    }
    if len(done) < reward.quests_needed:
        raise Conflict(N_("You have not earned this reward yet."), needed=reward.quests_needed)
    if reward.kind == RewardKind.OFFER:
        offers.sign_up(
            session,
            offer_id=reward.offer_id,
            user_id=user_id,
            source="challenge",
            challenge_id=challenge.id,
            share_contact=share_contact,
            contact=contact,
        )
        offer = session.get(Offer, reward.offer_id)
        if offer is not None and offer.kind == OfferKind.CONVERSATION:
            # A conversation is booked later: the place waits in the wallet until then.
            wallet.conversation_place(session, reward=reward, offer=offer, user_id=user_id)
            session.commit()
        return Claimed(reward_id=reward.id, kind=RewardKind.OFFER, offer_id=reward.offer_id)
    return Claimed(
        reward_id=reward.id, kind=RewardKind.VOUCHER, code=_voucher(session, reward, user_id)
    )


def _voucher(session: Session, reward: ChallengeReward, user_id: int) -> str:
    for _ in range(CLAIM_ATTEMPTS):
        mine = _code_of(session, reward.id, user_id)
        if mine is not None:
            _in_wallet(session, reward, user_id, mine)
            return mine
        free = (
            select(VoucherCode.id)
            .where(VoucherCode.reward_id == reward.id, VoucherCode.claimed_at.is_(None))
            .order_by(VoucherCode.id)
            .limit(1)
        )
        if session.get_bind().dialect.name == "postgresql":
            free = free.with_for_update(skip_locked=True)
        try:
            code = session.execute(
                update(VoucherCode)
                .where(VoucherCode.id == free.scalar_subquery())
                .values(claimed_by=user_id, claimed_at=utcnow())
                .returning(VoucherCode.code)
            ).scalar()
            if code is not None:  # in the worker's wallet, in the same transaction
                wallet.from_reward(session, reward=reward, user_id=user_id, code=code)
            session.commit()
        except sa.exc.IntegrityError:  # the same worker claimed at the same moment elsewhere
            session.rollback()
            continue
        if code is not None:
            return code
        if not _any_free(session, reward.id):
            break
        # Codes were free but held by claims that then failed: look again.
    raise Conflict(N_("All vouchers have been handed out."), field="reward_id")


def _in_wallet(session: Session, reward: ChallengeReward, user_id: int, code: str) -> None:
    """A code claimed before the wallet existed (or lost from it) lands there now."""
    wallet.from_reward(session, reward=reward, user_id=user_id, code=code)
    try:
        session.commit()
    except sa.exc.IntegrityError:  # another tab of theirs put it there at the same moment
        session.rollback()


def _code_of(session: Session, reward_id: int, user_id: int) -> str | None:
    return session.exec(
        select(VoucherCode.code).where(
            VoucherCode.reward_id == reward_id, VoucherCode.claimed_by == user_id
        )
    ).first()


def _any_free(session: Session, reward_id: int) -> bool:
    return (
        session.exec(
            select(VoucherCode.id).where(
                VoucherCode.reward_id == reward_id, VoucherCode.claimed_at.is_(None)
            )
        ).first()
        is not None
    )


def claimed_by(session: Session, *, challenge_id: int, user_id: int) -> dict[int, Claimed]:
    """What this worker already has from the challenge, by reward: codes and places."""
    found: dict[int, Claimed] = {}
    for reward_id, code in session.exec(
        select(VoucherCode.reward_id, VoucherCode.code)
        .join(ChallengeReward, ChallengeReward.id == VoucherCode.reward_id)
        .where(ChallengeReward.challenge_id == challenge_id, VoucherCode.claimed_by == user_id)
    ).all():
        found[reward_id] = Claimed(reward_id=reward_id, kind=RewardKind.VOUCHER, code=code)
    for reward in session.exec(
        select(ChallengeReward)
        .join(OfferSignup, OfferSignup.offer_id == ChallengeReward.offer_id)
        .where(ChallengeReward.challenge_id == challenge_id, OfferSignup.user_id == user_id)
    ).all():
        found[reward.id] = Claimed(
            reward_id=reward.id, kind=RewardKind.OFFER, offer_id=reward.offer_id
        )
    return found
