"""A step as a player sees it: its texts in one language, and the earlier answer if any."""

from typing import Any

from pydantic import BaseModel

from ..content.steps import (
    REFLECTION_MAX_CHARS,
    ActionStep,
    BaseStep,
    ChoiceStep,
    InfoStep,
    PeerStep,
    PollStep,
    ReflectionStep,
    ScaleStep,
)
from .group_views import PeerAnswer


class OptionView(BaseModel):
    id: str
    label: str


class ItemView(BaseModel):
    id: str
    text: str


class StepView(BaseModel):
    id: str
    type: str
    prompt: str
    private: bool
    answer: Any | None = None
    body: str | None = None
    options: list[OptionView] | None = None
    min: int | None = None
    max: int | None = None
    items: list[ItemView] | None = None
    low: str | None = None
    high: str | None = None
    min_words: int | None = None
    max_chars: int | None = None
    due_days: int | None = None
    default_due: str | None = None
    of_step: str | None = None
    # Group play: the shared answers of other members this peer step can respond to.
    peer_answers: list[PeerAnswer] | None = None


def step_view(step: BaseStep, locale: str, answer: Any = None) -> StepView:
    view = StepView(
        id=step.id,
        type=step.type,
        prompt=step.prompt.get(locale),
        private=step.private,
        answer=answer,
    )
    if isinstance(step, InfoStep) and step.body:
        view.body = step.body.get(locale)
    if isinstance(step, ChoiceStep | PollStep):
        view.options = [OptionView(id=o.id, label=o.label.get(locale)) for o in step.options]
        view.min, view.max = step.min, step.max
    if isinstance(step, ScaleStep):
        view.items = [ItemView(id=i.id, text=i.text.get(locale)) for i in step.items]
        view.low = step.low.get(locale) if step.low else None
        view.high = step.high.get(locale) if step.high else None
    if isinstance(step, ReflectionStep):
        view.min_words, view.max_chars = step.min_words, REFLECTION_MAX_CHARS
    if isinstance(step, ActionStep):
        view.due_days, view.default_due = step.due_days, step.default_due()
    if isinstance(step, PeerStep):
        view.of_step = step.of_step
    return view
