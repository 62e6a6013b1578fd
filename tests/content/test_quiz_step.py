"""The quiz step type: a right answer the content marks, shown after answering, and the
room's score counted without names."""

import pytest

from game_server.content.step_base import AnswerRejected
from game_server.content.steps.quiz import QuizStep


def _quiz(**overrides) -> QuizStep:
    data = {
        "id": "course-money",
        "type": "quiz",
        "prompt": {"nl": "Wie betaalt mee?", "en": "Who helps pay?"},
        "options": [
            {"id": "fund", "label": {"nl": "Het fonds", "en": "The fund"}, "correct": True},
            {"id": "nobody", "label": {"nl": "Niemand", "en": "Nobody"}},
        ],
        "explain": {"nl": "Vraag het je werkgever.", "en": "Ask your employer."},
        **overrides,
    }
    return QuizStep.model_validate(data)


def test_the_phones_view_never_says_which_option_is_right():
    view = _quiz(seconds=20).view_fields("nl")
    assert view["seconds"] == 20
    assert "correct" not in str(view) and "True" not in str(view)


def test_the_reveal_counts_the_room_and_names_the_right_answer():
    reveal = _quiz().reveal([["fund"], ["nobody"], ["fund"]], "en")
    assert (reveal.correct, reveal.labels) == (["fund"], ["The fund"])
    assert (reveal.right, reveal.total, reveal.all_right) == (2, 3, False)
    assert reveal.explain == "Ask your employer."
    assert _quiz().reveal([["fund"]], "nl").all_right
    assert not _quiz().reveal([], "nl").all_right  # nobody answered: nobody was right


def test_a_quiz_takes_one_answer():
    with pytest.raises(AnswerRejected, match="Choose one"):
        _quiz().check_answer(["fund", "nobody"])
    assert _quiz().check_answer(["nobody"]) == ["nobody"]


def test_a_quiz_without_a_right_option_or_with_min_max_is_a_content_problem():
    options = [
        {"id": "a", "label": {"nl": "A", "en": "A"}},
        {"id": "b", "label": {"nl": "B", "en": "B"}},
    ]
    problems = dict(_quiz(options=options).content_problems())
    assert "correct: true" in problems[("options",)]
    problems = dict(_quiz(max=2).content_problems())
    assert "one answer" in problems[("max",)]


def test_a_countdown_is_five_seconds_to_two_minutes():
    for seconds in (4, 121):
        with pytest.raises(ValueError):
            _quiz(seconds=seconds)
