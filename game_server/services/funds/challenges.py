"""Challenges: a fund brings quests to the workers of its sector, for a while, with a goal.

A challenge opens and closes by itself (its start and end); nothing has to be switched. A
worker joins with the code, with an account or as a guest, and may say their sector, age
band and region (each from a fixed menu, each optional): only ever counted, never shown per
person. What counts is a quest of the challenge completed after joining and before the end.
"""

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from ...models import (
    Challenge,
    ChallengeParticipant,
    GoalKind,
    Membership,
    Organisation,
    OrganisationKind,
    QuestRun,
    RunStatus,
    utcnow,
)
from ..common.codes import clean_code
from ..common.domain_events import ChallengeJoined
from ..common.errors import N_, Conflict, Forbidden, NotFound
from ..common.menus import AGE_BANDS, REGIONS, SECTORS
from ..common.unit_of_work import raise_event

JOIN_CODE_LENGTH = 8


class Phase(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def _one_of(menu: tuple[str, ...], what: str):
    def check(value: str | None) -> str | None:
        if value is not None and value not in menu:
            raise ValueError(f"Choose a {what} from the list: {', '.join(menu)}.")
        return value

    return AfterValidator(check)


def phase_of(challenge: Challenge, now: datetime | None = None) -> Phase:
    now = now or utcnow()
    if now < challenge.starts_at:
        return Phase.UPCOMING
    return Phase.OPEN if now < challenge.ends_at else Phase.CLOSED


def fund_of(session: Session, user_id: int) -> Organisation:
    """The fund this user works for; only its members make and read its challenges."""
    found = session.exec(
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user_id, Organisation.kind == OrganisationKind.FUND)
        .order_by(Organisation.id)
    ).first()
    if found is None:
        raise Forbidden(N_("Only a member of a fund can do this."))
    return found


def find(session: Session, code: str) -> Challenge:
    challenge = session.exec(
        select(Challenge).where(Challenge.join_code == clean_code(code)[:JOIN_CODE_LENGTH])
    ).first()
    if challenge is None:
        raise NotFound(N_("No challenge has this code."), field="code")
    return challenge


def get(session: Session, challenge_id: int) -> Challenge:
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        raise NotFound(N_("No such challenge."))
    return challenge


def owned(session: Session, *, challenge_id: int, user_id: int) -> Challenge:
    """A challenge of the user's own fund; any other is "not found"."""
    challenge = session.get(Challenge, challenge_id)
    member = session.exec(
        select(Membership).where(
            Membership.user_id == user_id,
            Membership.organisation_id == (challenge.organisation_id if challenge else -1),
        )
    ).first()
    if challenge is None or member is None:
        raise NotFound(N_("No such challenge."))
    return challenge


def of_fund(session: Session, *, user_id: int) -> list[Challenge]:
    """The challenges of the user's fund (none for a fund account not yet in a fund)."""
    try:
        fund = fund_of(session, user_id)
    except Forbidden:
        return []
    return list(
        session.exec(
            select(Challenge)
            .where(Challenge.organisation_id == fund.id)
            .order_by(Challenge.starts_at.desc())
        ).all()
    )


Sector = Annotated[str, _one_of(SECTORS, "sector")]
Title = Annotated[str, Field(min_length=3, max_length=120)]
Description = Annotated[str, Field(min_length=1, max_length=4000)]


class About(BaseModel):
    """What a participant may say about themselves; each from its menu, each optional."""

    model_config = ConfigDict(extra="forbid")

    sector: Sector | None = None
    age_band: Annotated[str | None, _one_of(AGE_BANDS, "age band")] = None
    region: Annotated[str | None, _one_of(REGIONS, "region")] = None


def join(
    session: Session, *, code: str, user_id: int, about: About | None = None
) -> tuple[Challenge, bool]:
    """Join while the challenge is open; joining again changes nothing. Returns the challenge
    and whether this was a new participant."""
    challenge = find(session, code)
    if _participant(session, challenge.id, user_id) is not None:
        return challenge, False
    phase = phase_of(challenge)
    if phase != Phase.OPEN:
        raise Conflict(
            N_("This challenge has not started yet.")
            if phase == Phase.UPCOMING
            else N_("This challenge has ended."),
            field="code",
        )
    about = about or About()
    try:
        with session.begin_nested():  # two taps at once: the unique key lets one in
            session.add(
                ChallengeParticipant(
                    challenge_id=challenge.id, user_id=user_id, **about.model_dump()
                )
            )
    except sa.exc.IntegrityError:
        return challenge, False
    raise_event(session, ChallengeJoined(challenge_id=challenge.id, user_id=user_id))
    session.commit()
    return challenge, True


def _participant(session: Session, challenge_id: int, user_id: int) -> ChallengeParticipant | None:
    return session.exec(
        select(ChallengeParticipant).where(
            ChallengeParticipant.challenge_id == challenge_id,
            ChallengeParticipant.user_id == user_id,
        )
    ).first()


def is_participant(session: Session, challenge: Challenge, user_id: int) -> bool:
    return _participant(session, challenge.id, user_id) is not None


def participant(session: Session, challenge: Challenge, user_id: int) -> ChallengeParticipant:
    found = _participant(session, challenge.id, user_id)
    if found is None:
        raise NotFound(N_("Join the challenge first."))
    return found


def counted_runs(challenge: Challenge):
    """Completed runs that count: a challenge quest, finished after joining, before the end."""
    return (
        select(QuestRun.user_id, QuestRun.quest_id)
        .join(ChallengeParticipant, participant_of(challenge))
        .where(counts_for(challenge))
    )


def participant_of(challenge: Challenge):
    """Joins a QuestRun to its player's ChallengeParticipant row of this challenge."""
    return sa.and_(
        ChallengeParticipant.user_id == QuestRun.user_id,
        ChallengeParticipant.challenge_id == challenge.id,
    )


def counts_for(challenge: Challenge):
    """Whether a QuestRun (joined to its ChallengeParticipant) counts for the challenge."""
    return sa.and_(
        QuestRun.status == RunStatus.COMPLETED,
        QuestRun.quest_id.in_(json.loads(challenge.quest_ids)),
        QuestRun.completed_at >= ChallengeParticipant.joined_at,
        QuestRun.completed_at < challenge.ends_at,
    )


class ChallengeProgress(BaseModel):
    quests_done: list[str]  # mine
    quests_total: int
    participants: int  # everyone's
    quests_completed: int
    goal_kind: GoalKind
    goal_target: int
    goal_reached: int  # the goal's number so far (participants or quests)


def progress(session: Session, challenge: Challenge, *, user_id: int) -> ChallengeProgress:
    participant(session, challenge, user_id)
    mine = session.exec(counted_runs(challenge).where(QuestRun.user_id == user_id)).all()
    together = collective(session, challenge)
    return ChallengeProgress(
        quests_done=sorted({quest_id for _, quest_id in mine}),
        quests_total=len(json.loads(challenge.quest_ids)),
        **together,
    )


def collective(session: Session, challenge: Challenge) -> dict:
    """The collective goal: what every participant sees (a total, never a breakdown)."""
    participants = session.exec(
        select(sa.func.count()).where(ChallengeParticipant.challenge_id == challenge.id)
    ).one()
    runs = counted_runs(challenge).subquery()
    completed = session.exec(select(sa.func.count()).select_from(runs)).one()
    goal = GoalKind(challenge.goal_kind)
    return {
        "participants": participants,
        "quests_completed": completed,
        "goal_kind": goal,
        "goal_target": challenge.goal_target,
        "goal_reached": participants if goal == GoalKind.PARTICIPANTS else completed,
    }


def joined_by(session: Session, *, user_id: int) -> list[Challenge]:
    return list(
        session.exec(
            select(Challenge)
            .join(ChallengeParticipant, ChallengeParticipant.challenge_id == Challenge.id)
            .where(ChallengeParticipant.user_id == user_id)
            .order_by(Challenge.ends_at.desc())
        ).all()
    )


def open_with_quest(session: Session, *, user_id: int, quest_id: str) -> list[int]:
    """The open challenges this worker joined that count `quest_id` (for live progress)."""
    now = utcnow()
    rows = session.exec(
        select(Challenge.id, Challenge.quest_ids)
        .join(ChallengeParticipant, ChallengeParticipant.challenge_id == Challenge.id)
        .where(
            ChallengeParticipant.user_id == user_id,
            Challenge.starts_at <= now,
            Challenge.ends_at > now,
        )
    ).all()
    return [row.id for row in rows if quest_id in json.loads(row.quest_ids)]
