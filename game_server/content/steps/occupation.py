"""Pick real occupations from the catalog: the work you do now, work you would like, two to
compare. The catalog is ESCO's Dutch occupations (services/explore)."""

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field

from ...services.common.errors import N_
from ..step_base import (
    AnswerRejected,
    BaseStep,
    Identifier,
    OccupationId,
    OccupationRef,
    Reader,
    ResultRow,
    StepResult,
    occupation_refs,
    step_type,
)

# How many search results a phone shows under the search box.
SEARCH_RESULTS = 6
EXAMPLE_SEARCH = "medewerker"


def _catalog():
    from ...services.explore.occupations import catalog

    return catalog()


@step_type
class OccupationStep(BaseStep):
    """Choose `min` to `max` occupations: from suggestions, or by searching the catalog.

    `suggest` lists occupations for everyone (a live room sees these); `suggest_from` names
    an earlier choice step whose chosen options' occupations are suggested too (alone or in a
    group, where the player's own answers are known). `role` says what the choice means for
    the worker's plan: the work they do now, or work they are looking at.
    """

    type: Literal["occupation"]
    suggest: list[OccupationId] = Field(default=[], max_length=12)
    suggest_from: Identifier | None = None
    role: Literal["current", "looking"] = "looking"
    min: int = Field(default=1, ge=1)
    max: int = Field(default=1, ge=1, le=5)

    # Most playable when answers are shared (what the room would like to try).
    shareable: ClassVar[bool] = True

    def content_problems(self) -> list[tuple[tuple, str]]:
        problems = []
        if self.min > self.max:
            problems.append(
                (
                    ("min",),
                    f"min ({self.min}) is more than max ({self.max}); lower min or raise max",
                )
            )
        if self.role == "current" and self.max > 1:
            problems.append(
                (("max",), "a worker does one job now: with `role: current`, write `max: 1`")
            )
        return problems

    def check_answer(self, value: Any, *, today: date | None = None) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerRejected(N_("Choose a job from the list, or search for one."))
        found = _catalog()
        if unknown := [v for v in value if v not in found]:
            raise AnswerRejected(
                N_("We could not find the job “%(job)s”. Try another word."), job=unknown[0][:60]
            )
        if len(set(value)) != len(value):
            raise AnswerRejected(N_("Choose each job once."))
        if not self.min <= len(value) <= self.max:
            if self.min == self.max == 1:
                raise AnswerRejected(N_("Choose one job."))
            if self.min == self.max:
                raise AnswerRejected(N_("Choose %(count)d jobs."), count=self.min)
            raise AnswerRejected(N_("Choose %(min)d to %(max)d jobs."), min=self.min, max=self.max)
        return value

    def view_fields(self, locale: str) -> dict[str, Any]:
        return {
            "options": [{"id": o.id, "label": o.name} for o in occupation_refs(self.suggest)],
            "min": self.min,
            "max": self.max,
            "mode": self.role,
        }

    def personal_fields(self, locale: str, quest: Any, values: Mapping[str, Any]) -> dict[str, Any]:
        """The occupations of the options the player chose in `suggest_from`, first."""
        source = quest.step(self.suggest_from) if self.suggest_from else None
        chosen = values.get(self.suggest_from) if self.suggest_from else None
        if source is None or not isinstance(chosen, list):
            return {}
        ids: list[str] = []
        for option in getattr(source, "options", []):
            if option.id in chosen:
                ids += [i for i in option.occupations if i not in ids]
        ids += [i for i in self.suggest if i not in ids]
        return {"options": [{"id": o.id, "label": o.name} for o in occupation_refs(ids)]}

    def answer_from_form(self, form: Mapping) -> list[str]:
        """The ticked occupations; a name typed without picking a result (no script, or in a
        hurry) becomes the best match. Words that match nothing are dropped beside a ticked
        job, and kept alone so the check can say the job was not found."""
        chosen = [v for v in form.getlist("occupation") if v]
        typed = (form.get("occupation_query") or "").strip()
        if typed and len(chosen) < self.max:
            matches = _catalog().search(typed, limit=1)
            if matches and matches[0].occupation.id not in chosen:
                chosen.append(matches[0].occupation.id)
            elif not matches and not chosen:
                chosen.append(typed)  # nothing else picked: the check says it was not found
        return chosen

    def example_answer(self, today: date, variant: int = 0) -> list[str]:
        # Without suggestions: jobs a demo player might well type.
        ids = list(self.suggest) or [m.occupation.id for m in _catalog().search(EXAMPLE_SEARCH)]
        count = max(1, self.min)
        return [ids[(variant + n) % len(ids)] for n in range(count)]

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        return ", ".join(ref.name for ref in occupation_refs(list(value or [])))

    def result(self, value: Any, locale: str, earlier: Any = None) -> StepResult | None:
        """The jobs picked, each a link to its page (what it asks, the jobs close to it)."""
        rows = [
            ResultRow(label=ref.name, top=True, occupation=OccupationRef(id=ref.id, name=ref.name))
            for ref in occupation_refs(list(value or []))
        ]
        return StepResult(prompt=self.prompt.get(locale), rows=rows) if rows else None

    def projector_results(self, values: list[Any], shared: list[Any]) -> dict[str, Any]:
        """The room sees which jobs were picked and how often (no names: a job is not a
        secret, but who picked it is nobody's business)."""
        picked = [i for chosen in values for i in chosen or []]
        names = {ref.id: ref.name for ref in occupation_refs(list(dict.fromkeys(picked)))}
        return {"phrases": [names[i] for i in picked if i in names]}
