"""The worker's journal: their own written answers, newest first, with who can see them."""

import json
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...content.steps import STEP_TYPES, Reader, text_of
from ...models import Answer, QuestRun

# The worker's own words: the types whose answers are private until shared.
WRITTEN_TYPES = tuple(name for name, kind in STEP_TYPES.items() if kind.private)


class JournalEntry(BaseModel):
    answer_id: int
    quest_title: str
    prompt: str
    text: str
    due: str | None
    written_at: datetime
    # Sharing comes with coaches and groups; until then every entry is the worker's alone.
    shared_with: list[str]


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
        step = quest.step(answer.step_id) if quest else None
        value = json.loads(answer.value)
        text = text_of(step, value, Reader.WORKER, locale)
        due = value.get("due") if isinstance(value, dict) else None
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
