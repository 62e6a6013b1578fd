"""What a finished quest gives back: the worker's own result, the XP filling each bar (and a
level reached), and the way on: the nearest badge and a quest to play next.

Everything here is read after the completion is stored; nothing is changed.
"""

import json
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...content.schema import Competency, Mode, Quest
from ...content.step_base import StepResult
from ...models import Answer, QuestRun, RunStatus, User, XpAward
from ..common.errors import N_, NotFound
from ..funds.challenges import open_with_quest
from ..progress import badges
from ..progress.progression import LEVELS, PlayerFacts, level_for
from .run_state import quest_of


class LevelBar(BaseModel):
    """One competency's bar: the XP it had, the XP it has now, within the current level."""

    competency: Competency
    gained: int
    xp: int
    level: int
    leveled_up: bool
    # The current level runs from `level_start` to `next_level_at` (None: the top level).
    level_start: int
    next_level_at: int | None
    # How much of the current level's bar was full before, and is full now (0 to 1).
    before: float
    after: float


class NextGoal(BaseModel):
    badge_id: str
    title: str
    description: str
    progress: float


class NextQuest(BaseModel):
    quest_id: str
    title: str
    minutes: int
    competency: Competency


class Payoff(BaseModel):
    results: list[StepResult]
    bars: list[LevelBar]
    next_goal: NextGoal | None
    next_quest: NextQuest | None


def payoff(
    session: Session, catalog: Catalog, *, run_id: int, user_id: int, locale: str = "nl"
) -> Payoff:
    run = session.get(QuestRun, run_id)
    if run is None or run.user_id != user_id or run.status != RunStatus.COMPLETED:
        raise NotFound(N_("No such run."))
    quest = quest_of(session, run)
    facts = PlayerFacts(session, user_id)
    goal = badges.nearest_goal(session, catalog, user_id=user_id, facts=facts)
    return Payoff(
        results=_results(session, run, quest, locale),
        bars=_bars(session, run, facts),
        next_goal=(
            NextGoal(
                badge_id=goal[0].id,
                title=goal[0].title.get(locale),
                description=goal[0].description.get(locale),
                progress=round(goal[1], 2),
            )
            if goal
            else None
        ),
        next_quest=_next_quest(session, catalog, quest, user_id, facts, locale),
    )


def _answers(session: Session, run_id: int) -> dict[str, Any]:
    rows = session.exec(select(Answer.step_id, Answer.value).where(Answer.run_id == run_id))
    return {step_id: json.loads(value) for step_id, value in rows}


def _earlier_answers(session: Session, run: QuestRun) -> dict[str, Any]:
    """The answers of this worker's previous completed run of the same quest, if any."""
    earlier = session.exec(
        select(QuestRun.id)
        .where(
            QuestRun.user_id == run.user_id,
            QuestRun.quest_id == run.quest_id,
            QuestRun.status == RunStatus.COMPLETED,
            QuestRun.id != run.id,
            QuestRun.completed_at <= run.completed_at,
        )
        .order_by(QuestRun.completed_at.desc(), QuestRun.id.desc())
    ).first()
    return _answers(session, earlier) if earlier is not None else {}


def _results(session: Session, run: QuestRun, quest: Quest, locale: str) -> list[StepResult]:
    answers = _answers(session, run.id)
    earlier = _earlier_answers(session, run)
    found = []
    for step in quest.steps:
        if step.id in answers:
            result = step.result(answers[step.id], locale, earlier.get(step.id))
            if result is not None:
                found.append(result)
    return found


def _bars(session: Session, run: QuestRun, facts: PlayerFacts) -> list[LevelBar]:
    """The bars of the competencies this run gave XP to (none on a replay)."""
    gained = dict(
        session.exec(
            select(XpAward.competency, XpAward.xp)
            .where(XpAward.run_id == run.id)
            .order_by(XpAward.xp.desc(), XpAward.competency)
        ).all()
    )
    bars = []
    for competency, xp in gained.items():
        now = level_for(facts.xp[competency])
        then = level_for(facts.xp[competency] - xp)
        start = LEVELS[now.level - 1] if now.level >= 1 else 0
        end = now.next_level_at
        span = (end - start) if end else 1
        bars.append(
            LevelBar(
                competency=Competency(competency),
                gained=xp,
                xp=now.xp,
                level=now.level,
                leveled_up=now.level > then.level,
                level_start=start,
                next_level_at=end,
                before=0.0 if now.level > then.level or not end else (then.xp - start) / span,
                after=1.0 if not end else (now.xp - start) / span,
            )
        )
    return bars


def suggest_quest(
    session: Session, catalog: Catalog, *, user_id: int, locale: str = "nl"
) -> NextQuest | None:
    """One quest to play next, for someone not just finishing one (the weekly mail)."""
    return _next_quest(session, catalog, None, user_id, PlayerFacts(session, user_id), locale)


def _next_quest(
    session: Session,
    catalog: Catalog,
    finished: Quest | None,
    user_id: int,
    facts: PlayerFacts,
    locale: str,
) -> NextQuest | None:
    """A quest to play now: the next one in a track of the quest just finished, else one that
    trains the competency with the least XP; one the worker can start alone right away."""
    done = facts.completed_quest_ids
    guest = session.get(User, user_id).is_guest

    def playable(quest: Quest) -> bool:
        return (
            quest.id not in done
            and Mode.SOLO in quest.modes
            and all(q in done for q in quest.requires)
            and (
                not guest
                or quest.public
                or bool(open_with_quest(session, user_id=user_id, quest_id=quest.id))
            )
        )

    for track in catalog.library.tracks.values():
        if finished is not None and finished.id in track.quests:
            later = track.quests[track.quests.index(finished.id) + 1 :]
            for quest_id in later:
                quest = catalog.quest(quest_id)
                if quest is not None and playable(quest):
                    return _suggestion(quest, locale)
    candidates = [q for q in catalog.quests.values() if playable(q)]
    if not candidates:
        return None

    def main_competency(quest: Quest) -> str:
        return str(max(quest.competencies, key=lambda c: quest.competencies[c]))

    best = min(
        candidates,
        key=lambda q: (facts.xp[main_competency(q)], q.minutes, q.id),
    )
    return _suggestion(best, locale)


def _suggestion(quest: Quest, locale: str) -> NextQuest:
    main = max(quest.competencies, key=lambda c: quest.competencies[c])
    return NextQuest(
        quest_id=quest.id,
        title=quest.title.get(locale),
        minutes=quest.minutes,
        competency=Competency(main),
    )
