"""Which of my answers a coach may read: the worker's list to choose from."""

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from ...models import Answer, AnswerShare, Audience, CoachLink, QuestRun
from ..common.errors import N_, NotFound

# Answers in the worker's own words: the ones worth sharing, and private until shared.
SHAREABLE = ("reflection", "action", "contact")


class ShareableAnswer(BaseModel):
    answer_id: int
    quest_id: str
    step_id: str
    step_type: str
    value: Any
    answered_at: datetime
    shared: bool


def shareable_answers(session: Session, *, worker_id: int, link_id: int) -> list[ShareableAnswer]:
    link = session.get(CoachLink, link_id)
    if link is None or link.worker_id != worker_id or link.withdrawn_at is not None:
        raise NotFound(N_("No such coach link."))
    shared = set(
        session.exec(
            select(AnswerShare.answer_id).where(
                AnswerShare.user_id == worker_id,
                AnswerShare.audience == Audience.COACH,
                AnswerShare.audience_id == link.coach_id,
            )
        ).all()
    )
    rows = session.exec(
        select(Answer, QuestRun.quest_id)
        .join(QuestRun, QuestRun.id == Answer.run_id)
        .where(Answer.user_id == worker_id, Answer.step_type.in_(SHAREABLE))
        .order_by(Answer.updated_at.desc())
    ).all()
    return [
        ShareableAnswer(
            answer_id=a.id,
            quest_id=quest_id,
            step_id=a.step_id,
            step_type=a.step_type,
            value=json.loads(a.value),
            answered_at=a.updated_at,
            shared=a.id in shared,
        )
        for a, quest_id in rows
    ]
