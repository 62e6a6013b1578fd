"""Every step type is whole: a class with each part, and a partial whose form its class reads.

The registry is walked, so a new type that lacks a part (or whose partial posts fields its
class does not read) fails here, whatever else it gets right. For each type the partial is
rendered for a real step, its form is filled in the way a player would (the first option,
some words, the date it offers), read back by the type, checked by the type, and written as
text for every reader.
"""

import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from game_server.content.step_base import BaseStep
from game_server.content.steps import STEP_TYPES, Reader
from game_server.services.play.group_views import PeerAnswer
from game_server.services.play.step_views import StepView, step_view

from .guide import load_guide

ROOT = Path(__file__).resolve().parents[2]
# What a player writes in a text box: long enough for any `min_words` an example asks.
WORDS = " ".join(["Ik wil graag leren plannen, want dan zie ik meer van het werk."] * 6)
PARTS = ("check_answer", "view_fields", "answer_from_form", "answer_text", "example_answer")


def _examples() -> dict[str, BaseStep]:
    """A step of each type, as the content guide shows it (every type must be documented
    there with an example, so a new type brings its own)."""
    found: dict[str, BaseStep] = {}
    with tempfile.TemporaryDirectory() as folder:
        for quest in load_guide(Path(folder)).quests.values():
            for step in quest.steps:
                found.setdefault(step.type, step)
    return found


EXAMPLES = _examples()


@pytest.mark.parametrize("name", sorted(STEP_TYPES))
def test_each_type_has_every_part(name):
    kind = STEP_TYPES[name]
    missing = [part for part in PARTS if getattr(kind, part) is getattr(BaseStep, part)]
    assert not missing, f"step type {name} lacks {', '.join(missing)}"
    assert (ROOT / "web" / "templates" / kind.partial()).is_file(), f"no partial {kind.partial()}"
    assert name in EXAMPLES, f"docs/content-guide.md has no example of a {name} step"


class _Form(HTMLParser):
    """The fields a form posts, filled in as a player would."""

    def __init__(self):
        super().__init__()
        self.fields = MultiDict()
        self._chosen: set[str] = set()
        self._textarea: str | None = None
        # A select posts its `selected` option, else its first: (name, first, selected).
        self._select: tuple[str, str | None, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "textarea":
            self._textarea = name
        if tag == "select" and name:
            self._select = (name, None, None)
        if tag == "option" and self._select:
            select_name, first, selected = self._select
            value = attrs.get("value", "")
            self._select = (
                select_name,
                value if first is None else first,
                value if "selected" in attrs and selected is None else selected,
            )
        if tag != "input" or not name:
            return
        kind = attrs.get("type", "text")
        if kind in ("radio", "checkbox"):
            if name not in self._chosen:  # the first option of each question
                self._chosen.add(name)
                self.fields.add(name, attrs["value"])
        elif kind == "hidden" or kind == "date":
            self.fields.add(name, attrs.get("value", ""))
        else:
            self.fields.add(name, attrs.get("value") or "mijn planner op het depot")

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields.add(self._textarea, WORDS)
            self._textarea = None
        if tag == "select" and self._select:
            select_name, first, selected = self._select
            self.fields.add(select_name, selected if selected is not None else first or "")
            self._select = None


def _view(step: BaseStep) -> StepView:
    view = step_view(step, "nl")
    if step.type == "peer":  # what the group view adds: an answer someone shared
        view.peer_answers = [PeerAnswer(answer_id=7, user_id=2, name="Bram", text="Zekerheid.")]
    return view


@pytest.mark.parametrize("name", sorted(STEP_TYPES))
def test_the_partial_posts_what_the_type_reads_and_accepts(name, sqlite_app):
    step = EXAMPLES[name]
    with sqlite_app.test_request_context():
        html = render_template_string(
            '{% import "_steps.html" as steps %}{{ steps.fields(step) }}', step=_view(step)
        )
    form = _Form()
    form.feed(html)
    value = step.answer_from_form(form.fields)
    stored = step.check_answer(value)
    if step.asks_input:
        assert stored is not None, f"the {name} partial posts nothing its type keeps"
    for reader in Reader:
        text = step.answer_text(stored, reader, "nl")
        assert isinstance(text, str)
        if stored is not None:
            assert text, f"{name} has no text for the {reader} reader"


def test_a_view_field_a_type_gives_must_exist_on_the_players_view():
    for name, step in EXAMPLES.items():
        unknown = set(step.view_fields("nl")) - set(StepView.model_fields)
        assert not unknown, f"{name} gives view fields StepView does not have: {unknown}"


def test_the_room_never_sees_who_someone_talked_to():
    contact = EXAMPLES["contact"]
    value = {"who": "Jan de planner", "learned": "Er komt een cursus."}
    assert "Jan" not in contact.answer_text(value, Reader.PROJECTOR, "nl")
    assert "Jan" in contact.answer_text(value, Reader.COACH, "nl")


@pytest.mark.parametrize("name", sorted(STEP_TYPES))
def test_each_types_example_answer_is_one_it_accepts(name):
    """The demo data and the benchmarks play with these: several variants, all accepted."""
    from datetime import date

    step = EXAMPLES[name]
    today = date(2026, 12, 7)
    if not step.solo:  # a peer step's answer depends on what the group shared
        assert step.example_answer(today) is None
        return
    answers = [step.check_answer(step.example_answer(today, v), today=today) for v in range(5)]
    if step.asks_input:
        assert all(a is not None for a in answers)
