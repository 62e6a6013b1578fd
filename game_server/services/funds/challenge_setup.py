"""Setting up a challenge: the fund's draft, checked against the menus and the catalog."""

import json
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...models import Challenge, GoalKind, Membership, Offer
from ..common.codes import readable_code
from ..common.errors import N_, InvalidInput, NotFound
from ..common.menus import SECTORS
from . import rewards
from .challenges import JOIN_CODE_LENGTH, Description, Phase, Sector, Title, fund_of, phase_of
from .rewards import RewardDraft, RewardView

MAX_DAYS = 366
MAX_REWARDS = 10


class ChallengeDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title_nl: Title
    title_en: Title
    description_nl: Description
    description_en: Description
    sectors: list[Sector] = Field(min_length=1, max_length=len(SECTORS))
    starts_at: datetime
    ends_at: datetime
    quest_ids: list[Annotated[str, Field(max_length=60)]] = Field(min_length=1, max_length=50)
    track_ids: list[Annotated[str, Field(max_length=60)]] = Field(default=[], max_length=10)
    goal_kind: GoalKind
    goal_target: int = Field(ge=1, le=10_000_000)
    rewards: list[RewardDraft] = Field(default=[], max_length=MAX_REWARDS)

    @model_validator(mode="after")
    def _a_real_period(self):
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("Give the start and end with a time zone.")
        if self.ends_at <= self.starts_at:
            raise ValueError("The end must come after the start.")
        if self.ends_at - self.starts_at > timedelta(days=MAX_DAYS):
            raise ValueError("A challenge lasts a year at most.")
        return self


class ChallengeView(BaseModel):
    id: int
    title: str
    description: str
    sectors: list[str]
    starts_at: datetime
    ends_at: datetime
    phase: Phase
    quest_ids: list[str]
    track_ids: list[str]
    join_code: str
    goal_kind: GoalKind
    goal_target: int
    rewards: list[RewardView]


def create(session: Session, catalog: Catalog, *, user_id: int, draft: ChallengeDraft) -> Challenge:
    fund = fund_of(session, user_id)
    for quest_id in draft.quest_ids:
        if catalog.quest(quest_id) is None:
            raise InvalidInput(N_("There is no quest %(id)r."), field="quest_ids", id=quest_id)
    for track_id in draft.track_ids:
        if track_id not in catalog.library.tracks:
            raise InvalidInput(N_("There is no track %(id)r."), field="track_ids", id=track_id)
    challenge = Challenge(
        organisation_id=fund.id,
        created_by=user_id,
        **draft.model_dump(include={"title_nl", "title_en", "description_nl", "description_en"}),
        sectors=json.dumps(draft.sectors),
        quest_ids=json.dumps(list(dict.fromkeys(draft.quest_ids))),
        track_ids=json.dumps(draft.track_ids),
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        join_code=_free_code(session),
        goal_kind=draft.goal_kind,
        goal_target=draft.goal_target,
    )
    session.add(challenge)
    session.flush()
    for reward in draft.rewards:
        if reward.offer_id is not None:
            _own_offer(session, fund.id, reward.offer_id)
        rewards.add_reward(session, challenge_id=challenge.id, draft=reward)
    session.commit()
    return challenge


def _own_offer(session: Session, fund_id: int, offer_id: int) -> None:
    # An offer of another fund is "not found": funds do not learn about each other's offers.
    found = session.exec(
        select(Offer.id)
        .join(Membership, Membership.user_id == Offer.provider_id)
        .where(Offer.id == offer_id, Membership.organisation_id == fund_id)
    ).first()
    if found is None:
        raise NotFound(N_("No such offer."), field="offer_id")


def _free_code(session: Session) -> str:
    while True:
        code = readable_code(JOIN_CODE_LENGTH)
        if session.exec(select(Challenge.id).where(Challenge.join_code == code)).first() is None:
            return code


def view(session: Session, challenge: Challenge, *, locale: str = "nl") -> ChallengeView:
    return ChallengeView(
        id=challenge.id,
        title=challenge.title_en if locale == "en" else challenge.title_nl,
        description=challenge.description_en if locale == "en" else challenge.description_nl,
        sectors=json.loads(challenge.sectors),
        starts_at=challenge.starts_at,
        ends_at=challenge.ends_at,
        phase=phase_of(challenge),
        quest_ids=json.loads(challenge.quest_ids),
        track_ids=json.loads(challenge.track_ids),
        join_code=challenge.join_code,
        goal_kind=GoalKind(challenge.goal_kind),
        goal_target=challenge.goal_target,
        rewards=rewards.rewards_of(session, challenge.id, locale=locale),
    )


def quest_ids_of(challenge: Challenge) -> list[str]:
    return json.loads(challenge.quest_ids)
