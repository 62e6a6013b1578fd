"""A quiz question: one right answer, shown after answering (alone) or by the host (live).

The room's score is the room together (how many got it right), never a ranking of people.
"""

from collections import Counter
from typing import Any, ClassVar, Literal

from pydantic import Field

from ..step_base import Option, Reveal, StepText, step_type
from .choice import _OptionsStep


class QuizOption(Option):
    correct: bool = False


@step_type
class QuizStep(_OptionsStep):
    """Choose one answer; one (or more) of the options is right. `explain` says why, after."""

    type: Literal["quiz"]
    options: list[QuizOption] = Field(min_length=2, max_length=8)
    explain: StepText | None = None
    # A countdown on the big screen and the phones; when it ends the host shows the answer.
    seconds: int | None = Field(default=None, ge=5, le=120)

    revealable: ClassVar[bool] = True

    def content_problems(self) -> list[tuple[tuple, str]]:
        problems = super().content_problems()
        if self.min != 1 or self.max != 1:
            problems.append((("max",), "a quiz question takes one answer; remove min and max"))
        if not any(option.correct for option in self.options):
            problems.append(
                (
                    ("options",),
                    "no option is marked right; write `correct: true` under the right option",
                )
            )
        return problems

    def view_fields(self, locale: str) -> dict[str, Any]:
        # Never which option is right: the phones must not know before the reveal.
        return {**super().view_fields(locale), "seconds": self.seconds}

    def reveal(self, values: list[Any], locale: str) -> Reveal:
        right = {option.id for option in self.options if option.correct}
        return Reveal(
            correct=[option.id for option in self.options if option.correct],
            labels=[option.label.get(locale) for option in self.options if option.correct],
            right=sum(1 for chosen in values if chosen and set(chosen) <= right),
            total=len(values),
            explain=self.explain.get(locale) if self.explain else None,
        )

    def projector_results(self, values: list[Any], shared: list[Any]) -> dict[str, Any]:
        counts = Counter(option for chosen in values for option in chosen)
        return {"counts": {o.id: counts.get(o.id, 0) for o in self.options}}
