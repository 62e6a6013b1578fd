"""Feedback on shared answers: a linked coach writes on an answer shared with them; the
worker reads it, is told at once, and can reply. Nobody else reads or writes a thread."""

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from ...models import (
    Answer,
    AnswerFeedback,
    AnswerShare,
    Audience,
    CoachLink,
    QuestRun,
    ShareLevel,
    User,
)
from ..common.domain_events import FeedbackGiven
from ..common.errors import N_, InvalidInput, NotFound
from ..common.unit_of_work import raise_event

MAX_CHARS = 2000


class FeedbackItem(BaseModel):
    id: int
    author_id: int
    author: str
    text: str
    at: datetime


class Thread(BaseModel):
    answer_id: int
    quest_id: str
    step_id: str
    value: Any
    messages: list[FeedbackItem]


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not 0 < len(text) <= MAX_CHARS:
        raise InvalidInput(N_("Write 1 to %(max)d characters."), field="text", max=MAX_CHARS)
    return text


def _visible_to_coach(session: Session, *, coach_id: int, worker_id: int, answer_id: int) -> None:
    """404 unless the link is in force, allows answers, and this answer is shared with them."""
    link = session.exec(
        select(CoachLink).where(
            CoachLink.coach_id == coach_id,
            CoachLink.worker_id == worker_id,
            CoachLink.withdrawn_at.is_(None),
        )
    ).first()
    shared = session.exec(
        select(AnswerShare.id).where(
            AnswerShare.answer_id == answer_id,
            AnswerShare.user_id == worker_id,
            AnswerShare.audience == Audience.COACH,
            AnswerShare.audience_id == coach_id,
        )
    ).first()
    if link is None or link.share != ShareLevel.PROGRESS_AND_ANSWERS or shared is None:
        raise NotFound(N_("No such answer."))


def give(
    session: Session, *, coach_id: int, worker_id: int, answer_id: int, text: str
) -> FeedbackItem:
    _visible_to_coach(session, coach_id=coach_id, worker_id=worker_id, answer_id=answer_id)
    row = AnswerFeedback(answer_id=answer_id, author_id=coach_id, text=_clean(text))
    session.add(row)
    session.flush()
    item = _item(session, row)
    raise_event(session, FeedbackGiven(to_user_id=worker_id, answer_id=answer_id, item=item))
    session.commit()
    return item


def reply(session: Session, *, worker_id: int, answer_id: int, text: str) -> FeedbackItem:
    """The worker answers the feedback on their answer; every coach in the thread hears it."""
    answer = session.get(Answer, answer_id)
    coaches = {m.author_id for m in _rows(session, answer_id)} - {worker_id}
    if answer is None or answer.user_id != worker_id or not coaches:
        raise NotFound(N_("No such feedback."))
    row = AnswerFeedback(answer_id=answer_id, author_id=worker_id, text=_clean(text))
    session.add(row)
    session.flush()
    item = _item(session, row)
    for coach_id in sorted(coaches):
        raise_event(session, FeedbackGiven(to_user_id=coach_id, answer_id=answer_id, item=item))
    session.commit()
    return item


def _rows(session: Session, answer_id: int) -> list[AnswerFeedback]:
    return list(
        session.exec(
            select(AnswerFeedback)
            .where(AnswerFeedback.answer_id == answer_id)
            .order_by(AnswerFeedback.created_at, AnswerFeedback.id)
        ).all()
    )


def _item(session: Session, row: AnswerFeedback) -> FeedbackItem:
    author = session.get(User, row.author_id)
    return FeedbackItem(
        id=row.id,
        author_id=row.author_id,
        author=author.display_name,
        text=row.text,
        at=row.created_at,
    )


def thread(session: Session, answer_id: int) -> list[FeedbackItem]:
    return [_item(session, row) for row in _rows(session, answer_id)]


def my_threads(session: Session, *, worker_id: int) -> list[Thread]:
    """Every answer of mine that has feedback, with the whole conversation."""
    rows = session.exec(
        select(Answer, QuestRun.quest_id)
        .join(QuestRun, QuestRun.id == Answer.run_id)
        .where(
            Answer.user_id == worker_id,
            Answer.id.in_(select(AnswerFeedback.answer_id)),
        )
        .order_by(Answer.updated_at.desc())
    ).all()
    return [
        Thread(
            answer_id=answer.id,
            quest_id=quest_id,
            step_id=answer.step_id,
            value=json.loads(answer.value),
            messages=thread(session, answer.id),
        )
        for answer, quest_id in rows
    ]
