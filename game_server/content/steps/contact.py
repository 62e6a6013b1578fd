"""Networking: who the worker spoke to and what they learned."""

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Literal

from ...services.common.errors import N_
from ..step_base import BaseStep, Reader, answer_object, checked_text, step_type


@step_type
class ContactStep(BaseStep):
    """Networking: who you spoke to and what you learned."""

    type: Literal["contact"]

    private: ClassVar[bool] = True
    own_words: ClassVar[bool] = True
    shareable: ClassVar[bool] = True

    def check_answer(self, value: Any, *, today: date | None = None) -> dict:
        value = answer_object(value, {"who", "learned"})
        return {
            "who": checked_text(value["who"], empty=N_("Write who you talked to."), max_chars=200),
            "learned": checked_text(value["learned"], empty=N_("Write what you learned.")),
        }

    def view_fields(self, locale: str) -> dict[str, Any]:
        return {}

    def answer_from_form(self, form: Mapping) -> dict:
        return {"who": form.get("who", ""), "learned": form.get("learned", "")}

    def example_answer(self, today: date, variant: int = 0) -> dict[str, str]:
        return {"who": "Mijn teamleider", "learned": "Er is budget voor een cursus."}

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        if reader == Reader.PROJECTOR:  # a whole room: what was learned, never who
            return value["learned"]
        return f"{value['who']}: {value['learned']}"
