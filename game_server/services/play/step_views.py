"""A step as a player sees it: its texts in one language, and the earlier answer if any."""

from typing import Any

from pydantic import BaseModel

from ...content.steps import BaseStep
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
    # False: a tap on "Continue" answers it (an info screen, a peer step with nothing shared).
    asks_input: bool = True
    # Has a right answer that is shown after answering, or by the host in a live session.
    revealable: bool = False
    answer: Any | None = None
    # Under the question: an example, or what a good answer holds.
    hint: str | None = None
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
    # A card sort: `pick` (tap some cards) or `order` (put every card in order).
    mode: str | None = None
    # A quiz question: the countdown in seconds, if it has one.
    seconds: int | None = None
    # Group play: the shared answers of other members this peer step can respond to.
    peer_answers: list[PeerAnswer] | None = None


def step_view(step: BaseStep, locale: str, answer: Any = None) -> StepView:
    """The step as a player sees it; its type fills in its own fields."""
    return StepView(
        id=step.id,
        type=step.type,
        prompt=step.prompt.get(locale),
        hint=step.hint.get(locale) if step.hint else None,
        private=step.private,
        asks_input=step.asks_input,
        revealable=step.revealable,
        answer=answer,
        **step.view_fields(locale),
    )
