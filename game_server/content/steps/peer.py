"""Respond to another member's shared answer to an earlier step; only with other people."""

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Literal

from ...models.types import MAX_ROW_ID
from ...services.common.errors import N_
from ..step_base import (
    AnswerRejected,
    BaseStep,
    Identifier,
    Reader,
    answer_object,
    checked_text,
    step_type,
)


@step_type
class PeerStep(BaseStep):
    """Respond to another member's answer to an earlier step; only with other people."""

    type: Literal["peer"]
    of_step: Identifier

    solo: ClassVar[bool] = False
    own_words: ClassVar[bool] = True

    def check_answer(self, value: Any, *, today: date | None = None) -> dict:
        value = answer_object(value, {"to_answer", "text"})
        target = value["to_answer"]
        # An id no row can have would reach the database and fail there (an overflow).
        if isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= MAX_ROW_ID:
            raise AnswerRejected(N_("to_answer is the id of the answer you respond to."))
        return {
            "to_answer": value["to_answer"],
            "text": checked_text(value["text"], empty=N_("Write your response first.")),
        }

    def view_fields(self, locale: str) -> dict[str, Any]:
        return {"of_step": self.of_step}

    def answer_from_form(self, form: Mapping) -> dict | None:
        # "Pass" is offered only while nobody has shared anything to respond to.
        if form.get("pass") == "1":
            return None
        raw = form.get("to_answer", "")
        return {"to_answer": int(raw) if raw.isdigit() else raw, "text": form.get("text", "")}

    def example_answer(self, today: date, variant: int = 0) -> None:
        return None  # a pass: what there is to respond to depends on the group

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        return value["text"] if value else ""
