"""Completing a run: the one path every way of playing ends on (solo, group and live).

It marks the run completed, awards XP (the first completion of a quest) and the self-scan's
scores, checks the badges of every trigger the run meets, and raises the events that the
rest follows from after the commit: `QuestCompleted` (the xAPI statement, the coach's view,
challenge progress, the group's feed), `XpGained` and, from the badges, `BadgeAwarded`.
The caller commits.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from ...content.catalog import Catalog
from ...content.schema import Quest
from ...models import QuestRun, RunStatus, utcnow
from ..common.domain_events import QuestCompleted, XpGained
from ..common.unit_of_work import raise_event
from ..funds.challenges import open_with_quest
from ..progress import badges, progression

GROUP, LIVE = "group", "live"


@dataclass(frozen=True)
class Completed:
    xp: dict[str, int]
    badges_awarded: list[str]


def triggers_of(run: QuestRun) -> list[str]:
    """The badge triggers a completed run meets: every completion, plus its way of playing."""
    found = [badges.QUEST_COMPLETED]
    if run.mode == GROUP:
        found.append(badges.GROUP_QUEST)
    elif run.mode == LIVE:
        found.append(badges.LIVE_SESSION)
    return found


def complete_run(
    session: Session,
    catalog: Catalog,
    run: QuestRun,
    quest: Quest,
    *,
    locale: str = "nl",
    group_id: int | None = None,
    at: datetime | None = None,
) -> Completed:
    """Complete `run` (the caller checked it may end now and commits)."""
    run.status = RunStatus.COMPLETED
    run.completed_at = run.updated_at = at or utcnow()
    run.current_step_id = None
    session.add(run)
    xp = progression.on_completed(session, run, quest)
    # In the order the player hears them: the XP, the completion, then each badge.
    if xp:
        raise_event(
            session, XpGained(user_id=run.user_id, run_id=run.id, quest_id=run.quest_id, xp=xp)
        )
    raise_event(
        session,
        QuestCompleted(
            user_id=run.user_id,
            run_id=run.id,
            quest_id=run.quest_id,
            mode=run.mode,
            started_at=run.started_at,
            completed_at=run.completed_at,
            group_id=group_id,
            xp=dict(xp),
            # Read here, in the completion's own transaction, rather than after the commit
            # in a task with a session of its own.
            challenge_ids=tuple(open_with_quest(session, user_id=run.user_id, quest_id=quest.id)),
        ),
    )
    session.flush()  # the facts the badges read include this completion
    awarded = [
        badge_id
        for trigger in triggers_of(run)
        for badge_id in badges.evaluate(
            session, catalog, user_id=run.user_id, event=trigger, run_id=run.id, locale=locale
        )
    ]
    return Completed(xp=xp, badges_awarded=awarded)
