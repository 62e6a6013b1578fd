"""Step types: one class each, registered by `type`. Each checks its own answers.

Adding a step type is one new class here and one entry in STEP_TYPES. `check_answer` takes
the raw JSON value from a player and returns the value to store, or raises AnswerRejected with
a message the player can act on; `content_problems` reports mistakes in the step's own fields.
"""

from datetime import date, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Discriminator, Field, Tag

from ..models.types import MAX_ROW_ID
from .step_base import (
    REFLECTION_MAX_CHARS,
    AnswerRejected,
    BaseStep,
    Condition,
    Identifier,
    Option,
    StepText,
    _Model,
    answer_object,
    answer_text,
)

__all__ = ["REFLECTION_MAX_CHARS", "AnswerRejected", "BaseStep", "Condition", "StepText"]


class InfoStep(BaseStep):
    type: Literal["info"]
    body: StepText | None = None

    def check_answer(self, value: Any) -> None:
        if value is not None:
            raise AnswerRejected("This step only needs a tap on Next; send null.")
        return None


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

    def check_answer(self, value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerRejected("Send a list of option ids.")
        known = {option.id for option in self.options}
        if unknown := [v for v in value if v not in known]:
            raise AnswerRejected(f"Unknown option: {unknown[0]}.")
        if len(set(value)) != len(value):
            raise AnswerRejected("Choose each option once.")
        if not self.min <= len(value) <= self.max:
            if self.min == self.max:
                raise AnswerRejected(f"Choose {self.min}.")
            raise AnswerRejected(f"Choose {self.min} to {self.max}.")
        return value


class ChoiceStep(_OptionsStep):
    type: Literal["choice"]


class PollStep(_OptionsStep):
    """A vote; in a group or live session everyone sees the totals. Alone it is a choice."""

    type: Literal["poll"]


class ScaleItem(_Model):
    id: Identifier
    text: StepText
    dimension: Identifier
    reverse: bool = False


class Dimension(_Model):
    id: Identifier
    label: StepText


class ScaleStep(BaseStep):
    """Statements rated 1 to 5, scored into named dimensions (the mean of their items)."""

    type: Literal["scale"]
    dimensions: list[Dimension] = Field(min_length=1, max_length=12)
    items: list[ScaleItem] = Field(min_length=1, max_length=40)
    low: StepText | None = None
    high: StepText | None = None

    POINTS: ClassVar[range] = range(1, 6)

    def content_problems(self) -> list[tuple[tuple, str]]:
        problems = []
        dimension_ids = [d.id for d in self.dimensions]
        for index, dimension in enumerate(self.dimensions):
            if dimension.id in dimension_ids[:index]:
                problems.append(
                    (
                        ("dimensions", index, "id"),
                        f"two dimensions have the id `{dimension.id}`; give each its own id",
                    )
                )
            elif dimension.id not in {item.dimension for item in self.items}:
                problems.append(
                    (
                        ("dimensions", index, "id"),
                        f"dimension `{dimension.id}` has no statements; add statements for it or remove it",
                    )
                )
        seen: set[str] = set()
        for index, item in enumerate(self.items):
            if item.id in seen:
                problems.append(
                    (
                        ("items", index, "id"),
                        f"two statements have the id `{item.id}`; give each statement its own id",
                    )
                )
            seen.add(item.id)
            if item.dimension not in dimension_ids:
                problems.append(
                    (
                        ("items", index, "dimension"),
                        f"dimension `{item.dimension}` is not listed under dimensions; use one of: {', '.join(dimension_ids)}, or add it under dimensions",
                    )
                )
        return problems

    def check_answer(self, value: Any) -> dict[str, int]:
        expected = {item.id for item in self.items}
        if not isinstance(value, dict):
            raise AnswerRejected("Send an object with a score (1 to 5) for every statement.")
        if missing := sorted(expected - set(value)):
            raise AnswerRejected(f"Give a score for every statement; missing: {missing[0]}.")
        if unknown := sorted(set(value) - expected):
            raise AnswerRejected(f"Unknown statement: {unknown[0]}.")
        for score in value.values():
            if isinstance(score, bool) or not isinstance(score, int) or score not in self.POINTS:
                raise AnswerRejected("Each score is a whole number from 1 to 5.")
        return {item.id: value[item.id] for item in self.items}

    def scores(self, value: dict[str, int]) -> dict[str, float]:
        totals: dict[str, list[int]] = {}
        for item in self.items:
            score = value[item.id]
            totals.setdefault(item.dimension, []).append(6 - score if item.reverse else score)
        return {dim: round(sum(points) / len(points), 2) for dim, points in totals.items()}


class ReflectionStep(BaseStep):
    """Free text, private to the worker until shared."""

    type: Literal["reflection"]
    min_words: int = Field(default=0, ge=0, le=500)
    private: ClassVar[bool] = True

    def check_answer(self, value: Any) -> str:
        text = answer_text(value, "your answer", max_chars=REFLECTION_MAX_CHARS)
        if len(text.split()) < self.min_words:
            raise AnswerRejected(f"Write at least {self.min_words} words.")
        return text


class ActionStep(BaseStep):
    """A commitment with a date; the worker is asked later how it went."""

    type: Literal["action"]
    due_days: int = Field(default=14, ge=1, le=365)
    private: ClassVar[bool] = True

    def check_answer(self, value: Any, today: date | None = None) -> dict:
        value = answer_object(value, {"text", "due"})
        text = answer_text(value["text"], "what you will do")
        try:
            due = date.fromisoformat(value["due"]) if isinstance(value["due"], str) else None
        except ValueError:
            due = None
        if due is None:
            raise AnswerRejected("Give the date as YYYY-MM-DD.")
        today = today or date.today()
        if not today <= due <= today + timedelta(days=366):
            raise AnswerRejected("Pick a date from today up to one year ahead.")
        return {"text": text, "due": due.isoformat()}

    def default_due(self, today: date | None = None) -> str:
        return ((today or date.today()) + timedelta(days=self.due_days)).isoformat()


class ContactStep(BaseStep):
    """Networking: who you spoke to and what you learned."""

    type: Literal["contact"]
    private: ClassVar[bool] = True

    def check_answer(self, value: Any) -> dict:
        value = answer_object(value, {"who", "learned"})
        return {
            "who": answer_text(value["who"], "who", max_chars=200),
            "learned": answer_text(value["learned"], "what you learned"),
        }


class PeerStep(BaseStep):
    """Respond to another member's answer to an earlier step; only with other people."""

    type: Literal["peer"]
    of_step: Identifier
    solo: ClassVar[bool] = False

    def check_answer(self, value: Any) -> dict:
        value = answer_object(value, {"to_answer", "text"})
        target = value["to_answer"]
        # An id no row can have would reach the database and fail there (an overflow).
        if isinstance(target, bool) or not isinstance(target, int) or not 1 <= target <= MAX_ROW_ID:
            raise AnswerRejected("to_answer is the id of the answer you respond to.")
        return {
            "to_answer": value["to_answer"],
            "text": answer_text(value["text"], "your response"),
        }


STEP_TYPES: dict[str, type[BaseStep]] = {
    "info": InfoStep,
    "choice": ChoiceStep,
    "scale": ScaleStep,
    "reflection": ReflectionStep,
    "action": ActionStep,
    "contact": ContactStep,
    "poll": PollStep,
    "peer": PeerStep,
}


def _step_type(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("type")
        return kind if isinstance(kind, str) and kind in STEP_TYPES else None
    return getattr(value, "type", None)


Step = Annotated[
    Annotated[InfoStep, Tag("info")]
    | Annotated[ChoiceStep, Tag("choice")]
    | Annotated[ScaleStep, Tag("scale")]
    | Annotated[ReflectionStep, Tag("reflection")]
    | Annotated[ActionStep, Tag("action")]
    | Annotated[ContactStep, Tag("contact")]
    | Annotated[PollStep, Tag("poll")]
    | Annotated[PeerStep, Tag("peer")],
    Discriminator(
        _step_type,
        custom_error_type="unknown_step_type",
        custom_error_message="type must be one of: " + ", ".join(STEP_TYPES),
    ),
]
