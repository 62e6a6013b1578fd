"""The card sort: picking cards, putting them in order, the form without JavaScript, the
content's mistakes and the room's totals."""

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from game_server.content.loader import ContentProblems, load_library
from game_server.content.steps import STEP_TYPES, AnswerRejected, Reader
from game_server.content.steps.cards import CardsStep
from game_server.services.play.step_views import step_view

from .guide import _dump, _quest
from .test_step_types import _Form

CARDS = [
    {"id": "security", "label": {"nl": "Zekerheid", "en": "Security"}},
    {"id": "free-time", "label": {"nl": "Vrije tijd", "en": "Free time"}},
    {"id": "learning", "label": {"nl": "Leren", "en": "Learning"}},
    {"id": "colleagues", "label": {"nl": "Goede collega's", "en": "Good colleagues"}},
]
IDS = [card["id"] for card in CARDS]
PROMPT = {"nl": "Wat vind jij belangrijk?", "en": "What matters to you?"}


def cards(**fields) -> CardsStep:
    return CardsStep(
        **{"type": "cards", "id": "values", "prompt": PROMPT, "cards": CARDS, **fields}
    )


def refusal(step: CardsStep, value) -> tuple[str, dict]:
    with pytest.raises(AnswerRejected) as error:
        step.check_answer(value)
    return error.value.template, error.value.params


def test_the_type_is_registered_shareable_and_not_private():
    assert STEP_TYPES["cards"] is CardsStep
    assert CardsStep.shareable and not CardsStep.private


def test_pick_takes_one_to_three_cards_by_default():
    step = cards()
    assert step.mode == "pick" and (step.min, step.max) == (1, 3)
    assert step.check_answer(["learning"]) == ["learning"]
    assert step.check_answer(["learning", "security", "free-time"]) == [
        "learning",
        "security",
        "free-time",
    ]


@pytest.mark.parametrize(
    ("value", "template", "params"),
    [
        (None, "Send a list of option ids.", {}),
        ("learning", "Send a list of option ids.", {}),
        ([1, 2], "Send a list of option ids.", {}),
        (["salary"], "Unknown option: %(option)s.", {"option": "salary"}),
        (["learning", "learning"], "Choose each option once.", {}),
        ([], "Choose %(min)d to %(max)d.", {"min": 1, "max": 3}),
        (IDS, "Choose %(min)d to %(max)d.", {"min": 1, "max": 3}),
    ],
)
def test_pick_refuses_with_a_clear_message(value, template, params):
    assert refusal(cards(), value) == (template, params)


def test_pick_says_how_many_the_way_a_choice_does():
    assert refusal(cards(min=1, max=1), []) == ("Choose one.", {})
    assert refusal(cards(min=2, max=2), ["learning"]) == ("Choose %(count)d.", {"count": 2})
    assert refusal(cards(min=0, max=2), IDS[:3]) == ("Choose at most %(max)d.", {"max": 2})
    assert cards(min=0, max=2).check_answer([]) == []


def test_order_takes_every_card_once():
    step = cards(mode="order")
    order = ["learning", "colleagues", "security", "free-time"]
    assert step.check_answer(order) == order
    assert refusal(step, order[:3]) == ("Put all %(count)d cards in order.", {"count": 4})
    assert refusal(step, []) == ("Put all %(count)d cards in order.", {"count": 4})
    assert refusal(step, [*order[:3], "learning"]) == ("Choose each option once.", {})
    assert refusal(step, [*order[:3], "salary"]) == (
        "Unknown option: %(option)s.",
        {"option": "salary"},
    )
    assert refusal(step, {"learning": 1}) == ("Send a list of option ids.", {})


def test_the_view_has_the_cards_the_counts_and_the_mode():
    pick = cards(min=2, max=3).view_fields("en")
    assert pick["options"][1] == {"id": "free-time", "label": "Free time"}
    assert (pick["min"], pick["max"], pick["mode"]) == (2, 3, "pick")
    order = step_view(cards(mode="order"), "nl")
    assert (order.min, order.max, order.mode) == (4, 4, "order")
    assert [o.label for o in order.options] == [
        "Zekerheid",
        "Vrije tijd",
        "Leren",
        "Goede collega's",
    ]


def test_pick_reads_the_ticked_cards():
    form = MultiDict([("card", "learning"), ("card", "security")])
    assert cards().answer_from_form(form) == ["learning", "security"]
    assert cards().answer_from_form(MultiDict()) == []


def test_order_sorts_the_cards_by_their_posted_place():
    form = MultiDict(
        {"rank-security": "3", "rank-free-time": "1", "rank-learning": "4", "rank-colleagues": "2"}
    )
    assert cards(mode="order").answer_from_form(form) == [
        "free-time",
        "colleagues",
        "security",
        "learning",
    ]


def test_order_breaks_ties_by_the_content_and_puts_odd_places_last():
    form = MultiDict(
        {
            "rank-security": "2",
            "rank-free-time": "abc",
            "rank-learning": "2",
            "rank-colleagues": "1",
        }
    )
    # security and learning share place 2: the content's order decides; free-time's place
    # is no number, so it goes last (as a missing place does, below).
    assert cards(mode="order").answer_from_form(form) == [
        "colleagues",
        "security",
        "learning",
        "free-time",
    ]
    only_one = MultiDict({"rank-learning": "1"})
    assert cards(mode="order").answer_from_form(only_one) == [
        "learning",
        "security",
        "free-time",
        "colleagues",
    ]


def _render(step: CardsStep, app, answer=None) -> str:
    with app.test_request_context():
        return render_template_string(
            '{% import "_steps.html" as steps %}{{ steps.fields(step) }}',
            step=step_view(step, "nl", answer),
        )


def _posted(html: str) -> MultiDict:
    form = _Form()
    form.feed(html)
    return form.fields


def test_the_order_partial_posts_the_content_order_as_it_comes(sqlite_app):
    step = cards(mode="order")
    html = _render(step, sqlite_app)
    assert 'data-card-sort="order"' in html
    assert "Zet de kaarten op volgorde" in html or "Put the cards in order" in html
    fields = _posted(html)
    assert [fields[f"rank-{card_id}"] for card_id in IDS] == ["1", "2", "3", "4"]
    assert step.check_answer(step.answer_from_form(fields)) == IDS


def test_the_order_partial_shows_an_earlier_order_and_reads_a_new_one(sqlite_app):
    step = cards(mode="order")
    earlier = ["colleagues", "learning", "free-time", "security"]
    fields = _posted(_render(step, sqlite_app, answer=earlier))
    assert step.answer_from_form(fields) == earlier
    # The player moves security up to place 1 and colleagues down to 4.
    fields["rank-security"], fields["rank-colleagues"] = "1", "4"
    assert step.check_answer(step.answer_from_form(fields)) == [
        "security",
        "learning",
        "free-time",
        "colleagues",
    ]


def test_the_pick_partial_has_a_checkbox_per_card_and_says_how_many(sqlite_app):
    html = _render(cards(), sqlite_app, answer=["learning"])
    assert html.count('name="card"') == 4 and html.count('type="checkbox"') == 4
    assert html.count("checked") == 1
    single = _render(cards(min=1, max=1), sqlite_app)
    assert single.count('type="radio"') == 4


def test_answers_as_text():
    assert cards().answer_text(["learning", "security"], Reader.GROUP, "en") == (
        "Learning, Security"
    )
    order = cards(mode="order")
    text = order.answer_text(
        ["learning", "security", "free-time", "colleagues"], Reader.COACH, "nl"
    )
    assert text == "1. Leren, 2. Zekerheid, 3. Vrije tijd, 4. Goede collega's"


def test_the_room_sees_picks_or_points():
    assert cards().projector_results([["learning"], ["learning", "security"]], []) == {
        "counts": {"security": 1, "free-time": 0, "learning": 2, "colleagues": 0}
    }
    order = cards(mode="order")
    values = [
        ["learning", "security", "free-time", "colleagues"],
        ["learning", "colleagues", "security", "free-time"],
    ]
    # 4 cards: the first place is worth 4 points, the last 1.
    assert order.projector_results(values, []) == {
        "counts": {"learning": 8, "security": 5, "colleagues": 4, "free-time": 3}
    }
    assert order.projector_results([], []) == {
        "counts": {"security": 0, "free-time": 0, "learning": 0, "colleagues": 0}
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"cards": [*CARDS[:3], {**CARDS[3], "id": "learning"}]},
            ["steps[0].cards[3].id: two cards have the id `learning`; give each card its own id"],
        ),
        (
            {"min": 3, "max": 2},
            ["steps[0].min: min (3) is more than max (2); lower min or raise max"],
        ),
        (
            {"max": 5},
            ["steps[0].max: max (5) is more than the 4 cards; lower max or add cards"],
        ),
        (
            {"mode": "order", "min": 2, "max": 3},
            [
                "steps[0].min: min and max go with mode: pick; remove them",
                "steps[0].max: min and max go with mode: pick; remove them",
            ],
        ),
    ],
)
def test_content_mistakes_say_what_to_fix(tmp_path, fields, expected):
    step = {"id": "values", "type": "cards", "prompt": PROMPT, "cards": CARDS, **fields}
    folder = tmp_path / "quests"
    folder.mkdir()
    (folder / "sort.yaml").write_text(_dump(_quest("sort", steps=[step])), encoding="utf-8")
    with pytest.raises(ContentProblems) as error:
        load_library(folder, display_root=tmp_path)
    messages = sorted(f"{p.field}: {p.message}" for p in error.value.problems)
    assert messages == sorted(expected)


def test_a_sort_in_order_without_min_and_max_loads(tmp_path):
    step = {"id": "values", "type": "cards", "mode": "order", "prompt": PROMPT, "cards": CARDS}
    folder = tmp_path / "quests"
    folder.mkdir()
    (folder / "sort.yaml").write_text(_dump(_quest("sort", steps=[step])), encoding="utf-8")
    library = load_library(folder, display_root=tmp_path)
    assert library.quests["sort"].steps[0].mode == "order"


def test_too_few_or_too_many_cards_is_a_content_mistake():
    with pytest.raises(ValueError):
        cards(cards=CARDS[:2])
    with pytest.raises(ValueError):
        CardsStep(
            type="cards",
            id="values",
            prompt=PROMPT,
            cards=[{"id": f"c{i}", "label": {"nl": "x", "en": "x"}} for i in range(13)],
        )
