"""Statements rated 1 to 5, scored into named dimensions: the self-scan."""

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
    Reader,
    ResultRow,
    StepResult,
    StepText,
    _Model,
    occupation_refs,
    step_type,
)


class ScaleItem(_Model):
    id: Identifier
    text: StepText
    dimension: Identifier
    reverse: bool = False


class Dimension(_Model):
    id: Identifier
    label: StepText
    # What it means to score high here (and kinds of work that fit), for the result screen.
    about: StepText | None = None
    # Real occupations that fit a high score here, named on the result screen.
    occupations: list[OccupationId] = Field(default=[], max_length=8)


@step_type
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

    def check_answer(self, value: Any, *, today: date | None = None) -> dict[str, int]:
        expected = {item.id for item in self.items}
        if not isinstance(value, dict):
            raise AnswerRejected(N_("Send an object with a score (1 to 5) for every statement."))
        if missing := sorted(expected - set(value)):
            raise AnswerRejected(
                N_("Give a score for every statement; missing: %(statement)s."),
                statement=missing[0],
            )
        if unknown := sorted(set(value) - expected):
            raise AnswerRejected(N_("Unknown statement: %(statement)s."), statement=unknown[0])
        for score in value.values():
            if isinstance(score, bool) or not isinstance(score, int) or score not in self.POINTS:
                raise AnswerRejected(N_("Each score is a whole number from 1 to 5."))
        return {item.id: value[item.id] for item in self.items}

    def scores(self, value: dict[str, int]) -> dict[str, float]:
        totals: dict[str, list[int]] = {}
        for item in self.items:
            score = value[item.id]
            totals.setdefault(item.dimension, []).append(6 - score if item.reverse else score)
        return {dim: round(sum(points) / len(points), 2) for dim, points in totals.items()}

    # The result screen always names this many top areas, whatever the scores: a middling
    # profile still points somewhere.
    TOP_AREAS: ClassVar[int] = 2

    def result(self, value: Any, locale: str, earlier: Any = None) -> StepResult:
        scores = self.scores(value)
        before = self.scores(earlier) if earlier else {}
        ranked = sorted(self.dimensions, key=lambda d: (-scores.get(d.id, 0), d.id))
        top = {d.id for d in ranked[: self.TOP_AREAS]}
        rows = [
            ResultRow(
                label=d.label.get(locale),
                score=scores.get(d.id),
                change=round(scores[d.id] - before[d.id], 2) if d.id in before else None,
                about=d.about.get(locale) if d.about and d.id in top else None,
                top=d.id in top,
                occupations=occupation_refs(d.occupations) if d.id in top else [],
            )
            for d in ranked
        ]
        return StepResult(prompt=self.prompt.get(locale), rows=rows, scale_max=5)

    def plan_lines(self, value: Any, locale: str) -> list[str]:
        """In the plan: the top areas, each with the real jobs that fit it."""
        lines = []
        for row in self.result(value, locale).rows:
            if row.top:
                jobs = ", ".join(job.name for job in row.occupations)
                lines.append(f"{row.label}: {jobs}" if jobs else row.label)
        return lines

    def view_fields(self, locale: str) -> dict[str, Any]:
        return {
            "items": [{"id": i.id, "text": i.text.get(locale)} for i in self.items],
            "low": self.low.get(locale) if self.low else None,
            "high": self.high.get(locale) if self.high else None,
        }

    def answer_from_form(self, form: Mapping) -> dict[str, Any]:
        # A statement left open is left out: check_answer names the first one missing.
        scores = {}
        for item in self.items:
            raw = form.get(f"item-{item.id}", "")
            if raw:
                scores[item.id] = int(raw) if raw.isdigit() else raw
        return scores

    def example_answer(self, today: date, variant: int = 0) -> dict[str, int]:
        return {item.id: 2 + (variant + n) % 4 for n, item in enumerate(self.items)}

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        texts = {i.id: i.text.get(locale) for i in self.items}
        return "; ".join(f"{texts.get(k, k)}: {v}" for k, v in (value or {}).items())

    def projector_results(self, values: list[Any], shared: list[Any]) -> dict[str, Any]:
        return {
            "means": {
                item.id: round(sum(v[item.id] for v in values) / len(values), 2) if values else 0.0
                for item in self.items
            }
        }
