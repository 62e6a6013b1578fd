"""Was this useful? One rating per finished run, by its player; again changes it; the same
again changes nothing."""

import pytest
from pydantic import ValidationError
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import QuestRating
from game_server.services.common.errors import Conflict, InvalidInput, NotFound
from game_server.services.play import ratings, runs
from game_server.services.play.ratings import RatingIn

from ..factories import make_user

ANSWERS = {"who": ["family"], "note": "Mijn zus kent veel mensen."}


def _catalog(app):
    return app.extensions["catalog_source"].current()


def _play(app, user, until=None) -> int:
    with session_scope(app) as session:
        view, _new = runs.start_or_resume(
            session, _catalog(app), user_id=user.id, quest_id="open-to-all"
        )
        while view.step is not None and view.step.id != until:
            view = runs.answer_step(
                session,
                _catalog(app),
                user_id=user.id,
                run_id=view.run_id,
                step_id=view.step.id,
                value=ANSWERS[view.step.id],
            )
        return view.run_id


def _rate(app, user, run_id, score, comment=None):
    with session_scope(app) as session:
        return ratings.rate(
            session,
            run_id=run_id,
            user_id=user.id,
            rating=RatingIn(score=score, comment=comment),
        )


def _rows(app):
    with session_scope(app) as session:
        return session.exec(select(QuestRating)).all()


def test_the_player_rates_a_finished_run(app):
    worker = make_user(app)
    run_id = _play(app, worker)
    rated = _rate(app, worker, run_id, 4, "  Fijn om over na te denken.  ")
    assert (rated.score, rated.comment, rated.quest_id) == (
        4,
        "Fijn om over na te denken.",
        "open-to-all",
    )
    with session_scope(app) as session:
        assert ratings.rating_of(session, run_id=run_id, user_id=worker.id) == rated


def test_rating_again_changes_the_one_rating_of_the_run(app):
    worker = make_user(app)
    run_id = _play(app, worker)
    _rate(app, worker, run_id, 2, "Te lang.")
    changed = _rate(app, worker, run_id, 5)
    assert (changed.score, changed.comment) == (5, None)
    assert [(r.run_id, r.score, r.comment) for r in _rows(app)] == [(run_id, 5, None)]


def test_the_same_rating_again_changes_nothing(app):
    worker = make_user(app)
    run_id = _play(app, worker)
    first = _rate(app, worker, run_id, 3, "Goed")
    again = _rate(app, worker, run_id, 3, "Goed")
    assert again.rated_at == first.rated_at
    assert len(_rows(app)) == 1


def test_a_run_not_finished_cannot_be_rated(app):
    worker = make_user(app)
    run_id = _play(app, worker, until="note")
    with pytest.raises(Conflict):
        _rate(app, worker, run_id, 5)
    assert _rows(app) == []


def test_someone_elses_run_is_not_found_to_rate_or_read(app):
    worker, other = make_user(app), make_user(app)
    run_id = _play(app, worker)
    with pytest.raises(NotFound):
        _rate(app, other, run_id, 1)
    _rate(app, worker, run_id, 4)
    with session_scope(app) as session, pytest.raises(NotFound):
        ratings.rating_of(session, run_id=run_id, user_id=other.id)


@pytest.mark.parametrize("score", [0, 6])
def test_a_score_is_from_one_to_five(score):
    with pytest.raises(ValidationError):
        RatingIn(score=score)


def test_a_form_without_a_score_or_with_too_long_a_comment_is_refused():
    with pytest.raises(InvalidInput) as no_score:
        ratings.parse(None, "Goed")
    assert no_score.value.field == "score"
    with pytest.raises(InvalidInput) as too_long:
        ratings.parse("4", "x" * 501)
    assert too_long.value.field == "comment"
    assert ratings.parse("4", "   ") == RatingIn(score=4, comment=None)
