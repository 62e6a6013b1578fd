"""A card sort: pick the cards that fit you, or put all the cards in order."""

import math
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


@step_type
class CardsStep(BaseStep):
    """3 to 12 cards. `mode: pick`: tap `min` to `max` of them (the answer: their ids);
    `mode: order`: put every card in order, most important first (the answer: all ids)."""

    type: Literal["cards"]
    cards: list[Option] = Field(min_length=3, max_length=12)
    mode: Literal["pick", "order"] = "pick"
    min: int = Field(default=1, ge=0)
    max: int = Field(default=3, ge=1)

    shareable: ClassVar[bool] = True

    def content_problems(self) -> list[tuple[tuple, str]]:
        problems = []
        seen: set[str] = set()
        for index, card in enumerate(self.cards):
            if card.id in seen:
                problems.append(
                    (
                        ("cards", index, "id"),
                        f"two cards have the id `{card.id}`; give each card its own id",
                    )
                )
            seen.add(card.id)
        if self.mode == "order":
            for field in ("min", "max"):
                if field in self.model_fields_set:
                    problems.append(((field,), "min and max go with mode: pick; remove them"))
            return problems
        if self.min > self.max:
            problems.append(
                (
                    ("min",),
                    f"min ({self.min}) is more than max ({self.max}); lower min or raise max",
                )
            )
        if self.max > len(self.cards):
            problems.append(
                (
                    ("max",),
                    f"max ({self.max}) is more than the {len(self.cards)} cards; lower max or add cards",
                )
            )
        return problems

    def check_answer(self, value: Any, *, today: date | None = None) -> list[str]:
        # The refusals a broken client can get share the choice step's catalog messages: a
        # card is one of the options of the step.
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerRejected(N_("Send a list of option ids."))
        known = {card.id for card in self.cards}
        if unknown := [v for v in value if v not in known]:
            raise AnswerRejected(N_("Unknown option: %(option)s."), option=unknown[0])
        if len(set(value)) != len(value):
            raise AnswerRejected(N_("Choose each option once."))
        if self.mode == "order":
            if len(value) != len(self.cards):
                raise AnswerRejected(N_("Put all %(count)d cards in order."), count=len(self.cards))
            return value
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
        every = len(self.cards)
        return {
            "options": [{"id": c.id, "label": c.label.get(locale)} for c in self.cards],
            "min": every if self.mode == "order" else self.min,
            "max": every if self.mode == "order" else self.max,
            "mode": self.mode,
        }

    def answer_from_form(self, form: Mapping) -> list[str]:
        if self.mode == "pick":
            return form.getlist("card")

        # Each card's select posts its place; a missing or odd place puts the card last, and
        # cards at the same place keep the order of the content.
        def place(indexed: tuple[int, Option]) -> tuple[float, int]:
            index, card = indexed
            raw = str(form.get(f"rank-{card.id}", "")).strip()
            return (int(raw) if raw.isdigit() else math.inf, index)

        return [card.id for _, card in sorted(enumerate(self.cards), key=place)]

    def example_answer(self, today: date, variant: int = 0) -> list[str]:
        ids = [c.id for c in self.cards]
        turned = ids[variant % len(ids) :] + ids[: variant % len(ids)]
        return turned if self.mode == "order" else turned[: max(1, self.min)]

    def answer_text(self, value: Any, reader: Reader, locale: str) -> str:
        labels = {c.id: c.label.get(locale) for c in self.cards}
        names = [labels.get(v, str(v)) for v in value or []]
        if self.mode == "order":
            return ", ".join(f"{place}. {name}" for place, name in enumerate(names, start=1))
        return ", ".join(names)

    def result(self, value: Any, locale: str, earlier: Any = None) -> StepResult | None:
        """The cards picked, or the top three of the order: what matters to the worker."""
        labels = {c.id: c.label.get(locale) for c in self.cards}
        chosen = [v for v in value or [] if v in labels]
        if self.mode == "order":
            chosen = chosen[:3]
        rows = [ResultRow(label=labels[v], top=True) for v in chosen]
        return StepResult(prompt=self.prompt.get(locale), rows=rows) if rows else None

    def projector_results(self, values: list[Any], shared: list[Any]) -> dict[str, Any]:
        if self.mode == "order":
            # The first card gets as many points as there are cards, the last one point: the
            # room's favourite has the most.
            points: Counter[str] = Counter()
            for order in values:
                for rank, card in enumerate(order):
                    points[card] += len(self.cards) - rank
            return {"counts": {c.id: points.get(c.id, 0) for c in self.cards}}
        counts = Counter(card for chosen in values for card in chosen)
        return {"counts": {c.id: counts.get(c.id, 0) for c in self.cards}}
