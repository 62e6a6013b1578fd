"""The editors' drop-off view: each player counted once at the place of their first run,
with where they left and their ratings; nothing under ten people, and nothing a sum or a
difference of shown figures would give under ten."""

import itertools
import random
from datetime import timedelta

import pytest

from game_server.db import session_scope
from game_server.models import QuestRating, QuestRun, RunStatus, User, utcnow
from game_server.services.common.disclosure import MIN_PEOPLE
from game_server.services.common.errors import NotFound
from game_server.services.play import drop_off
from game_server.services.play.drop_off import FINISHED, RawCounts
from game_server.services.play.run_state import version_for

QUEST = "open-to-all"  # steps: who, note
NOW = utcnow()
RECENT = NOW - timedelta(days=1)
STALE = NOW - timedelta(days=8)


def _catalog(app):
    return app.extensions["catalog_source"].current()


class Population:
    """Runs written straight into the database, as play would have left them."""

    def __init__(self, app):
        self.app = app
        with session_scope(app) as session:
            self.version_id = version_for(session, _catalog(app).quest(QUEST)).id
            session.commit()

    def person(self) -> int:
        with session_scope(self.app) as session:
            user = User(display_name="", is_guest=True)
            session.add(user)
            session.commit()
            return user.id

    def run(self, user_id, status, step="who", *, moved=RECENT, mode="solo", score=None) -> int:
        with session_scope(self.app) as session:
            run = QuestRun(
                user_id=user_id,
                quest_id=QUEST,
                quest_version_id=self.version_id,
                mode=mode,
                status=status,
                current_step_id=step,
                started_at=moved - timedelta(minutes=5),
                updated_at=moved,
                completed_at=moved if status == RunStatus.COMPLETED else None,
            )
            session.add(run)
            session.flush()
            if score is not None:
                session.add(
                    QuestRating(run_id=run.id, user_id=user_id, quest_id=QUEST, score=score)
                )
            session.commit()
            return run.id

    def people(self, count, status, step="who", **kwargs) -> list[int]:
        ids = []
        for _ in range(count):
            ids.append(self.person())
            self.run(ids[-1], status, step, **kwargs)
        return ids


def _figures(app):
    with session_scope(app) as session:
        return drop_off.drop_off(session, _catalog(app), quest_id=QUEST, now=NOW)


def test_each_player_counts_once_at_the_place_of_their_first_run(app):
    population = Population(app)
    # At "who": 6 stopped, 4 idle for more than a week, 10 still playing.
    gave_up = population.people(6, RunStatus.ABANDONED, "who")
    population.people(4, RunStatus.ACTIVE, "who", moved=STALE)
    population.people(10, RunStatus.ACTIVE, "who")
    # At "note": 8 stopped, 4 idle, 10 still playing.
    population.people(8, RunStatus.ABANDONED, "note")
    population.people(4, RunStatus.ACTIVE, "note", moved=STALE)
    population.people(10, RunStatus.ACTIVE, "note")
    # Finished: 25; twelve rated (six 5, six 4).
    finishers = population.people(13, RunStatus.COMPLETED, "note")
    for score in (5, 4):
        population.people(6, RunStatus.COMPLETED, "note", score=score)
    # Not counted: a later run of someone who gave up (their first run counts), a live
    # session's runs, and a first run on a step the quest no longer has.
    for user_id in gave_up:
        population.run(user_id, RunStatus.COMPLETED, "note", moved=NOW, score=1)
    for user_id in population.people(5, RunStatus.COMPLETED, "note", mode="live"):
        population.run(user_id, RunStatus.COMPLETED, "note", mode="live")
    population.people(3, RunStatus.ABANDONED, "a-step-since-removed")
    # A finisher who rated two runs counts once, by the latest: 1, not 5.
    population.run(finishers[0], RunStatus.COMPLETED, "note", score=5)
    population.run(finishers[0], RunStatus.COMPLETED, "note", moved=NOW, score=1)

    figures = _figures(app)

    assert (figures.players, figures.finished, figures.left) == (67, 25, 22)
    who, note = figures.steps
    assert (who.step_id, who.reached, who.at_step, who.left) == ("who", 67, 20, 10)
    assert (note.step_id, note.reached, note.at_step, note.left) == ("note", 47, 22, 12)
    # Raters: 12 finishers, the one who rated twice, and the six who gave up and then
    # finished a second run (they are players all the same).
    assert figures.ratings.raters == 19
    assert figures.ratings.average == round((6 * 5 + 6 * 4 + 1 + 6 * 1) / 19, 1)


def test_a_small_quest_shows_nothing(app):
    population = Population(app)
    population.people(5, RunStatus.COMPLETED, "note", score=5)
    population.people(4, RunStatus.ABANDONED, "who")
    figures = _figures(app)
    assert figures.players is None and figures.finished is None and figures.left is None
    assert all(
        (step.reached, step.at_step, step.left) == (None, None, None) for step in figures.steps
    )
    assert (figures.ratings.raters, figures.ratings.average) == (None, None)


def test_a_few_who_left_are_hidden_with_enough_others_that_no_sum_gives_them_away(app):
    population = Population(app)
    population.people(3, RunStatus.ABANDONED, "who")  # three gave up at the first step
    population.people(10, RunStatus.ACTIVE, "who")
    population.people(12, RunStatus.ABANDONED, "note")
    population.people(10, RunStatus.ACTIVE, "note")
    population.people(25, RunStatus.COMPLETED, "note")
    figures = _figures(app)
    who, note = figures.steps
    assert who.left is None
    # Shown, total left (15) minus the 12 at "note" would give the three: hidden as well.
    assert note.left is None
    assert figures.left == 15


def test_a_quest_not_in_the_catalog_is_not_found(app):
    with session_scope(app) as session, pytest.raises(NotFound):
        drop_off.drop_off(session, _catalog(app), quest_id="no-such-quest")


def test_the_overview_has_every_quest_of_the_catalog(app):
    Population(app).people(12, RunStatus.COMPLETED, "note")
    with session_scope(app) as session:
        quests = drop_off.overview(session, _catalog(app), now=NOW)
    assert [q.quest_id for q in quests] == sorted(_catalog(app).quests)
    mine = next(q for q in quests if q.quest_id == QUEST)
    # Twelve played and all finished: the total shows, "all of them finished" does not.
    assert (mine.players, mine.finished) == (12, None)


# -- the rules alone, on random populations ----------------------------------------------


def _quest(app):
    return _catalog(app).quest("every-step")  # nine steps


def _random_counts(rng: random.Random, steps: list[str]) -> RawCounts:
    raw = RawCounts()
    for place in [*steps, FINISHED]:
        raw.at[place] = rng.choice([0, 0, 1, 3, 9, 10, 11, 14, 25, rng.randint(0, 60)])
        if place != FINISHED:
            raw.left[place] = rng.randint(0, raw.at[place])
    players = sum(raw.at.values())
    raw.raters = rng.randint(0, players)
    raw.score_total = sum(rng.randint(1, 5) for _ in range(raw.raters))
    return raw


def test_no_shown_figure_is_under_ten_and_no_difference_of_nested_figures_is(sqlite_app):
    """For every two shown figures whose people nest (reached and a later reached, a step's
    people and those who left there, all players and anything), the difference is 0 only
    when it must be (the same figure) and otherwise ten or more."""
    quest = _quest(sqlite_app)
    steps = [step.id for step in quest.steps]
    rng = random.Random(20261201)
    for _ in range(3000):
        raw = _random_counts(rng, steps)
        figures = drop_off.protect(quest, raw)
        shown = [
            n
            for n in (
                figures.players,
                figures.finished,
                figures.left,
                figures.ratings.raters,
                *(s.reached for s in figures.steps),
                *(s.at_step for s in figures.steps),
                *(s.left for s in figures.steps),
            )
            if n is not None
        ]
        assert all(n >= MIN_PEOPLE for n in shown), (raw, figures)
        for index, step in enumerate(figures.steps):
            if step.reached is not None:  # the truth, and what it leaves out is no small number
                true = sum(raw.at[place] for place in [*steps[index:], FINISHED])
                assert step.reached == true, (raw, figures)
                gap = figures.players - step.reached
                assert gap == 0 or gap >= MIN_PEOPLE, (raw, figures)
        reached = [s.reached for s in figures.steps if s.reached is not None]
        for bigger, smaller in itertools.pairwise([*reached, figures.finished]):
            if smaller is not None and bigger != smaller:
                assert bigger - smaller >= MIN_PEOPLE, (raw, figures)
        for step in figures.steps:
            if step.left is not None:
                assert step.at_step - step.left >= MIN_PEOPLE, (raw, figures)
        if figures.ratings.average is not None:
            assert raw.raters >= MIN_PEOPLE
        hidden_left = [
            raw.left[s.step_id] for s in figures.steps if s.left is None and s.at_step is not None
        ]
        if figures.left is not None and hidden_left:
            # The total minus the shown cells: the hidden ones together, never under ten.
            assert figures.left - sum(s.left for s in figures.steps if s.left is not None) >= 10
