"""Playing in a group: start a group run, answer (and share), share and unshare answers.

Sharing is an explicit act of the answer's owner, revocable at any time, and only towards
the group the answer was written in (see `group_sharing`). What the group's room hears is
raised as events, sent after the commit.
"""

import json
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...content.schema import Mode
from ...models import Answer, AnswerShare, Audience, GroupRun, QuestRun
from ..common.errors import N_, Conflict, NotFound
from . import group_sharing, groups, runs
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
        raise NotFound(N_("No such quest."))
    if Mode.GROUP not in quest.modes:
        raise Conflict(N_("This quest is not made for groups; play it alone."), field="quest_id")
    return runs.start_or_resume(
        session, catalog, user_id=user_id, quest_id=quest_id, locale=locale, group_id=group_id
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
        raise NotFound(N_("No such run."))
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
) -> RunView:
    """Answer a step of my group run, sharing the answer with the group when asked to.

    The answer and the share are one transaction; a retry with the same key replays the
    first response and raises no event.
    """
    group_run(session, group_id=group_id, run_id=run_id, user_id=user_id)
    return runs.answer_step(
        session,
        catalog,
        user_id=user_id,
        run_id=run_id,
        step_id=step_id,
        value=value,
        idempotency_key=idempotency_key,
        share=share,
        locale=locale,
    )


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
        raise NotFound(N_("No such answer in this group."), field="answer_id")
    return answer


def share_answer(
    session: Session,
    catalog: Catalog,
    *,
    group_id: int,
    user_id: int,
    answer_id: int,
    locale: str = "nl",
) -> ShareResult:
    """Share my answer with the group it was written in; sharing again is a no-op."""
    answer = _my_group_answer(session, group_id=group_id, user_id=user_id, answer_id=answer_id)
    if answer.step_type not in SHAREABLE_TYPES:
        raise Conflict(N_("This kind of answer cannot be shared."), field="answer_id")
    awarded = group_sharing.share(session, catalog, answer=answer, group_id=group_id, locale=locale)
    session.commit()
    return ShareResult(answer_id=answer.id, shared=True, badges_awarded=awarded or [])


def unshare_answer(session: Session, *, group_id: int, user_id: int, answer_id: int) -> ShareResult:
    """Stop sharing my answer with the group; it leaves the feed and peer steps at once."""
    answer = _my_group_answer(session, group_id=group_id, user_id=user_id, answer_id=answer_id)
    group_sharing.unshare(session, answer=answer, group_id=group_id)
    session.commit()
    return ShareResult(answer_id=answer.id, shared=False)


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
