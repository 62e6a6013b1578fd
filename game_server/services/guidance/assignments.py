"""Assignments: a coach asks linked workers to play a quest or a track, maybe by a date.

A coach can only assign to workers whose consent is in force; one worker who is not linked
makes the whole request "not found" and nothing is stored. Status is worked out from play,
never stored, so it cannot drift: done, started, overdue or open.
"""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...models import Assignment, CoachLink, QuestRun, RunStatus, User
from ..common.domain_events import AssignmentMade
from ..common.errors import N_, InvalidInput, NotFound
from ..common.unit_of_work import raise_event
from ..play.groups import members_of, require_member


class Status(StrEnum):
    OPEN = "open"
    STARTED = "started"
    DONE = "done"
    OVERDUE = "overdue"


class AssignmentView(BaseModel):
    id: int
    worker_id: int
    coach: str
    quest_id: str | None
    track_id: str | None
    title: str
    quests: list[str]
    due: date | None
    message: str | None
    status: Status
    created_at: datetime


def _quests_of(catalog: Catalog, quest_id: str | None, track_id: str | None) -> list[str]:
    if quest_id is not None:
        if catalog.quest(quest_id) is None:
            raise NotFound(N_("No such quest."), field="quest_id")
        return [quest_id]
    track = catalog.library.tracks.get(track_id) if track_id else None
    if track is None:
        raise NotFound(N_("No such track."), field="track_id")
    return list(track.quests)


def _linked(session: Session, coach_id: int, worker_ids: set[int]) -> set[int]:
    return set(
        session.exec(
            select(CoachLink.worker_id).where(
                CoachLink.coach_id == coach_id,
                CoachLink.worker_id.in_(worker_ids),
                CoachLink.withdrawn_at.is_(None),
            )
        ).all()
    )


def assign(
    session: Session,
    catalog: Catalog,
    *,
    coach_id: int,
    quest_id: str | None = None,
    track_id: str | None = None,
    worker_ids: list[int] | None = None,
    group_id: int | None = None,
    due: date | None = None,
    message: str | None = None,
    today: date | None = None,
    locale: str = "nl",
) -> list[AssignmentView]:
    """Assign to the listed workers, or to the members of a group the coach is in who are
    linked with the coach. Everything is stored, or nothing."""
    if (quest_id is None) == (track_id is None):
        raise InvalidInput(N_("Give a quest_id or a track_id (one of them)."), field="quest_id")
    if (not worker_ids) == (group_id is None):
        raise InvalidInput(N_("Give worker_ids or a group_id (one of them)."), field="worker_ids")
    if due is not None and due < (today or date.today()):
        raise InvalidInput(N_("The date is in the past."), field="due")
    _quests_of(catalog, quest_id, track_id)
    if group_id is not None:
        require_member(session, group_id=group_id, user_id=coach_id)  # 404 to outsiders
        members = {user.id for _m, user in members_of(session, group_id=group_id)}
        targets = _linked(session, coach_id, members - {coach_id})
    else:
        targets = set(worker_ids)
        if _linked(session, coach_id, targets) != targets:
            raise NotFound(N_("No such client."), field="worker_ids")  # as for any unlinked id
    text = message.strip() if message and message.strip() else None
    rows = [
        Assignment(
            coach_id=coach_id,
            worker_id=worker_id,
            quest_id=quest_id,
            track_id=track_id,
            due=due,
            message=text,
        )
        for worker_id in sorted(targets)
    ]
    session.add_all(rows)
    session.flush()
    views = [view_of(session, catalog, row, today=today, locale=locale) for row in rows]
    for view in views:
        raise_event(session, AssignmentMade(worker_id=view.worker_id, assignment=view))
    session.commit()
    return views


def view_of(
    session: Session, catalog: Catalog, row: Assignment, *, today=None, locale="nl"
) -> AssignmentView:
    quests = _quests_of(catalog, row.quest_id, row.track_id)
    thing = catalog.quest(row.quest_id) if row.quest_id else catalog.library.tracks[row.track_id]
    return AssignmentView(
        id=row.id,
        worker_id=row.worker_id,
        coach=session.get(User, row.coach_id).display_name,
        quest_id=row.quest_id,
        track_id=row.track_id,
        title=thing.title.get(locale),
        quests=quests,
        due=row.due,
        message=row.message,
        status=_status(session, row, quests, today or date.today()),
        created_at=row.created_at,
    )


def _status(session: Session, row: Assignment, quests: list[str], today: date) -> Status:
    runs = session.exec(
        select(QuestRun.quest_id, QuestRun.status).where(
            QuestRun.user_id == row.worker_id,
            QuestRun.quest_id.in_(quests),
            QuestRun.started_at >= row.created_at,
        )
    ).all()
    done = {quest for quest, status in runs if status == RunStatus.COMPLETED}
    if done >= set(quests):
        return Status.DONE
    if row.due is not None and row.due < today:
        return Status.OVERDUE
    return Status.STARTED if runs else Status.OPEN


def for_worker(session: Session, catalog: Catalog, *, worker_id: int, locale="nl"):
    rows = session.exec(
        select(Assignment)
        .where(Assignment.worker_id == worker_id)
        .order_by(Assignment.created_at.desc())
    ).all()
    return [view_of(session, catalog, row, locale=locale) for row in rows if _known(catalog, row)]


def by_coach(session: Session, catalog: Catalog, *, coach_id: int, locale="nl"):
    """The coach's assignments to workers who are still linked (withdrawal hides them)."""
    rows = session.exec(
        select(Assignment)
        .join(
            CoachLink,
            (CoachLink.coach_id == Assignment.coach_id)
            & (CoachLink.worker_id == Assignment.worker_id),
        )
        .where(Assignment.coach_id == coach_id, CoachLink.withdrawn_at.is_(None))
        .order_by(Assignment.created_at.desc())
    ).all()
    return [view_of(session, catalog, row, locale=locale) for row in rows if _known(catalog, row)]


def _known(catalog: Catalog, row: Assignment) -> bool:
    """An assignment of content that was since removed from the library is not shown."""
    if row.quest_id:
        return catalog.quest(row.quest_id) is not None
    return row.track_id in catalog.library.tracks
