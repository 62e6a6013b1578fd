"""The fund's impact dashboard: what a challenge did, counted, never who.

Every figure comes from one GROUP BY over the challenge's participants, by one breakdown
from the fixed menu (or none), and then goes through disclosure control: no cell under ten
people is shown (zero too), and no sum or difference of shown figures lands on one.

The measures, per cell:
- participants: people who joined;
- active: participants who completed at least one of the challenge's quests (nested in
  participants), with the quests they completed riding on that count;
- offers taken up: participants who signed up for an offer from the challenge (nested in
  participants);
- growth on the self-scan per competency: the mean of latest minus first score, over the
  participants with two scans or more; shown only when ten or more have them.
Completion per quest (started, completed) is given for the challenge as a whole.
"""

import json
from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ..content.schema import Competency
from ..models import (
    Challenge,
    ChallengeParticipant,
    OfferSignup,
    QuestRun,
    RunStatus,
    ScanScore,
)
from . import disclosure
from .challenges import counted_runs
from .menus import MENUS, UNKNOWN, Breakdown
from .progression import LOCAL_TIME


class Row(BaseModel):
    """One cell of the dashboard; None is "fewer than 10, not shown"."""

    label: str
    participants: int | None
    active: int | None
    quests_completed: int | None
    offers_taken: int | None
    growth: dict[str, float | None] = {}


class QuestCompletion(BaseModel):
    quest_id: str
    started: int | None
    completed: int | None


class Dashboard(BaseModel):
    challenge_id: int
    breakdown: Breakdown | None
    total: Row
    rows: list[Row]  # one per menu entry, "unknown" last; empty without a breakdown
    quests: list[QuestCompletion]
    min_people: int = disclosure.MIN_PEOPLE


def labels_of(challenge: Challenge, breakdown: Breakdown) -> list[str]:
    """The menu, fixed before anyone joined: a label never depends on who is in it."""
    if breakdown == Breakdown.WEEK:
        first = _week(challenge.starts_at)
        last = _week(challenge.ends_at)
        weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
        return [monday.isoformat() for monday in weeks]
    return [*MENUS[breakdown], UNKNOWN]


def _week(moment: datetime) -> date:
    local = moment.astimezone(LOCAL_TIME).date()
    return local - timedelta(days=local.weekday())


def dashboard(
    session: Session, challenge: Challenge, *, breakdown: Breakdown | None = None
) -> Dashboard:
    labels = labels_of(challenge, breakdown) if breakdown else None
    board = protect(
        challenge.id,
        breakdown,
        labels,
        _counts(session, challenge, breakdown),
        _quest_counts(session, challenge),
    )
    _add_growth(session, challenge, breakdown, board.total, board.rows)
    return board


# participants, active, quests completed, offers taken
Counts = tuple[int, int, int, int]
_EMPTY: Counts = (0, 0, 0, 0)


def protect(
    challenge_id: int,
    breakdown: Breakdown | None,
    labels: list[str] | None,
    raw: dict[str, Counts],
    quests: dict[str, tuple[int, int]],
) -> Dashboard:
    """Everything a fund may see of these counts: no decision here depends on the database,
    so the property tests can drive it with any population."""
    total = _sum(raw.values())
    cells = {label: raw.get(label, _EMPTY) for label in labels} if labels else {"total": total}
    total_row, rows = _protect(total, cells)
    shown_quests = []
    for quest_id, (started, completed) in quests.items():
        shown_started, shown_completed = disclosure.protect_quest(
            started, completed, participants=total_row.participants
        )
        if shown_completed is not None and total_row.active is not None:
            # The people who completed a quest are also inside the active people.
            shown_completed = disclosure.protect_nested(total_row.active, completed)
        shown_quests.append(
            QuestCompletion(quest_id=quest_id, started=shown_started, completed=shown_completed)
        )
    return Dashboard(
        challenge_id=challenge_id,
        breakdown=breakdown,
        total=total_row,
        rows=rows if labels else [],
        quests=shown_quests,
    )


def _sum(cells) -> Counts:
    cells = list(cells)
    return tuple(sum(values) for values in zip(*cells, strict=True)) if cells else _EMPTY


def _protect(total: Counts, cells: dict[str, Counts]) -> tuple[Row, list[Row]]:
    people, active, quests, offers = total
    true_people = {k: v[0] for k, v in cells.items()}
    shown_total, shown = disclosure.protect_partition(people, true_people)
    linked = {"outer": shown_total, "outer_cells": shown, "true_outer_cells": true_people}
    active_total, active_cells = disclosure.protect_linked(
        active, {k: v[1] for k, v in cells.items()}, **linked
    )
    offers_total, offer_cells = disclosure.protect_linked(
        offers, {k: v[3] for k, v in cells.items()}, **linked
    )
    total_row = Row(
        label="total",
        participants=shown_total,
        active=active_total,
        # Quests ride on the active people who completed them.
        quests_completed=quests if active_total is not None else None,
        offers_taken=offers_total,
    )
    rows = [
        Row(
            label=label,
            participants=shown[label],
            active=active_cells[label],
            quests_completed=values[2] if active_cells[label] is not None else None,
            offers_taken=offer_cells[label],
        )
        for label, values in cells.items()
    ]
    return total_row, rows


def _counts(
    session: Session, challenge: Challenge, breakdown: Breakdown | None
) -> dict[str, tuple[int, int, int, int]]:
    done = (
        counted_runs(challenge)
        .with_only_columns(QuestRun.user_id, sa.func.count().label("quests"))
        .group_by(QuestRun.user_id)
        .subquery()
    )
    took = (
        select(OfferSignup.user_id)
        .where(OfferSignup.challenge_id == challenge.id)
        .distinct()
        .subquery()
    )
    key = _key(breakdown)
    rows = session.exec(
        select(
            key,
            sa.func.count(),
            sa.func.count(done.c.user_id),
            sa.func.coalesce(sa.func.sum(done.c.quests), 0),
            sa.func.count(took.c.user_id),
        )
        .select_from(ChallengeParticipant)
        .outerjoin(done, done.c.user_id == ChallengeParticipant.user_id)
        .outerjoin(took, took.c.user_id == ChallengeParticipant.user_id)
        .where(ChallengeParticipant.challenge_id == challenge.id)
        .group_by(key)
    ).all()
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for value, *counts in rows:
        label = _label(breakdown, value)
        found[label] = [a + int(b) for a, b in zip(found[label], counts, strict=True)]
    return {label: tuple(counts) for label, counts in found.items()}


def _add_growth(session: Session, challenge: Challenge, breakdown, total_row: Row, rows) -> None:
    """Mean growth per competency, riding on each shown cell (ten people measured or more)."""
    same = sa.and_(
        ScanScore.user_id == ChallengeParticipant.user_id,
        ChallengeParticipant.challenge_id == challenge.id,
    )
    window = {"partition_by": (ScanScore.user_id, ScanScore.competency)}
    ranked = (
        select(
            ScanScore.user_id,
            ScanScore.competency,
            ScanScore.score,
            sa.func.row_number()
            .over(**window, order_by=(ScanScore.scanned_at, ScanScore.id))
            .label("up"),
            sa.func.row_number()
            .over(**window, order_by=(ScanScore.scanned_at.desc(), ScanScore.id.desc()))
            .label("down"),
        )
        .join(ChallengeParticipant, same)
        .subquery()
    )
    person = (
        select(
            ranked.c.user_id,
            ranked.c.competency,
            (
                sa.func.sum(sa.case((ranked.c.down == 1, ranked.c.score), else_=0))
                - sa.func.sum(sa.case((ranked.c.up == 1, ranked.c.score), else_=0))
            ).label("growth"),
        )
        .group_by(ranked.c.user_id, ranked.c.competency)
        .having(sa.func.count() >= 2)
        .subquery()
    )
    key = _key(breakdown)
    found: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for value, competency, total, people in session.exec(
        select(key, person.c.competency, sa.func.sum(person.c.growth), sa.func.count())
        .select_from(ChallengeParticipant)
        .join(person, person.c.user_id == ChallengeParticipant.user_id)
        .where(ChallengeParticipant.challenge_id == challenge.id)
        .group_by(key, person.c.competency)
    ).all():
        cell = found[_label(breakdown, value)][competency]
        cell[0] += float(total)
        cell[1] += int(people)
    overall: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for per in found.values():
        for competency, (total, people) in per.items():
            overall[competency][0] += total
            overall[competency][1] += people
    total_row.growth = _means(total_row.participants, overall)
    for row in rows:
        row.growth = _means(row.participants, found.get(row.label, {}))


def _means(people: int | None, sums: dict[str, list[float]]) -> dict[str, float | None]:
    return {
        competency: disclosure.shown_mean(people, sums[competency][0], int(sums[competency][1]))
        if competency in sums
        else None
        for competency in COMPETENCIES
    }


def _key(breakdown: Breakdown | None):
    if breakdown is None:
        return sa.literal("total")
    if breakdown == Breakdown.WEEK:
        # Grouped by day in SQL (portable), folded into weeks here: at most 366 rows.
        return sa.func.date(ChallengeParticipant.joined_at)
    return getattr(ChallengeParticipant, breakdown.value)


def _label(breakdown: Breakdown | None, value) -> str:
    if breakdown is None:
        return "total"
    if breakdown == Breakdown.WEEK:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return (day - timedelta(days=day.weekday())).isoformat()
    return value if value in MENUS[breakdown] else UNKNOWN


def _quest_counts(session: Session, challenge: Challenge) -> dict[str, tuple[int, int]]:
    """Started and completed, per quest, among participants after they joined."""
    quest_ids = json.loads(challenge.quest_ids)
    rows = session.exec(
        select(
            QuestRun.quest_id,
            sa.func.count(sa.distinct(QuestRun.user_id)),
            sa.func.count(
                sa.distinct(
                    sa.case(
                        (
                            sa.and_(
                                QuestRun.status == RunStatus.COMPLETED,
                                QuestRun.completed_at < challenge.ends_at,
                            ),
                            QuestRun.user_id,
                        )
                    )
                )
            ),
        )
        .join(
            ChallengeParticipant,
            sa.and_(
                ChallengeParticipant.user_id == QuestRun.user_id,
                ChallengeParticipant.challenge_id == challenge.id,
            ),
        )
        .where(
            QuestRun.quest_id.in_(quest_ids),
            QuestRun.started_at >= ChallengeParticipant.joined_at,
            QuestRun.started_at < challenge.ends_at,
        )
        .group_by(QuestRun.quest_id)
    ).all()
    counts = {quest_id: (int(started), int(completed)) for quest_id, started, completed in rows}
    return {quest_id: counts.get(quest_id, (0, 0)) for quest_id in quest_ids}


COMPETENCIES = [c.value for c in Competency]
CSV_COLUMNS = ("label", "participants", "active", "quests_completed", "offers_taken")


def as_csv_rows(board: Dashboard) -> list[list[str]]:
    """The same cells as the dashboard, hidden the same way ("<10" where hidden)."""

    def cell(value) -> str:
        return f"<{disclosure.MIN_PEOPLE}" if value is None else str(value)

    growth = [f"growth_{c}" for c in COMPETENCIES]
    lines = [[*CSV_COLUMNS, *growth]]
    for row in [board.total, *board.rows]:
        lines.append(
            [
                row.label,
                *(cell(getattr(row, c)) for c in CSV_COLUMNS[1:]),
                *(cell(row.growth.get(c)) for c in COMPETENCIES),
            ]
        )
    return lines
