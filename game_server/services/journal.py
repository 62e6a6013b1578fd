"""The worker's journal: their own written answers, newest first, with who can see them."""

import json
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from ..content.catalog import Catalog
from ..models import Answer, QuestRun

WRITTEN_TYPES = ("reflection", "action", "contact")


class JournalEntry(BaseModel):
    answer_id: int
    quest_title: str
    prompt: str
    text: str
    due: str | None
    written_at: datetime
    # Sharing comes with coaches and groups; until then every entry is the worker's alone.
    shared_with: list[str]


def _text_of(step_type: str, value) -> tuple[str, str | None]:
    if step_type == "action":
        return value["text"], value["due"]
    if step_type == "contact":
        return f"{value['who']}: {value['learned']}", None
    return value, None


def entries(
    session: Session, catalog: Catalog, *, user_id: int, locale: str, limit: int = 50
) -> list[JournalEntry]:
    rows = session.exec(
        select(Answer, QuestRun.quest_id)
        .join(QuestRun, QuestRun.id == Answer.run_id)
        .where(Answer.user_id == user_id, Answer.step_type.in_(WRITTEN_TYPES))
        .order_by(Answer.updated_at.desc())
        .limit(limit)
    ).all()
    found = []
    for answer, quest_id in rows:
        quest = catalog.quest(quest_id)
        step = next((s for s in quest.steps if s.id == answer.step_id), None) if quest else None
        text, due = _text_of(answer.step_type, json.loads(answer.value))
        found.append(
            JournalEntry(
                answer_id=answer.id,
                quest_title=quest.title.get(locale) if quest else quest_id,
                prompt=step.prompt.get(locale) if step else "",
                text=text,
                due=due,
                written_at=answer.updated_at,
                shared_with=[],
            )
        )
    return found
