"""Growth a worker can see: XP and levels per competency, the weekly rhythm, self-scan growth.

Levels have published thresholds (LEVELS). The rhythm counts weeks, not days: a week counts
when the worker finished at least one quest, and up to two quiet weeks per quarter are
bridged automatically (shift work, holidays). Nothing here ever scolds.
"""

import json
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.schema import Competency, Quest
from ...models import Answer, AnswerShare, QuestRun, RunStatus, ScanGrowth, ScanScore, XpAward

# XP needed for each level of one competency: level n starts at LEVELS[n - 1].
LEVELS = (0, 25, 60, 110, 180, 270, 380, 510, 660, 830)
# The overall level uses the same steps on the total of the four competencies.
OVERALL_FACTOR = 4
PAUSE_WEEKS_PER_QUARTER = 2
SELF_SCAN_QUEST = "self-scan"
# Weeks follow the Dutch calendar, so a Sunday-evening quest counts for that week.
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


class Level(BaseModel):
    level: int
    xp: int
    next_level_at: int | None


class Rhythm(BaseModel):
    weeks: int
    active_this_week: bool
    pauses_left_this_quarter: int


def level_for(xp: int, factor: int = 1) -> Level:
    thresholds = [t * factor for t in LEVELS]
    level = sum(1 for threshold in thresholds if xp >= threshold)
    following = thresholds[level] if level < len(thresholds) else None
    return Level(level=level, xp=xp, next_level_at=following)


def levels_of(session: Session, user_ids: list[int]) -> dict[int, dict[str, int]]:
    """The level per competency of each of `user_ids`, in one query (a coach's client list)."""
    rows = session.exec(
        select(XpAward.user_id, XpAward.competency, sa.func.sum(XpAward.xp))
        .where(XpAward.user_id.in_(user_ids))
        .group_by(XpAward.user_id, XpAward.competency)
    ).all()
    levels = {user_id: {c.value: level_for(0).level for c in Competency} for user_id in user_ids}
    for user_id, competency, total in rows:
        levels[user_id][competency] = level_for(int(total)).level
    return levels


def week_of(moment: datetime) -> date:
    """The Monday that starts the (Dutch) week of `moment`."""
    local = moment.astimezone(LOCAL_TIME).date()
    return local - timedelta(days=local.weekday())


def _quarter(monday: date) -> tuple[int, int]:
    return monday.year, (monday.month - 1) // 3


def rhythm_of(active_weeks: set[date], today: date) -> Rhythm:
    """Count the run of active weeks up to now, bridging quiet weeks with the quarter's pauses."""
    this_week = today - timedelta(days=today.weekday())
    used: dict[tuple[int, int], int] = {}
    weeks = 0
    week = this_week
    if week not in active_weeks:
        week -= timedelta(weeks=1)  # this week is not over yet: it cannot break the rhythm
    earliest = min(active_weeks, default=this_week)
    while week >= earliest:
        if week in active_weeks:
            weeks += 1
        elif used.get(_quarter(week), 0) < PAUSE_WEEKS_PER_QUARTER:
            used[_quarter(week)] = used.get(_quarter(week), 0) + 1
        else:
            break
        week -= timedelta(weeks=1)
    left = PAUSE_WEEKS_PER_QUARTER - used.get(_quarter(this_week), 0)
    return Rhythm(
        weeks=weeks, active_this_week=this_week in active_weeks, pauses_left_this_quarter=left
    )


class PlayerFacts:
    """What badge rules and the profile look at, read once per evaluation and only if asked."""

    def __init__(self, session: Session, user_id: int, *, today: date | None = None):
        self.session = session
        self.user_id = user_id
        self.today = today or datetime.now(LOCAL_TIME).date()

    @cached_property
    def completed(self) -> list:
        """(quest_id, mode, completed_at) of every completed run, oldest first: plain rows,
        since a long-time player has hundreds and a completion reads them all."""
        return list(
            self.session.exec(
                select(QuestRun.quest_id, QuestRun.mode, QuestRun.completed_at)
                .where(QuestRun.user_id == self.user_id, QuestRun.status == RunStatus.COMPLETED)
                .order_by(QuestRun.completed_at)
            ).all()
        )

    @cached_property
    def completed_quest_ids(self) -> set[str]:
        return {run.quest_id for run in self.completed}

    @cached_property
    def xp(self) -> dict[str, int]:
        rows = self.session.exec(
            select(XpAward.competency, sa.func.sum(XpAward.xp))
            .where(XpAward.user_id == self.user_id)
            .group_by(XpAward.competency)
        ).all()
        totals = {c.value: 0 for c in Competency}
        totals.update({competency: int(total) for competency, total in rows})
        return totals

    @cached_property
    def quests_by_competency(self) -> dict[str, set[str]]:
        """The quests that gave XP in each competency (one query for all)."""
        rows = self.session.exec(
            select(XpAward.competency, XpAward.quest_id).where(XpAward.user_id == self.user_id)
        ).all()
        found: dict[str, set[str]] = {}
        for competency, quest_id in rows:
            found.setdefault(competency, set()).add(quest_id)
        return found

    @cached_property
    def rhythm(self) -> Rhythm:
        weeks = {week_of(run.completed_at) for run in self.completed}
        return rhythm_of(weeks, self.today)

    @cached_property
    def scan_scores(self) -> list[dict[str, float]]:
        """Score per competency of every completed self-scan, oldest first."""
        per_run: dict[int, dict[str, float]] = {}
        for row in self.session.exec(
            select(ScanScore)
            .where(ScanScore.user_id == self.user_id)
            .order_by(ScanScore.scanned_at, ScanScore.run_id)
        ).all():
            per_run.setdefault(row.run_id, {})[row.competency] = row.score
        return list(per_run.values())

    @cached_property
    def scan_growth(self) -> dict[str, float] | None:
        if len(self.scan_scores) < 2:
            return None
        first, latest = self.scan_scores[0], self.scan_scores[-1]
        return {c: round(latest.get(c, 0) - first.get(c, 0), 2) for c in first}

    @cached_property
    def group_quests(self) -> int:
        return sum(1 for run in self.completed if run.mode == "group")

    @cached_property
    def live_sessions(self) -> int:
        return sum(1 for run in self.completed if run.mode == "live")

    @cached_property
    def shared_reflections(self) -> int:
        """Reflections the worker chose to share with someone (a group, a coach, a screen)."""
        return self.session.exec(
            select(sa.func.count(sa.distinct(AnswerShare.answer_id)))
            .join(Answer, Answer.id == AnswerShare.answer_id)
            .where(AnswerShare.user_id == self.user_id, Answer.step_type == "reflection")
        ).one()

    @cached_property
    def peer_feedback(self) -> int:
        """Responses written to another member's shared answer."""
        return self.session.exec(
            select(sa.func.count())
            .select_from(Answer)
            .where(Answer.user_id == self.user_id, Answer.step_type == "peer")
        ).one()


def _scan_means(scores: dict[str, int]) -> dict[str, float]:
    """Self-scan item ids are `<competency>-<n>`; the mean per competency is its score."""
    per: dict[str, list[int]] = {}
    for item_id, score in scores.items():
        per.setdefault(item_id.rsplit("-", 1)[0], []).append(score)
    return {c: round(sum(v) / len(v), 2) for c, v in per.items()}


def on_completed(session: Session, run: QuestRun, quest: Quest) -> dict[str, int]:
    """What a completed run leaves: a self-scan's scores, and XP for the first completion of a
    quest (replaying, a later self-scan say, earns none). Returns the XP gained."""
    if quest.id == SELF_SCAN_QUEST:
        record_scan(session, run)
    return _award_quest_xp(session, run, quest)


def record_scan(session: Session, run: QuestRun) -> None:
    session.flush()  # the last answer may not be written yet
    scores: dict[str, list[float]] = {}
    for value in session.exec(
        select(Answer.value).where(Answer.run_id == run.id, Answer.step_type == "scale")
    ).all():
        for competency, score in _scan_means(json.loads(value)).items():
            scores.setdefault(competency, []).append(score)
    means = {c: round(sum(values) / len(values), 2) for c, values in scores.items()}
    # One read of the growth rows for all competencies, before anything new is pending.
    growth = {
        row.competency: row
        for row in session.exec(
            select(ScanGrowth).where(
                ScanGrowth.user_id == run.user_id, ScanGrowth.competency.in_(list(means))
            )
        ).all()
    }
    for competency, score in means.items():
        session.add(
            ScanScore(
                user_id=run.user_id,
                run_id=run.id,
                competency=competency,
                score=score,
                scanned_at=run.completed_at,
            )
        )
        _grow(session, growth.get(competency), run.user_id, competency, score, run.completed_at)


def record_growth(
    session: Session, user_id: int, competency: str, score: float, scanned_at: datetime
) -> None:
    """Keep the worker's first and latest score of a competency (ScanGrowth) with a new scan.
    The order is scanned_at, then the scan's id: a new scan at the same moment as the latest
    one is the later of the two, never an earlier first."""
    growth = session.get(ScanGrowth, (user_id, competency))
    _grow(session, growth, user_id, competency, score, scanned_at)


def _grow(
    session: Session,
    growth: ScanGrowth | None,
    user_id: int,
    competency: str,
    score: float,
    scanned_at: datetime,
) -> None:
    if growth is None:
        session.add(
            ScanGrowth(
                user_id=user_id,
                competency=competency,
                scans=1,
                first_score=score,
                first_at=scanned_at,
                latest_score=score,
                latest_at=scanned_at,
            )
        )
        return
    growth.scans += 1
    if scanned_at < growth.first_at:
        growth.first_score, growth.first_at = score, scanned_at
    if scanned_at >= growth.latest_at:
        growth.latest_score, growth.latest_at = score, scanned_at


def _award_quest_xp(session: Session, run: QuestRun, quest: Quest) -> dict[str, int]:
    already = session.exec(
        select(sa.func.count())
        .select_from(XpAward)
        .where(XpAward.user_id == run.user_id, XpAward.quest_id == quest.id)
    ).one()
    if already:
        return {}
    for competency, xp in quest.competencies.items():
        if xp:
            session.add(
                XpAward(
                    user_id=run.user_id,
                    run_id=run.id,
                    quest_id=quest.id,
                    competency=competency,
                    xp=xp,
                )
            )
    return {str(c): xp for c, xp in quest.competencies.items() if xp}
