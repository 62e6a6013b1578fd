"""A few words: a quick answer typed on a phone (a job title, one thing you like)."""

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Literal

from ..step_base import BaseStep, Reader, checked_text, step_type

SHORT_MAX_CHARS = 80


@step_type
class ShortStep(BaseStep):
    """A few words in the worker's own words (at most 80 characters), private until shared."""

    type: Literal["short"]

    private: ClassVar[bool] = True
    own_words: ClassVar[bool] = True
    shareable: ClassVar[bool] = True

    def check_answer(self, value: Any, *, today: date | None = None) -> str:
        return checked_text(value, max_chars=SHORT_MAX_CHARS)

    def view_fields(self, locale: str) -> dict[str, Any]:
        return {"max_chars": SHORT_MAX_CHARS}

    def answer_from_form(self, form: Mapping) -> str:
        return form.get("text", "")

    def example_answer(self, today: date, variant: int = 0) -> str:
        return ("Plannen", "Met mensen werken", "Buiten werken")[variant % 3]

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        return value or ""

    def projector_results(self, values: list[Any], shared: list[Any]) -> dict[str, Any]:
        """A few words stay whole on the screen (a job title, "met mensen werken"): the room
        sees the phrases people chose to show, without names, and may vote for them."""
        return {"phrases": [self.answer_text(v, Reader.PROJECTOR, "nl") for v in shared]}
