"""Free text in the worker's own words, private until they share it."""

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from ...services.common.errors import N_
from ..step_base import (
    REFLECTION_MAX_CHARS,
    AnswerRejected,
    BaseStep,
    Reader,
    checked_text,
    step_type,
)

# A reflection asks for a few words: more keeps people from answering at all.
MIN_WORDS_AT_MOST = 5


@step_type
class ReflectionStep(BaseStep):
    """Free text, private to the worker until shared."""

    type: Literal["reflection"]
    min_words: int = Field(default=0, ge=0, le=500)

    private: ClassVar[bool] = True
    own_words: ClassVar[bool] = True
    shareable: ClassVar[bool] = True

    def content_problems(self) -> list[tuple[tuple, str]]:
        if self.min_words > MIN_WORDS_AT_MOST:
            return [
                (
                    ("min_words",),
                    f"min_words is {self.min_words}; ask for a few words at most "
                    f"({MIN_WORDS_AT_MOST}): people answer on a phone, often tired. "
                    "Write min_words: 3, and say under `hint` what a good answer holds",
                )
            ]
        return []

    def check_answer(self, value: Any, *, today: date | None = None) -> str:
        text = checked_text(value, max_chars=REFLECTION_MAX_CHARS)
        if len(text.split()) < self.min_words:
            raise AnswerRejected(N_("Write at least %(count)d words."), count=self.min_words)
        return text

    def view_fields(self, locale: str) -> dict[str, Any]:
        return {"min_words": self.min_words, "max_chars": REFLECTION_MAX_CHARS}

    def answer_from_form(self, form: Mapping) -> str:
        return form.get("text", "")

    def example_answer(self, today: date, variant: int = 0) -> str:
        return "Ik wil graag meer leren over plannen en over mijn werk."

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        return value or ""
