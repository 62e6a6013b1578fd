"""What every step shares: texts, conditions, options, and the base class with its contract.

A step type is one class (a module of its own in `steps/`) and one template partial
(`web/templates/steps/<type>.html`, used by every screen that shows the step). The class
owns everything about its kind of step:

- its content fields, and `content_problems` for mistakes a schema cannot see;
- `check_answer`: a player's raw JSON value in, the value to store out (or AnswerRejected);
- `view_fields`: what a player's screen needs besides the prompt (options, statements …);
- `answer_from_form`: the JSON value from the plain fields its partial posts;
- `answer_text`: an answer as text, for each reader (the worker, a coach, a group, the
  projector of a live session, which never shows who someone talked to);
- `projector_results`: the live session's totals for the host's screen.

`tests/content/test_step_types.py` walks the registry and fails when a type lacks a part.
"""

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, model_validator

from ..services.common.errors import N_

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=60),
]


def _known_occupation(value: str) -> str:
    """An occupation named by its stable id (the ESCO concept's UUID) must be in the catalog."""
    from ..services.explore.occupations import catalog

    found = catalog()
    if value in found:
        return value
    hint = ""
    if matches := found.search(value, limit=1):  # they wrote a name instead of an id
        best = matches[0].occupation
        hint = f" (did you mean {best.id}, {best.name}?)"
    raise ValueError(
        f"unknown occupation `{value}`{hint}; write the id of an occupation in the catalog: "
        "find it with `flask occupations search <word>`"
    )


OccupationId = Annotated[
    str, StringConstraints(min_length=1, max_length=60), AfterValidator(_known_occupation)
]
REFLECTION_MAX_CHARS = 5000
SHORT_TEXT_MAX_CHARS = 1000


class AnswerRejected(ValueError):
    """The player's answer does not fit the step; the message says what to do.

    `template` is an English catalog message (marked `N_`) with `%(name)s` placeholders for
    `params`, so the door shows it in the player's language.
    """

    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


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
    # Real occupations this option leads to (a task you do, an area you like).
    occupations: list[OccupationId] = []


class PlanSection(StrEnum):
    """The parts of the worker's plan that quests fill in."""

    VALUES = "values"  # what I find important, what gives me energy
    STRENGTHS = "strengths"  # what I am good at, what others see in me
    INTERESTS = "interests"  # what I like doing, the kinds of work that fit
    COURSES = "courses"  # courses I am looking at


class Reader(StrEnum):
    """Who reads an answer turned into text."""

    WORKER = "worker"  # their own journal and answers
    COACH = "coach"  # a coach the worker shared it with
    GROUP = "group"  # the group's feed and peer steps
    PROJECTOR = "projector"  # the live session's word list, seen by the whole room


# A question fits on one line of a phone, more or less: the rest goes in `hint`.
PROMPT_MAX_CHARS = 110


class BaseStep(_Model):
    type: str
    id: Identifier
    prompt: StepText
    # A line or two under the question: an example, what a good answer holds.
    hint: StepText | None = None
    when: Condition | None = None
    # Where the latest answer shows in the worker's own plan ("Mijn plan"), if anywhere.
    # Occupations and actions go there by their type; this is for what the answer says.
    plan: PlanSection | None = None

    # Whose eyes: answers of these types are private to the worker until shared.
    private: ClassVar[bool] = False
    # Shown in solo play? Steps that need other people are skipped when alone.
    solo: ClassVar[bool] = True
    # Written in the worker's own words (erased with them, not kept nameless)?
    own_words: ClassVar[bool] = False
    # May the worker share an answer of this type with their group?
    shareable: ClassVar[bool] = False
    # Does the answer need typing or choosing (a "Save" button), or only a tap on "Continue"?
    asks_input: ClassVar[bool] = True

    @classmethod
    def partial(cls) -> str:
        """The template partial that shows this step's answer fields, on every screen."""
        return f"steps/{cls.type_name()}.html"

    @classmethod
    def type_name(cls) -> str:
        return cls.model_fields["type"].annotation.__args__[0]

    def check_answer(self, value: Any, *, today: date | None = None) -> Any:
        raise NotImplementedError

    def content_problems(self) -> list[tuple[tuple, str]]:
        """Mistakes in this step's own fields: (path within the step, message for the editor)."""
        return []

    def prompt_problems(self) -> list[tuple[tuple, str]]:
        """A question too long to read at a glance (every type: checked by the loader)."""
        return [
            (
                ("prompt", language),
                f"the question is {len(text)} characters; keep it to one short line (at most "
                f"{PROMPT_MAX_CHARS}) and put examples or detail under `hint`",
            )
            for language, text in (("nl", self.prompt.nl), ("en", self.prompt.en))
            if len(text) > PROMPT_MAX_CHARS
        ]

    def scores(self, value: Any) -> dict[str, float]:
        return {}

    def view_fields(self, locale: str) -> dict[str, Any]:
        """The fields of the player's view (StepView) this type fills in, besides the prompt."""
        raise NotImplementedError

    def personal_fields(self, locale: str, quest: Any, values: Mapping[str, Any]) -> dict[str, Any]:
        """View fields that depend on this player's earlier answers in the run (`quest` the
        quest played, `values` the answers); a live room shares one view, so never these."""
        return {}

    def example_answer(self, today: date, variant: int = 0) -> Any:
        """A plausible answer (demo data, benchmarks): one `check_answer` accepts. `variant`
        picks among a few, so many demo players do not all answer alike."""
        raise NotImplementedError

    def answer_from_form(self, form: Mapping) -> Any:
        """The JSON value from the fields the partial posts (`form` has `get` and `getlist`);
        `check_answer` checks it after, so a missing field needs no message here."""
        raise NotImplementedError

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        """A stored answer as one readable text for `reader`."""
        raise NotImplementedError

    # Has a right answer to show after answering (alone) or when the host reveals it (live)?
    revealable: ClassVar[bool] = False

    def plan_lines(self, value: Any, locale: str) -> list[str]:
        """The answer as lines of the worker's plan (a step marked `plan:`)."""
        text = self.answer_text(value, Reader.WORKER, locale)
        return [text] if text else []

    def result(self, value: Any, locale: str, earlier: Any = None) -> "StepResult | None":
        """What the finish screen shows for this answer (`earlier`: the answer the worker gave
        this step the time before, if any); None when the step adds nothing to it."""
        return None

    def reveal(self, values: list[Any], locale: str) -> "Reveal":
        """The right answer, and how many of `values` had it (only for `revealable` types)."""
        raise NotImplementedError

    def projector_results(self, values: list[Any], shared: list[Any]) -> dict[str, Any]:
        """Totals for the live session's screen from everyone's answers (`shared`: those
        their authors chose to show): `counts` per option, `means` per statement, or `texts`
        (made into a word list there, never shown whole), or nothing."""
        if self.private:
            return {"texts": [self.answer_text(v, Reader.PROJECTOR, "nl") for v in shared]}
        return {}


class OccupationRef(_Model):
    """A real occupation named on a screen: its catalog id (for a link) and its name."""

    id: str
    name: str


def occupation_refs(ids: list[str]) -> list[OccupationRef]:
    """The catalog's names for these ids (in Dutch: ESCO's labels), unknown ones left out."""
    from ..services.explore.occupations import catalog

    found = catalog()
    return [
        OccupationRef(id=occupation.id, name=occupation.name)
        for occupation in (found.get(i) for i in ids)
        if occupation is not None
    ]


class ResultRow(_Model):
    """One line of a quest's result screen: an area and its score, or a choice made."""

    label: str
    score: float | None = None
    # The change since the worker last played this step (a self-scan taken again).
    change: float | None = None
    # What the area means, shown for the top ones.
    about: str | None = None
    top: bool = False
    # The row is an occupation (a job picked), or names occupations that fit it (an area).
    occupation: OccupationRef | None = None
    occupations: list[OccupationRef] = []


class StepResult(_Model):
    """What a finished quest shows for one step: the worker's own picture, never a judgement."""

    prompt: str
    rows: list[ResultRow]
    # The highest score a row can have (a bar's full length); None for choices made.
    scale_max: float | None = None


class Reveal(_Model):
    """The right answer of a step that has one (a quiz), and how the answers went."""

    correct: list[str]
    labels: list[str]
    right: int
    total: int
    explain: str | None = None

    @property
    def all_right(self) -> bool:
        return self.total > 0 and self.right == self.total


STEP_TYPES: dict[str, type[BaseStep]] = {}


def step_type(cls: type[BaseStep]) -> type[BaseStep]:
    """Register a step type under the name its `type` field takes."""
    STEP_TYPES[cls.type_name()] = cls
    return cls


def checked_text(
    value: Any,
    *,
    empty: str = N_("Write your answer first."),
    max_chars: int = SHORT_TEXT_MAX_CHARS,
) -> str:
    """A text answer, stripped; `empty` (a catalog message) says what to write when blank."""
    if not isinstance(value, str) or not value.strip():
        raise AnswerRejected(empty)
    if len(value) > max_chars:
        raise AnswerRejected(N_("Keep it under %(max)d characters."), max=max_chars)
    return value.strip()


def answer_object(value: Any, keys: set[str]) -> dict:
    if not isinstance(value, dict) or set(value) != keys:
        raise AnswerRejected(
            N_("Send an object with exactly: %(keys)s."), keys=", ".join(sorted(keys))
        )
    return value
