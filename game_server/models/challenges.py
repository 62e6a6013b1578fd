"""Challenges a sector fund sponsors, who joined them, their rewards and the voucher codes."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class GoalKind(StrEnum):
    PARTICIPANTS = "participants"  # this many people joined
    QUESTS = "quests"  # this many quests completed, by everyone together


class RewardKind(StrEnum):
    VOUCHER = "voucher"  # one of the codes the fund uploaded
    OFFER = "offer"  # a place in an offer (a course, a career conversation)


def _fk(target: str, ondelete: str = "CASCADE", nullable: bool = False, **kwargs) -> sa.Column:
    return sa.Column(
        sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, **kwargs
    )


class Challenge(SQLModel, table=True):
    """A time-boxed invitation to play: it opens and closes by itself (starts_at, ends_at)."""

    __tablename__ = "challenges"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(sa_column=_fk("organisations.id", index=True))
    created_by: int = Field(sa_column=_fk("users.id"))
    title_nl: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    description_nl: str = Field(sa_type=sa.Text)
    description_en: str = Field(sa_type=sa.Text)
    sectors: str = Field(sa_type=sa.Text)  # JSON list from the fixed sector menu
    quest_ids: str = Field(sa_type=sa.Text)  # JSON list: the quests that count
    track_ids: str = Field(sa_type=sa.Text)  # JSON list: tracks shown on the landing page
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    join_code: str = Field(max_length=8, unique=True, index=True)
    goal_kind: str = Field(max_length=16)
    goal_target: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChallengeParticipant(SQLModel, table=True):
    """Someone who joined. Sector, age band and region are chosen from fixed menus, may be
    left empty, and are only ever counted (never shown per person)."""

    __tablename__ = "challenge_participants"
    __table_args__ = (sa.UniqueConstraint("challenge_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(sa_column=_fk("challenges.id", index=True))
    user_id: int = Field(sa_column=_fk("users.id", index=True))
    sector: str | None = Field(default=None, max_length=24)
    age_band: str | None = Field(default=None, max_length=8)
    region: str | None = Field(default=None, max_length=4)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChallengeReward(SQLModel, table=True):
    __tablename__ = "challenge_rewards"

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(sa_column=_fk("challenges.id", index=True))
    kind: str = Field(max_length=8)
    title_nl: str = Field(max_length=120)
    title_en: str = Field(max_length=120)
    # Earned by completing this many of the challenge's quests after joining.
    quests_needed: int = Field(default=1)
    offer_id: int | None = Field(default=None, sa_column=_fk("offers.id", nullable=True))


class VoucherCode(SQLModel, table=True):
    """One code from the fund; handed out once, to one worker, who gets one per reward."""

    __tablename__ = "voucher_codes"
    __table_args__ = (
        sa.UniqueConstraint("reward_id", "code"),
        sa.UniqueConstraint("reward_id", "claimed_by"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reward_id: int = Field(sa_column=_fk("challenge_rewards.id", index=True))
    code: str = Field(max_length=64)
    claimed_by: int | None = Field(
        default=None, sa_column=_fk("users.id", ondelete="SET NULL", nullable=True)
    )
    # Set once, for good: a code handed out stays handed out, also after its worker erased
    # their account (claimed_by is then cleared).
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
