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
from datetime import UTC, date, timedelta

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.schema import Competency
from ...models import Challenge, ChallengeParticipant, OfferSignup, QuestRun, RunStatus, ScanGrowth
from ..common import disclosure
from ..common.menus import MENUS, UNKNOWN, Breakdown
from .challenges import counts_for, participant_of


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
        # Weeks in UTC (Monday 00:00 UTC), as the database groups them: every moment from
        # the start to the end then falls in a listed week, whatever the time zone.
        first = _monday(challenge.starts_at.astimezone(UTC).date())
        last = _monday(challenge.ends_at.astimezone(UTC).date())
        weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
        return [monday.isoformat() for monday in weeks]
    return [*MENUS[breakdown], UNKNOWN]


def dashboard(
    session: Session, challenge: Challenge, *, breakdown: Breakdown | None = None
) -> Dashboard:
    labels = labels_of(challenge, breakdown) if breakdown else None
    board = protect(challenge.id, breakdown, labels, *_counts(session, challenge, breakdown))
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
) -> tuple[dict[str, Counts], dict[str, tuple[int, int]]]:
    """The counts per cell, and started and completed per quest (for the challenge as a
    whole), from one pass over the participants' runs of the challenge's quests: per person
    first (runs that count; a flag per quest started, and completed, after joining and before
    the end), then per cell. Completion per quest is the sum over the cells: every
    participant is in exactly one cell of every breakdown."""
    quest_ids = json.loads(challenge.quest_ids)
    counted = counts_for(challenge)
    started = sa.and_(
        QuestRun.started_at >= ChallengeParticipant.joined_at,
        QuestRun.started_at < challenge.ends_at,
    )
    completed = sa.and_(
        started, QuestRun.status == RunStatus.COMPLETED, QuestRun.completed_at < challenge.ends_at
    )

    def yes(condition):
        return sa.case((condition, 1), else_=0)

    flags = []
    for n, quest_id in enumerate(quest_ids):
        this = QuestRun.quest_id == quest_id
        flags += [
            sa.func.max(yes(sa.and_(this, started))).label(f"started_{n}"),
            sa.func.max(yes(sa.and_(this, completed))).label(f"completed_{n}"),
        ]
    person = (
        select(QuestRun.user_id, sa.func.sum(yes(counted)).label("quests"), *flags)
        .join(ChallengeParticipant, participant_of(challenge))
        .where(QuestRun.quest_id.in_(quest_ids), sa.or_(counted, started))
        .group_by(QuestRun.user_id)
        .subquery()
    )
    took = (
        select(OfferSignup.user_id)
        .where(OfferSignup.challenge_id == challenge.id)
        .distinct()
        .subquery()
    )
    key = _key(session, breakdown)
    rows = session.exec(
        select(
            key,
            sa.func.count(),
            sa.func.sum(yes(person.c.quests > 0)),
            sa.func.sum(person.c.quests),
            sa.func.count(took.c.user_id),
            *(
                sa.func.sum(person.c[f"{kind}_{n}"])
                for n in range(len(quest_ids))
                for kind in ("started", "completed")
            ),
        )
        .select_from(ChallengeParticipant)
        .outerjoin(person, person.c.user_id == ChallengeParticipant.user_id)
        .outerjoin(took, took.c.user_id == ChallengeParticipant.user_id)
        .where(ChallengeParticipant.challenge_id == challenge.id)
        .group_by(key)
    ).all()
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    per_quest = {quest_id: [0, 0] for quest_id in quest_ids}
    for value, *counts in rows:
        counts = [int(count or 0) for count in counts]  # SUM over no runs is NULL
        label = _label(breakdown, value)
        found[label] = [a + b for a, b in zip(found[label], counts[:4], strict=True)]
        for n, quest_id in enumerate(quest_ids):
            per_quest[quest_id][0] += counts[4 + 2 * n]
            per_quest[quest_id][1] += counts[5 + 2 * n]
    return (
        {label: tuple(counts) for label, counts in found.items()},
        {quest_id: tuple(counts) for quest_id, counts in per_quest.items()},
    )


def _add_growth(session: Session, challenge: Challenge, breakdown, total_row: Row, rows) -> None:
    """Mean growth per competency, riding on each shown cell (ten people measured or more).
    One row per person and competency (ScanGrowth, kept by progression.record_scan): ranking
    every scan of every participant here cost most of the dashboard's time at 100,000
    participants (bench/dashboard.py)."""
    key = _key(session, breakdown)
    found: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for value, competency, total, people in session.exec(
        select(
            key,
            ScanGrowth.competency,
            sa.func.sum(ScanGrowth.latest_score - ScanGrowth.first_score),
            sa.func.count(),
        )
        .select_from(ChallengeParticipant)
        .join(ScanGrowth, ScanGrowth.user_id == ChallengeParticipant.user_id)
        .where(ChallengeParticipant.challenge_id == challenge.id, ScanGrowth.scans >= 2)
        .group_by(key, ScanGrowth.competency)
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


def _key(session: Session, breakdown: Breakdown | None):
    if breakdown is None:
        return sa.literal("total")
    if breakdown == Breakdown.WEEK:
        # Grouped by the UTC day in SQL, folded into weeks here: at most 366 rows. SQLite
        # keeps UTC text; PostgreSQL would otherwise take the session's time zone.
        joined = ChallengeParticipant.joined_at
        if session.get_bind().dialect.name == "postgresql":
            joined = sa.func.timezone("UTC", joined)
        return sa.func.date(joined)
    return getattr(ChallengeParticipant, breakdown.value)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _label(breakdown: Breakdown | None, value) -> str:
    if breakdown is None:
        return "total"
    if breakdown == Breakdown.WEEK:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return _monday(day).isoformat()
    return value if value in MENUS[breakdown] else UNKNOWN


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
