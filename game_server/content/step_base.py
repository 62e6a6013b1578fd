"""What every step shares: texts, conditions, options, and the base class with its contract."""

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=60),
]
REFLECTION_MAX_CHARS = 5000
SHORT_TEXT_MAX_CHARS = 1000


class AnswerRejected(ValueError):
    """The player's answer does not fit the step; the message says what to do."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepText(_Model):
    """A text in Dutch and English; both are required."""

    nl: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.nl


class Condition(_Model):
    """Show a step only when an earlier answer says so (structured; never evaluated code)."""

    step: Identifier
    includes: Identifier | None = None
    dimension: Identifier | None = None
    at_least: float | None = None
    at_most: float | None = None
    answered: Literal[True] | None = None

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = [
            self.includes is not None,
            self.dimension is not None,
            self.answered is not None,
        ]
        if sum(kinds) != 1:
            raise ValueError(
                "write exactly one of: includes (an option id), dimension (with at_least "
                "or at_most), or answered: true"
            )
        if self.dimension is not None and self.at_least is None and self.at_most is None:
            raise ValueError("a dimension condition needs at_least or at_most (a score 1 to 5)")
        if self.dimension is None and (self.at_least is not None or self.at_most is not None):
            raise ValueError("at_least and at_most go with a dimension")
        return self

    def holds(self, answers: dict[str, Any], scores: dict[str, dict[str, float]]) -> bool:
        if self.answered:
            return self.step in answers
        if self.includes is not None:
            return self.includes in (answers.get(self.step) or [])
        score = scores.get(self.step, {}).get(self.dimension)
        if score is None:
            return False
        low = self.at_least if self.at_least is not None else float("-inf")
        high = self.at_most if self.at_most is not None else float("inf")
        return low <= score <= high


class Option(_Model):
    id: Identifier
    label: StepText


class BaseStep(_Model):
    type: str
    id: Identifier
    prompt: StepText
    when: Condition | None = None

    # Whose eyes: answers of these types are private to the worker until shared.
    private: ClassVar[bool] = False
    # Shown in solo play? Steps that need other people are skipped when alone.
    solo: ClassVar[bool] = True

    def check_answer(self, value: Any) -> Any:
        raise NotImplementedError

    def content_problems(self) -> list[tuple[tuple, str]]:
        """Mistakes in this step's own fields: (path within the step, message for the editor)."""
        return []

    def scores(self, value: Any) -> dict[str, float]:
        return {}


def answer_text(value: Any, field: str, *, max_chars: int = SHORT_TEXT_MAX_CHARS) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AnswerRejected(f"Write something for {field}.")
    if len(value) > max_chars:
        raise AnswerRejected(f"Keep {field} under {max_chars} characters.")
    return value.strip()


def answer_object(value: Any, keys: set[str]) -> dict:
    if not isinstance(value, dict) or set(value) != keys:
        raise AnswerRejected(f"Send an object with exactly: {', '.join(sorted(keys))}.")
    return value
