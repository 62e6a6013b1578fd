"""A screen of text; the player taps on."""

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Literal

from ...services.common.errors import N_
from ..step_base import AnswerRejected, BaseStep, Reader, StepText, step_type


@step_type
class InfoStep(BaseStep):
    type: Literal["info"]
    body: StepText | None = None

    asks_input: ClassVar[bool] = False

    def check_answer(self, value: Any, *, today: date | None = None) -> None:
        if value is not None:
            raise AnswerRejected(N_("This step only needs a tap on Next; send null."))
        return None

    def view_fields(self, locale: str) -> dict[str, Any]:
        return {"body": self.body.get(locale) if self.body else None}

    def answer_from_form(self, form: Mapping) -> None:
        return None

    def example_answer(self, today: date, variant: int = 0) -> None:
        return None

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        return ""
