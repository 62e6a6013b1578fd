"""What a content file may say: quests, tracks and badges (pydantic v2).

These models are read by content editors through their error messages, so every constraint
carries a message that says what to write instead. Step types live in `steps/`.
"""

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
)

from .step_base import StepText
from .steps import Step

SCHEMA_VERSION = 1

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=60),
]


class Competency(StrEnum):
    REFLECTING = "reflecting"
    EXPLORING = "exploring"
    STEERING = "steering"
    NETWORKING = "networking"


class Sector(StrEnum):
    """A fixed list, so that funds can compare sectors and a typo is caught."""

    TRANSPORT = "transport"
    LOGISTICS = "logistics"
    CLEANING = "cleaning"
    RETAIL = "retail"
    CONSTRUCTION = "construction"
    METAL = "metal"
    MANUFACTURING = "manufacturing"
    FINANCE = "finance"
    CARE = "care"
    HOSPITALITY = "hospitality"
    AGRICULTURE = "agriculture"
    PUBLIC = "public"
    HOUSING = "housing"  # housing corporations: caretakers, repairs, tenant contact


class Mode(StrEnum):
    SOLO = "solo"
    GROUP = "group"
    LIVE = "live"


class ContentModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# One bilingual text type for quests, steps, tracks and badges.
Text = StepText


class Quest(ContentModel):
    kind: Literal["quest"]
    schema_version: Literal[1]
    id: Identifier
    title: Text
    summary: Text
    competencies: dict[Competency, Annotated[int, Field(ge=0, le=100)]] = Field(min_length=1)
    # A quest fits in a break: 5 to 20 minutes (CONTENT.md); split anything longer.
    minutes: int = Field(ge=5, le=20)
    modes: list[Mode] = Field(default_factory=lambda: [Mode.SOLO], min_length=1)
    sectors: list[Sector] = Field(default_factory=list)
    requires: list[Identifier] = Field(default_factory=list)
    public: bool = False
    steps: list[Step] = Field(min_length=1, max_length=40)

    @field_validator("modes", "sectors", "requires")
    @classmethod
    def _no_repeats(cls, values: list) -> list:
        if len(set(values)) != len(values):
            raise ValueError("each value may appear only once")
        return values

    def step(self, step_id: str):
        """The step with this id, or None."""
        return next((s for s in self.steps if s.id == step_id), None)

    @property
    def total_xp(self) -> int:
        return sum(self.competencies.values())


class Track(ContentModel):
    kind: Literal["track"]
    schema_version: Literal[1]
    id: Identifier
    title: Text
    summary: Text
    quests: list[Identifier] = Field(min_length=2, max_length=30)
    sectors: list[Sector] = Field(default_factory=list)  # empty: for every sector

    @field_validator("quests")
    @classmethod
    def _no_repeats(cls, values: list) -> list:
        if len(set(values)) != len(values):
            raise ValueError("each quest may appear only once in a track")
        return values

    @field_validator("sectors")
    @classmethod
    def _no_repeated_sectors(cls, values: list) -> list:
        if len(set(values)) != len(values):
            raise ValueError("each value may appear only once")
        return values


# Badge criteria: rule primitives combined with all/any. The progression issue evaluates them.


class QuestsCompleted(ContentModel):
    quests_completed: Annotated[int, Field(ge=1, le=1000)]
    competency: Competency | None = None
    quests: list[Identifier] | None = None


class XpAtLeast(ContentModel):
    xp: Annotated[int, Field(ge=1, le=100_000)]
    competency: Competency | None = None


class StreakWeeks(ContentModel):
    streak_weeks: Annotated[int, Field(ge=1, le=520)]


class ScanGrowth(ContentModel):
    """Growth between the first and the latest self-scan, in points on the 1–5 scale."""

    scan_growth: Annotated[float, Field(ge=0.1, le=4)]
    competency: Competency | None = None


class GroupQuests(ContentModel):
    group_quests: Annotated[int, Field(ge=1, le=1000)]


class LiveSessions(ContentModel):
    live_sessions: Annotated[int, Field(ge=1, le=1000)]


class SharedReflections(ContentModel):
    shared_reflections: Annotated[int, Field(ge=1, le=1000)]


class PeerFeedback(ContentModel):
    peer_feedback: Annotated[int, Field(ge=1, le=1000)]


class AllOf(ContentModel):
    all: list["Rule"] = Field(min_length=1)


class AnyOf(ContentModel):
    any: list["Rule"] = Field(min_length=1)


RULES: dict[str, type[ContentModel]] = {
    "quests_completed": QuestsCompleted,
    "xp": XpAtLeast,
    "streak_weeks": StreakWeeks,
    "scan_growth": ScanGrowth,
    "group_quests": GroupQuests,
    "live_sessions": LiveSessions,
    "shared_reflections": SharedReflections,
    "peer_feedback": PeerFeedback,
    "all": AllOf,
    "any": AnyOf,
}


def _rule_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        keys = [key for key in RULES if key in value]
        return keys[0] if len(keys) == 1 else None
    return next((key for key, model in RULES.items() if isinstance(value, model)), None)


Rule = Annotated[
    Annotated[QuestsCompleted, Tag("quests_completed")]
    | Annotated[XpAtLeast, Tag("xp")]
    | Annotated[StreakWeeks, Tag("streak_weeks")]
    | Annotated[ScanGrowth, Tag("scan_growth")]
    | Annotated[GroupQuests, Tag("group_quests")]
    | Annotated[LiveSessions, Tag("live_sessions")]
    | Annotated[SharedReflections, Tag("shared_reflections")]
    | Annotated[PeerFeedback, Tag("peer_feedback")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")],
    Discriminator(
        _rule_kind,
        custom_error_type="unknown_rule",
        custom_error_message="write exactly one rule: " + ", ".join(RULES),
    ),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()


class Badge(ContentModel):
    kind: Literal["badge"]
    schema_version: Literal[1]
    id: Identifier
    title: Text
    description: Text
    criteria: Rule


class Library(BaseModel):
    """A whole loaded library: every quest, track and badge by id."""

    quests: dict[str, Quest]
    tracks: dict[str, Track]
    badges: dict[str, Badge]
