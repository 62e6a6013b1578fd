"""A plan with a date: what the worker will do, by when; they are asked later how it went."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, ClassVar, Literal

from pydantic import Field

from ...services.common.errors import N_
from ..step_base import AnswerRejected, BaseStep, Reader, answer_object, checked_text, step_type


@step_type
class ActionStep(BaseStep):
    """A commitment with a date; the worker is asked later how it went."""

    type: Literal["action"]
    due_days: int = Field(default=14, ge=1, le=365)

    private: ClassVar[bool] = True
    own_words: ClassVar[bool] = True
    shareable: ClassVar[bool] = True

    def check_answer(self, value: Any, *, today: date | None = None) -> dict:
        value = answer_object(value, {"text", "due"})
        text = checked_text(value["text"], empty=N_("Write what you will do."))
        try:
            due = date.fromisoformat(value["due"]) if isinstance(value["due"], str) else None
        except ValueError:
            due = None
        if due is None:
            raise AnswerRejected(N_("Give the date as YYYY-MM-DD."))
        today = today or date.today()
        if not today <= due <= today + timedelta(days=366):
            raise AnswerRejected(N_("Pick a date from today up to one year ahead."))
        return {"text": text, "due": due.isoformat()}

    def default_due(self, today: date | None = None) -> str:
        return ((today or date.today()) + timedelta(days=self.due_days)).isoformat()

    def view_fields(self, locale: str) -> dict[str, Any]:
        return {"due_days": self.due_days, "default_due": self.default_due()}

    def answer_from_form(self, form: Mapping) -> dict:
        return {"text": form.get("text", ""), "due": form.get("due", "")}

    def example_answer(self, today: date, variant: int = 0) -> dict[str, str]:
        due = today + timedelta(days=7 + variant % 21)
        return {"text": "Vraag mijn teamleider om een gesprek.", "due": due.isoformat()}

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        # The worker's journal shows the date beside it; the room sees only the plan.
        if reader in (Reader.WORKER, Reader.PROJECTOR) or not value.get("due"):
            return value["text"]
        return f"{value['text']} ({value['due']})"
