"""Where players stop: per quest and per step, for content editors, counted, never who.

Each player counts once per quest, by their first run of it (solo or group; a live session
is paced by its host, so it says nothing about where a player gives up). That run is in
exactly one place: at one of the quest's steps, or finished. (A run on a step the quest no
longer has, begun on an older text, is left out: its place in today's order is unknown.)
Those places partition the players, and everything shown comes from that partition,
protected by the fund dashboard's rules
(`services/common/disclosure.py`, docs/impact-dashboard.md):

- at a step, finished: the partition's cells, fewer than ten people hidden (zero too), and
  enough other cells that a total minus the shown cells never lands on one;
- reached (at this step, a later one, or finished): a sum of cells, shown only when the
  shown cells already give it, so it tells nothing the other figures do not;
- left (the run stopped here: abandoned, or not moved for STALE_AFTER): a linked table
  inside "at the step", like active participants inside participants; who is at a step
  and has not left is still playing;
- ratings: how many players rated (nested in the players) and the mean score, over ten
  raters or more. The comments are never shown here: they are a person's own words.

There are no filters: a quest id from the catalog is the only choice.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...content.schema import Quest
from ...models import QuestRating, QuestRun, RunStatus, utcnow
from ..common import disclosure
from ..common.errors import N_, NotFound

STALE_AFTER = timedelta(days=7)
FINISHED = "finished"


class StepFigures(BaseModel):
    """One step; None is "fewer than 10, or a number that would let you work one out"."""

    step_id: str
    type: str
    prompt: str
    reached: int | None
    at_step: int | None
    left: int | None


class Ratings(BaseModel):
    raters: int | None
    average: float | None  # 1 (not useful) to 5 (very useful)


class QuestDropOff(BaseModel):
    quest_id: str
    title: str
    players: int | None
    finished: int | None
    left: int | None
    steps: list[StepFigures]
    ratings: Ratings
    min_people: int = disclosure.MIN_PEOPLE
    stale_days: int = STALE_AFTER.days


@dataclass
class RawCounts:
    """One quest's true counts, people by place, before anything is hidden."""

    at: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    left: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    raters: int = 0
    score_total: int = 0


def drop_off(
    session: Session, catalog: Catalog, *, quest_id: str, locale: str = "nl", now=None
) -> QuestDropOff:
    quest = catalog.quest(quest_id)
    if quest is None:
        raise NotFound(N_("No such quest."))
    raw = _counts(session, [quest], now or utcnow())[quest.id]
    return protect(quest, raw, locale)


def overview(
    session: Session, catalog: Catalog, *, locale: str = "nl", now=None
) -> list[QuestDropOff]:
    """Every quest of the catalog, by id, from one pass over the runs."""
    quests = sorted(catalog.quests.values(), key=lambda q: q.id)
    counted = _counts(session, quests, now or utcnow())
    return [protect(quest, counted[quest.id], locale) for quest in quests]


def protect(quest: Quest, raw: RawCounts, locale: str = "nl") -> QuestDropOff:
    """Everything an editor may see of these counts; no decision here reads the database,
    so a test can drive it with any population."""
    steps = [step.id for step in quest.steps]
    cells = {place: raw.at.get(place, 0) for place in [*steps, FINISHED]}
    players = sum(cells.values())
    shown_players, shown = disclosure.protect_partition(players, cells)
    # Nobody leaves at the finish: "left" is a table over the steps alone.
    left_total, left = disclosure.protect_linked(
        sum(raw.left.get(step, 0) for step in steps),
        {step: raw.left.get(step, 0) for step in steps},
        outer=shown_players,
        outer_cells={step: shown[step] for step in steps},
        true_outer_cells={step: cells[step] for step in steps},
    )
    figures = []
    for index, step in enumerate(quest.steps):
        beyond = [*steps[index:], FINISHED]
        figures.append(
            StepFigures(
                step_id=step.id,
                type=step.type,
                prompt=step.prompt.get(locale),
                reached=_shown_sum(shown_players, shown, beyond),
                at_step=shown[step.id],
                left=left[step.id],
            )
        )
    return QuestDropOff(
        quest_id=quest.id,
        title=quest.title.get(locale),
        players=shown_players,
        finished=shown[FINISHED],
        left=left_total,
        steps=figures,
        ratings=Ratings(
            raters=disclosure.protect_nested(shown_players, raw.raters),
            average=_rounded(disclosure.shown_mean(shown_players, raw.score_total, raw.raters)),
        ),
    )


def _shown_sum(total: int | None, shown: dict[str, int | None], labels: list[str]) -> int | None:
    """The sum of these cells, when the shown figures already give it: every one of them is
    shown, or every other cell is (then it is the total minus those)."""
    if total is None:
        return None
    inside = [shown[label] for label in labels]
    outside = [n for label, n in shown.items() if label not in labels]
    if None not in inside:
        return sum(inside)
    if None not in outside:
        return total - sum(outside)
    return None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _counts(session: Session, quests: list[Quest], now: datetime) -> dict[str, RawCounts]:
    """People by place (and how many of them left there) and their ratings, per quest."""
    found = {quest.id: RawCounts() for quest in quests}
    first = (
        select(sa.func.min(QuestRun.id).label("run_id"))
        .where(QuestRun.mode != "live", QuestRun.quest_id.in_(list(found)))
        .group_by(QuestRun.quest_id, QuestRun.user_id)
        .subquery()
    )
    # A step of an older text has no place in today's order: see the module's docstring.
    placed = sa.or_(
        QuestRun.status == RunStatus.COMPLETED,
        *(
            sa.and_(
                QuestRun.quest_id == quest.id,
                QuestRun.current_step_id.in_([step.id for step in quest.steps]),
            )
            for quest in quests
        ),
    )
    gone = sa.or_(
        QuestRun.status == RunStatus.ABANDONED,
        sa.and_(QuestRun.status == RunStatus.ACTIVE, QuestRun.updated_at < now - STALE_AFTER),
    )
    players = (
        select(
            QuestRun.quest_id,
            QuestRun.user_id,
            sa.case(
                (QuestRun.status == RunStatus.COMPLETED, FINISHED), else_=QuestRun.current_step_id
            ).label("place"),
            sa.case((gone, 1), else_=0).label("left"),
        )
        .join(first, first.c.run_id == QuestRun.id)
        .where(placed)
        .subquery()
    )
    for quest_id, place, left, people in session.exec(
        select(players.c.quest_id, players.c.place, players.c.left, sa.func.count()).group_by(
            players.c.quest_id, players.c.place, players.c.left
        )
    ).all():
        found[quest_id].at[place] += people
        if left and place != FINISHED:
            found[quest_id].left[place] += people
    # A player who rated more than one run counts once, by the latest run they rated.
    latest = (
        select(sa.func.max(QuestRating.run_id).label("run_id"))
        .join(
            players,
            sa.and_(
                players.c.user_id == QuestRating.user_id,
                players.c.quest_id == QuestRating.quest_id,
            ),
        )
        .group_by(QuestRating.quest_id, QuestRating.user_id)
        .subquery()
    )
    for quest_id, raters, score_total in session.exec(
        select(QuestRating.quest_id, sa.func.count(), sa.func.sum(QuestRating.score))
        .join(latest, latest.c.run_id == QuestRating.run_id)
        .group_by(QuestRating.quest_id)
    ).all():
        found[quest_id].raters = int(raters)
        found[quest_id].score_total = int(score_total or 0)
    return found
