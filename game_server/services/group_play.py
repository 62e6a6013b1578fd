"""Playing in a group: start a group run, answer (and share), share and unshare answers.

Sharing is an explicit act of the answer's owner, revocable at any time, and only towards
the group the answer was written in. Each function returns the activities to send to the
group's room; the caller publishes them.
"""

import json
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ..content.catalog import Catalog
from ..content.schema import Mode
from ..models import (
    Answer,
    AnswerShare,
    Audience,
    GroupRun,
    IdempotencyRecord,
    PeerGroup,
    QuestRun,
    RunStatus,
    User,
    utcnow,
)
from . import badges, group_feed, groups, runs
from .errors import Conflict, NotFound
from .group_feed import Activity
from .group_views import SHAREABLE_TYPES, answer_text
from .run_state import RunView, quest_of


class MyAnswer(BaseModel):
    """One of my answers in a group run, and whether the group can see it."""

    answer_id: int
    run_id: int
    quest_id: str
    quest_title: str
    step_id: str
    prompt: str
    text: str
    shared: bool


class ShareResult(BaseModel):
    answer_id: int
    shared: bool
    badges_awarded: list[str] = []


def start_run(
    session: Session,
    catalog: Catalog,
    *,
    group_id: int,
    user_id: int,
    quest_id: str,
    locale: str = "nl",
) -> tuple[RunView, bool]:
    """Start (or resume) my run of this quest in this group; True when it is new."""
    groups.require_member(session, group_id=group_id, user_id=user_id)
    quest = catalog.quest(quest_id)
    if quest is None:
        raise NotFound("No such quest.")
    if Mode.GROUP not in quest.modes:
        raise Conflict("This quest is not made for groups; play it alone.", field="quest_id")
    before = _active_run_ids(session, user_id)
    view = runs.start_or_resume(
        session, catalog, user_id=user_id, quest_id=quest_id, locale=locale, group_id=group_id
    )
    return view, view.run_id not in before


def _active_run_ids(session: Session, user_id: int) -> set[int]:
    return set(
        session.exec(
            select(QuestRun.id).where(
                QuestRun.user_id == user_id, QuestRun.status == RunStatus.ACTIVE
            )
        ).all()
    )


def group_run(session: Session, *, group_id: int, run_id: int, user_id: int) -> QuestRun:
    """My run in this group; NotFound for anyone else's run, or a run of another group."""
    groups.require_member(session, group_id=group_id, user_id=user_id)
    run = session.exec(
        select(QuestRun)
        .join(GroupRun, GroupRun.run_id == QuestRun.id)
        .where(QuestRun.id == run_id, GroupRun.group_id == group_id)
    ).first()
    if run is None or run.user_id != user_id:
        raise NotFound("No such run.")
    return run


def answer(
    session: Session,
    catalog: Catalog,
    *,
    group_id: int,
    run_id: int,
    user_id: int,
    step_id: str,
    value: Any,
    idempotency_key: str | None = None,
    share: bool = False,
    locale: str = "nl",
    site=None,
) -> tuple[RunView, list[Activity]]:
    """Answer a step of my group run, sharing the answer with the group when asked to.

    A retry with the same key replays the first response and sends no activity again.
    """
    group_run(session, group_id=group_id, run_id=run_id, user_id=user_id)
    replay = bool(idempotency_key) and session.get(IdempotencyRecord, (user_id, idempotency_key))
    view = runs.answer_step(
        session,
        catalog,
        user_id=user_id,
        run_id=run_id,
        step_id=step_id,
        value=value,
        idempotency_key=idempotency_key,
        locale=locale,
        site=site,
    )
    if replay:
        return view, []
    activities = activities_after_answer(session, group_id=group_id, run_id=run_id, step_id=step_id)
    row = session.exec(
        select(Answer).where(Answer.run_id == run_id, Answer.step_id == step_id)
    ).first()
    if share and row is not None and row.step_type in SHAREABLE_TYPES:
        result, shared_events = share_answer(
            session, catalog, group_id=group_id, user_id=user_id, answer_id=row.id
        )
        activities += shared_events
        view.badges_awarded = (view.badges_awarded or []) + result.badges_awarded
    return view, activities


def activities_after_answer(
    session: Session, *, group_id: int, run_id: int, step_id: str
) -> list[Activity]:
    """What the group hears after an answer: a completion, or a peer response."""
    run = session.get(QuestRun, run_id)
    name = session.get(User, run.user_id).display_name
    found = []
    row = session.exec(
        select(Answer).where(Answer.run_id == run_id, Answer.step_id == step_id)
    ).first()
    if row is not None and row.step_type == "peer":
        target = session.get(Answer, json.loads(row.value)["to_answer"])
        names = {run.user_id: name, target.user_id: session.get(User, target.user_id).display_name}
        found.append(group_feed.peer_response(row, run, group_id, names, target))
    if run.status == RunStatus.COMPLETED:
        event = group_feed.completion(session, run, group_id, name)
        event.goal = group_feed.goal_of(session, session.get(PeerGroup, group_id))
        found.append(event)
    return found


# -- sharing ------------------------------------------------------------------------------


def _my_group_answer(session: Session, *, group_id: int, user_id: int, answer_id: int) -> Answer:
    """My answer, written in a run of this group; NotFound for anything else."""
    groups.require_member(session, group_id=group_id, user_id=user_id)
    answer = session.exec(
        select(Answer)
        .join(GroupRun, (GroupRun.run_id == Answer.run_id) & (GroupRun.group_id == group_id))
        .where(Answer.id == answer_id, Answer.user_id == user_id)
    ).first()
    if answer is None:
        raise NotFound("No such answer in this group.", field="answer_id")
    return answer


def share_answer(
    session: Session, catalog: Catalog, *, group_id: int, user_id: int, answer_id: int
) -> tuple[ShareResult, list[Activity]]:
    """Share my answer with the group it was written in; sharing again is a no-op."""
    answer = _my_group_answer(session, group_id=group_id, user_id=user_id, answer_id=answer_id)
    if answer.step_type not in SHAREABLE_TYPES:
        raise Conflict("This kind of answer cannot be shared.", field="answer_id")
    share = AnswerShare(
        answer_id=answer.id, user_id=user_id, audience=Audience.GROUP, audience_id=group_id
    )
    try:
        with session.begin_nested():
            session.add(share)
    except sa.exc.IntegrityError:
        session.commit()
        return ShareResult(answer_id=answer.id, shared=True), []
    awarded = badges.evaluate(
        session, catalog, user_id=user_id, event=badges.ANSWER_SHARED, run_id=answer.run_id
    )
    session.commit()
    run = session.get(QuestRun, answer.run_id)
    name = session.get(User, user_id).display_name
    event = group_feed.shared(session, answer, run, group_id, name, share.created_at)
    return ShareResult(answer_id=answer.id, shared=True, badges_awarded=awarded), [event]


def unshare_answer(
    session: Session, *, group_id: int, user_id: int, answer_id: int
) -> tuple[ShareResult, list[Activity]]:
    """Stop sharing my answer with the group; it leaves the feed and peer steps at once."""
    answer = _my_group_answer(session, group_id=group_id, user_id=user_id, answer_id=answer_id)
    removed = session.exec(
        sa.delete(AnswerShare).where(
            AnswerShare.answer_id == answer.id,
            AnswerShare.audience == Audience.GROUP,
            AnswerShare.audience_id == group_id,
        )
    ).rowcount
    session.commit()
    if not removed:
        return ShareResult(answer_id=answer.id, shared=False), []
    event = Activity(
        group_id=group_id, kind="answer_unshared", at=utcnow(), user_id=user_id, answer_id=answer.id
    )
    return ShareResult(answer_id=answer.id, shared=False), [event]


def my_answers(
    session: Session, *, group_id: int, user_id: int, locale: str = "nl"
) -> list[MyAnswer]:
    """My shareable answers written in this group, newest first, with their sharing state."""
    groups.require_member(session, group_id=group_id, user_id=user_id)
    shared_ids = set(
        session.exec(
            select(AnswerShare.answer_id).where(
                AnswerShare.user_id == user_id,
                AnswerShare.audience == Audience.GROUP,
                AnswerShare.audience_id == group_id,
            )
        ).all()
    )
    rows = session.exec(
        select(Answer, QuestRun)
        .join(QuestRun, QuestRun.id == Answer.run_id)
        .join(GroupRun, (GroupRun.run_id == Answer.run_id) & (GroupRun.group_id == group_id))
        .where(Answer.user_id == user_id, Answer.step_type.in_(SHAREABLE_TYPES))
        .order_by(Answer.updated_at.desc())
    ).all()
    found = []
    for answer, run in rows:
        quest = quest_of(session, run)
        step = next((s for s in quest.steps if s.id == answer.step_id), None)
        found.append(
            MyAnswer(
                answer_id=answer.id,
                run_id=run.id,
                quest_id=run.quest_id,
                quest_title=quest.title.get(locale),
                step_id=answer.step_id,
                prompt=step.prompt.get(locale) if step else answer.step_id,
                text=answer_text(step, json.loads(answer.value), locale),
                shared=answer.id in shared_ids,
            )
        )
    return found
