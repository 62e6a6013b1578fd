"""The fund's impact dashboard: what a challenge did, counted, never who.

Every figure comes from one GROUP BY over the challenge's participants, by one breakdown
from the fixed menu (or none), and then goes through disclosure control: no cell under ten
people is shown (zero too), and no sum or difference of shown figures lands on one.

The measures, per cell:
- participants: people who joined;
- active: participants who completed at least one of the challenge's quests (nested in
  participants), with the quests they completed riding on that count;
- offers taken up: participants who signed up for an offer from the challenge (nested in
  participants).
Completion per quest (started, completed) is given for the challenge as a whole.
"""

import json
from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ..models import Challenge, ChallengeParticipant, OfferSignup, QuestRun, RunStatus
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
    raw = _counts(session, challenge, breakdown)
    labels = labels_of(challenge, breakdown) if breakdown else []
    total = _sum(raw.values())
    total_row, rows = _protect(total, {label: raw.get(label, _EMPTY) for label in labels})
    return Dashboard(
        challenge_id=challenge.id,
        breakdown=breakdown,
        total=total_row,
        rows=rows,
        quests=_quests(session, challenge, total_row.participants),
    )


# participants, active, quests completed, offers taken
_EMPTY = (0, 0, 0, 0)


def _sum(cells) -> tuple[int, int, int, int]:
    return tuple(sum(values) for values in zip(*cells, strict=True)) if cells else _EMPTY


def _protect(total, cells: dict[str, tuple]) -> tuple[Row, list[Row]]:
    people, active, quests, offers = total
    shown_total, shown = disclosure.protect_partition(people, {k: v[0] for k, v in cells.items()})
    active_total, active_cells = disclosure.protect_linked(
        active, {k: v[1] for k, v in cells.items()}, outer=shown_total, outer_cells=shown
    )
    offers_total, offer_cells = disclosure.protect_linked(
        offers, {k: v[3] for k, v in cells.items()}, outer=shown_total, outer_cells=shown
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


def _quests(
    session: Session, challenge: Challenge, participants: int | None
) -> list[QuestCompletion]:
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
    counts = {quest_id: (started, completed) for quest_id, started, completed in rows}
    result = []
    for quest_id in quest_ids:
        started, completed = counts.get(quest_id, (0, 0))
        shown_started, shown_completed = disclosure.protect_quest(
            started, completed, participants=participants
        )
        result.append(
            QuestCompletion(quest_id=quest_id, started=shown_started, completed=shown_completed)
        )
    return result


CSV_COLUMNS = ("label", "participants", "active", "quests_completed", "offers_taken")


def as_csv_rows(board: Dashboard) -> list[list[str]]:
    """The same cells as the dashboard, suppressed the same way ("<10" where hidden)."""

    def cell(value) -> str:
        return f"<{disclosure.MIN_PEOPLE}" if value is None else str(value)

    lines = [list(CSV_COLUMNS)]
    for row in [board.total, *board.rows]:
        lines.append([row.label, *(cell(getattr(row, c)) for c in CSV_COLUMNS[1:])])
    return lines
