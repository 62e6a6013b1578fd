"""Step types: one class each, registered by `type`. Each checks its own answers.

Adding a step type is one new class here and one entry in STEP_TYPES. `check_answer` takes
the raw JSON value from a player and returns the value to store, or raises AnswerRejected with
a message the player can act on.
"""

from datetime import date, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

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


def _text(value: Any, field: str, *, max_chars: int = SHORT_TEXT_MAX_CHARS) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AnswerRejected(f"Write something for {field}.")
    if len(value) > max_chars:
        raise AnswerRejected(f"Keep {field} under {max_chars} characters.")
    return value.strip()


def _object(value: Any, keys: set[str]) -> dict:
    if not isinstance(value, dict) or set(value) != keys:
        raise AnswerRejected(f"Send an object with exactly: {', '.join(sorted(keys))}.")
    return value


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
        text = _text(value, "your answer", max_chars=REFLECTION_MAX_CHARS)
        if len(text.split()) < self.min_words:
            raise AnswerRejected(f"Write at least {self.min_words} words.")
        return text


class ActionStep(BaseStep):
    """A commitment with a date; the worker is asked later how it went."""

    type: Literal["action"]
    due_days: int = Field(default=14, ge=1, le=365)
    private: ClassVar[bool] = True

    def check_answer(self, value: Any, today: date | None = None) -> dict:
        value = _object(value, {"text", "due"})
        text = _text(value["text"], "what you will do")
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
        value = _object(value, {"who", "learned"})
        return {
            "who": _text(value["who"], "who", max_chars=200),
            "learned": _text(value["learned"], "what you learned"),
        }


class PeerStep(BaseStep):
    """Respond to another member's answer to an earlier step; only with other people."""

    type: Literal["peer"]
    of_step: Identifier
    solo: ClassVar[bool] = False

    def check_answer(self, value: Any) -> dict:
        value = _object(value, {"to_answer", "text"})
        if isinstance(value["to_answer"], bool) or not isinstance(value["to_answer"], int):
            raise AnswerRejected("to_answer is the id of the answer you respond to.")
        return {"to_answer": value["to_answer"], "text": _text(value["text"], "your response")}


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
