"""Choose one or more options; a poll is a choice whose totals a group or a room sees."""

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from ...services.common.errors import N_
from ..step_base import (
    AnswerRejected,
    BaseStep,
    Option,
    Reader,
    ResultRow,
    StepResult,
    step_type,
)


class _OptionsStep(BaseStep):
    options: list[Option] = Field(min_length=2, max_length=30)
    min: int = Field(default=1, ge=0)
    max: int = Field(default=1, ge=1)

    def content_problems(self) -> list[tuple[tuple, str]]:
        problems = []
        seen: set[str] = set()
        for index, option in enumerate(self.options):
            if option.id in seen:
                problems.append(
                    (
                        ("options", index, "id"),
                        f"two options have the id `{option.id}`; give each option its own id",
                    )
                )
            seen.add(option.id)
        if self.min > self.max:
            problems.append(
                (
                    ("min",),
                    f"min ({self.min}) is more than max ({self.max}); lower min or raise max",
                )
            )
        if self.max > len(self.options):
            problems.append(
                (
                    ("max",),
                    f"max ({self.max}) is more than the {len(self.options)} options; lower max or add options",
                )
            )
        return problems

    def check_answer(self, value: Any, *, today: date | None = None) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerRejected(N_("Send a list of option ids."))
        known = {option.id for option in self.options}
        if unknown := [v for v in value if v not in known]:
            raise AnswerRejected(N_("Unknown option: %(option)s."), option=unknown[0])
        if len(set(value)) != len(value):
            raise AnswerRejected(N_("Choose each option once."))
        if not self.min <= len(value) <= self.max:
            if self.min == self.max == 1:
                raise AnswerRejected(N_("Choose one."))
            if self.min == self.max:
                raise AnswerRejected(N_("Choose %(count)d."), count=self.min)
            if self.min == 0:
                raise AnswerRejected(N_("Choose at most %(max)d."), max=self.max)
            raise AnswerRejected(N_("Choose %(min)d to %(max)d."), min=self.min, max=self.max)
        return value

    def view_fields(self, locale: str) -> dict[str, Any]:
        return {
            "options": [{"id": o.id, "label": o.label.get(locale)} for o in self.options],
            "min": self.min,
            "max": self.max,
        }

    def answer_from_form(self, form: Mapping) -> list[str]:
        return form.getlist("option")

    def example_answer(self, today: date, variant: int = 0) -> list[str]:
        ids = [o.id for o in self.options]
        count = max(1, self.min)
        return [ids[(variant + n) % len(ids)] for n in range(count)]

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        labels = {o.id: o.label.get(locale) for o in self.options}
        return ", ".join(labels.get(v, str(v)) for v in value or [])

    def plan_lines(self, value: Any, locale: str) -> list[str]:
        labels = {o.id: o.label.get(locale) for o in self.options}
        return [labels[v] for v in value or [] if v in labels]

    def projector_results(self, values: list[Any], shared: list[Any]) -> dict[str, Any]:
        counts = Counter(option for chosen in values for option in chosen)
        return {"counts": {o.id: counts.get(o.id, 0) for o in self.options}}


@step_type
class ChoiceStep(_OptionsStep):
    type: Literal["choice"]

    shareable: ClassVar[bool] = True

    def result(self, value: Any, locale: str, earlier: Any = None) -> StepResult | None:
        """What the worker chose (their values, an area to look into), as chips."""
        labels = {o.id: o.label.get(locale) for o in self.options}
        rows = [ResultRow(label=labels[v], top=True) for v in value or [] if v in labels]
        return StepResult(prompt=self.prompt.get(locale), rows=rows) if rows else None


@step_type
class PollStep(_OptionsStep):
    """A vote; in a group or live session everyone sees the totals. Alone it is a choice."""

    type: Literal["poll"]
