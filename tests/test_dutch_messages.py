"""Every message a person can see comes from the catalog and reads in Dutch.

Two sides. From the source: every message a domain error or a step type's refusal carries
is marked for the catalog (`N_`), so `make translations` finds it and the catalog test
makes sure it is translated. From play: every step type is fed the wrong answers a player
(or a broken client) can send, and each refusal is said through the door's `said` in Dutch:
it must be the catalog's Dutch text with its numbers filled in, never the English.
"""

import ast
import tempfile
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from game_server.content.step_base import AnswerRejected, BaseStep
from game_server.content.steps import STEP_TYPES
from game_server.services.common import errors
from game_server.wording import said

from .content.guide import load_guide

ROOT = Path(__file__).resolve().parent.parent
NL_PO = ROOT / "game_server" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
DOMAIN_ERRORS = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.DomainError)
} | {"AnswerRejected"}


def _dutch() -> dict[str, str]:
    with NL_PO.open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale="nl") if m.id and not m.fuzzy}


def _unmarked_messages() -> list[str]:
    """`raise SomeDomainError("text")` with the text not wrapped in N_(...)."""
    found = []
    for path in sorted((ROOT / "game_server").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in DOMAIN_ERRORS:
                continue
            first = node.args[0]
            texts = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            for text in texts:
                if isinstance(text, ast.Constant | ast.JoinedStr):
                    where = f"{path.relative_to(ROOT)}:{text.lineno}"
                    found.append(f"{where}: {ast.unparse(text)[:60]}")
    return found


def test_every_domain_message_is_marked_for_the_catalog():
    unmarked = _unmarked_messages()
    assert not unmarked, (
        "Wrap these messages in N_(...) (from services.common.errors), with numbers and names "
        "as %(name)s placeholders passed as keyword arguments, then run `make translations`: "
        + "; ".join(unmarked)
    )


def _examples() -> dict[str, BaseStep]:
    found: dict[str, BaseStep] = {}
    with tempfile.TemporaryDirectory() as folder:
        for quest in load_guide(Path(folder)).quests.values():
            for step in quest.steps:
                found.setdefault(step.type, step)
    return found


def _wrong_answers(step: BaseStep) -> list:
    """What a player or a broken client may send: empty, the wrong shape, too long, unknown
    ids, duplicates, too many, out-of-range scores and dates."""
    view = step.view_fields("nl")
    option_ids = [o["id"] for o in view.get("options") or []]
    item_ids = [i["id"] for i in view.get("items") or []]
    long_text = "woord " * 2000
    answers = [None, True, 7, "", "   ", long_text, "een", [], ["nope"], {}, {"x": 1}]
    if option_ids:
        answers += [
            [option_ids[0], option_ids[0]],
            option_ids,
            option_ids[: max(0, view.get("min", 1) - 1)],
        ]
    if item_ids:
        answers += [
            {item_ids[0]: 3},
            {**dict.fromkeys(item_ids, 3), "extra": 3},
            dict.fromkeys(item_ids, 9),
            dict.fromkeys(item_ids, "3"),
        ]
    for keys in ({"who", "learned"}, {"text", "due"}, {"to_answer", "text"}):
        blank = dict.fromkeys(keys, "")
        answers += [blank, {**dict.fromkeys(keys, "iets"), "due": "morgen"}]
        answers += [{**dict.fromkeys(keys, "iets"), "due": "2999-01-01", "to_answer": -1}]
        answers += [{**dict.fromkeys(keys, long_text), "due": "2026-12-08", "to_answer": 1}]
    return answers


def _refusals(step: BaseStep) -> list[AnswerRejected]:
    refusals = []
    for value in _wrong_answers(step):
        try:
            step.check_answer(value, today=date(2026, 12, 7))
        except AnswerRejected as rejected:
            refusals.append(rejected)
    return refusals


@pytest.mark.parametrize("name", sorted(STEP_TYPES))
def test_every_refusal_of_a_step_type_reads_in_dutch(name, sqlite_app):
    step = _examples()[name]
    dutch = _dutch()
    refusals = _refusals(step)
    if step.asks_input:
        assert refusals, f"{name}: no wrong answer was refused; the test feeds it nothing useful"
    with sqlite_app.test_request_context(), force_locale("nl"):
        for rejected in refusals:
            assert rejected.template in dutch, (
                f"{name}: {rejected.template!r} is not in the Dutch catalog; mark it N_(...) "
                "and run `make translations`"
            )
            shown = said(rejected)
            assert shown == dutch[rejected.template] % rejected.params, shown
            assert shown != str(rejected), f"{name}: shown in English: {shown}"


def test_a_refused_answer_reaches_the_page_in_dutch(sqlite_app):
    """The domain error a service raises for a refused answer keeps the template and numbers,
    so the page says it in Dutch with the right minimum."""
    rejected = AnswerRejected(errors.N_("Write at least %(count)d words."), count=3)
    error = errors.InvalidInput(rejected.template, field="value", **rejected.params)
    assert error.message == "Write at least 3 words."
    with sqlite_app.test_request_context(), force_locale("nl"):
        assert said(error) == "Schrijf minstens 3 woorden."
