"""What happens in a group: the activity feed and the monthly goal, read from the runs.

The feed is derived, never stored: completions of the group's runs, answers shared with the
group, and peer responses to answers that are still shared. Unsharing an answer (or leaving
the group) therefore takes it, and the responses to it, out of the feed at once.
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...models import (
    Answer,
    AnswerShare,
    Audience,
    GroupMember,
    GroupRun,
    PeerGroup,
    QuestRun,
    RunStatus,
    User,
    utcnow,
)
from ..progress.progression import LOCAL_TIME
from .group_views import answer_text
from .run_state import quest_of

FEED_LENGTH = 30


class Goal(BaseModel):
    """Quests completed together this calendar month, against the owner's target."""

    quests: int
    done: int
    month: str  # YYYY-MM


class Activity(BaseModel):
    """One thing that happened in a group: a feed item, or a notice sent to the group's room.

    kind: quest_completed, answer_shared, peer_feedback (in the feed); answer_unshared,
    member_joined, member_left, member_removed, goal_set (notices only).
    """

    group_id: int
    kind: str
    at: datetime
    user_id: int | None = None
    name: str | None = None
    quest_id: str | None = None
    quest_title: str | None = None
    run_id: int | None = None
    answer_id: int | None = None
    step_id: str | None = None
    prompt: str | None = None
    text: str | None = None
    to_answer_id: int | None = None
    to_user_id: int | None = None
    to_name: str | None = None
    goal: Goal | None = None


def _month(now: datetime) -> tuple[datetime, datetime, str]:
    """The Dutch calendar month of `now`: its start, the next month's start, YYYY-MM."""
    local = now.astimezone(LOCAL_TIME)
    first = datetime(local.year, local.month, 1, tzinfo=LOCAL_TIME)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    following = datetime(year, month, 1, tzinfo=LOCAL_TIME)
    return first.astimezone(UTC), following.astimezone(UTC), f"{local.year:04d}-{local.month:02d}"


def goal_of(session: Session, group: PeerGroup, *, now: datetime | None = None) -> Goal | None:
    if group.goal_quests is None:
        return None
    start, end, month = _month(now or utcnow())
    done = session.exec(
        select(sa.func.count())
        .select_from(QuestRun)
        .join(GroupRun, GroupRun.run_id == QuestRun.id)
        .where(
            GroupRun.group_id == group.id,
            QuestRun.status == RunStatus.COMPLETED,
            QuestRun.completed_at >= start,
            QuestRun.completed_at < end,
        )
    ).one()
    return Goal(quests=group.goal_quests, done=done, month=month)


def _titles(session: Session, run: QuestRun, step_id: str | None, locale: str | None):
    if locale is None:
        return None, None, None
    quest = quest_of(session, run)
    step = next((s for s in quest.steps if s.id == step_id), None)
    return quest.title.get(locale), step.prompt.get(locale) if step else None, step


def completion(session: Session, run: QuestRun, group_id: int, name: str, locale=None) -> Activity:
    title, _prompt, _step = _titles(session, run, None, locale)
    return Activity(
        group_id=group_id,
        kind="quest_completed",
        at=run.completed_at,
        user_id=run.user_id,
        name=name,
        quest_id=run.quest_id,
        quest_title=title,
        run_id=run.id,
    )


def shared(
    session: Session, answer: Answer, run: QuestRun, group_id: int, name: str, at, locale=None
) -> Activity:
    title, prompt, step = _titles(session, run, answer.step_id, locale)
    return Activity(
        group_id=group_id,
        kind="answer_shared",
        at=at,
        user_id=answer.user_id,
        name=name,
        quest_id=run.quest_id,
        quest_title=title,
        run_id=run.id,
        answer_id=answer.id,
        step_id=answer.step_id,
        prompt=prompt,
        text=answer_text(step, json.loads(answer.value), locale or "nl"),
    )


def peer_response(
    answer: Answer, run: QuestRun, group_id: int, names: dict[int, str], target: Answer
) -> Activity:
    value = json.loads(answer.value)
    return Activity(
        group_id=group_id,
        kind="peer_feedback",
        at=answer.updated_at,
        user_id=answer.user_id,
        name=names.get(answer.user_id),
        quest_id=run.quest_id,
        run_id=run.id,
        answer_id=answer.id,
        step_id=answer.step_id,
        text=value["text"],
        to_answer_id=target.id,
        to_user_id=target.user_id,
        to_name=names.get(target.user_id),
    )


def after_answer(session: Session, run: QuestRun, group_id: int, step_id: str) -> list[Activity]:
    """What the group hears after an answer in its run: a peer response, a completion."""
    name = session.get(User, run.user_id).display_name
    found = []
    row = session.exec(
        select(Answer).where(Answer.run_id == run.id, Answer.step_id == step_id)
    ).first()
    if row is not None and row.step_type == "peer":
        target = session.get(Answer, json.loads(row.value)["to_answer"])
        names = {run.user_id: name, target.user_id: session.get(User, target.user_id).display_name}
        found.append(peer_response(row, run, group_id, names, target))
    if run.status == RunStatus.COMPLETED:
        event = completion(session, run, group_id, name)
        event.goal = goal_of(session, session.get(PeerGroup, group_id))
        found.append(event)
    return found


def feed(
    session: Session, *, group_id: int, names: dict[int, str], locale: str = "nl"
) -> list[Activity]:
    """The latest activity of the group's current members (`names`: member id -> name)."""
    members = list(names)
    group_runs = (
        select(QuestRun)
        .join(GroupRun, GroupRun.run_id == QuestRun.id)
        .where(GroupRun.group_id == group_id, QuestRun.user_id.in_(members))
    )
    items: list[Activity] = []
    done = session.exec(
        group_runs.where(QuestRun.status == RunStatus.COMPLETED)
        .order_by(QuestRun.completed_at.desc())
        .limit(FEED_LENGTH)
    ).all()
    items += [completion(session, run, group_id, names[run.user_id], locale) for run in done]
    shares = session.exec(
        select(Answer, QuestRun, AnswerShare.created_at)
        .join(
            AnswerShare,
            (AnswerShare.answer_id == Answer.id)
            & (AnswerShare.audience == Audience.GROUP)
            & (AnswerShare.audience_id == group_id),
        )
        .join(QuestRun, QuestRun.id == Answer.run_id)
        .join(GroupRun, (GroupRun.run_id == Answer.run_id) & (GroupRun.group_id == group_id))
        .where(Answer.user_id.in_(members))
        .order_by(AnswerShare.created_at.desc())
    ).all()
    still_shared = {answer.id: answer for answer, _run, _at in shares}
    items += [
        shared(session, answer, run, group_id, names[answer.user_id], at, locale)
        for answer, run, at in shares[:FEED_LENGTH]
    ]
    responses = session.exec(
        select(Answer, QuestRun)
        .join(QuestRun, QuestRun.id == Answer.run_id)
        .join(GroupRun, (GroupRun.run_id == Answer.run_id) & (GroupRun.group_id == group_id))
        .where(Answer.step_type == "peer", Answer.user_id.in_(members))
        .order_by(Answer.updated_at.desc())
    ).all()
    for answer, run in responses:
        target = still_shared.get(json.loads(answer.value)["to_answer"])
        if target is not None:
            items.append(peer_response(answer, run, group_id, names, target))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:FEED_LENGTH]


def member_ids(session: Session, *, group_id: int) -> list[int]:
    return list(
        session.exec(select(GroupMember.user_id).where(GroupMember.group_id == group_id)).all()
    )
