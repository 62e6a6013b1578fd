"""The finish screen's payoff: the worker's own result (the top areas always, with what they
mean; a self-scan's change since last time), the XP bars and a level reached, the nearest
badge, and a quest to play next. Played on the real starter library."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from game_server.db import session_scope
from game_server.services.play import payoff, runs

from ..factories import login, make_user

QUESTS = Path(__file__).resolve().parents[2] / "quests"
DUE = (date.today() + timedelta(days=7)).isoformat()


def _answer_for(step, score: int):
    """What a player gives each kind of step: every statement `score`, the first option."""
    if step.items:
        return {item.id: score for item in step.items}
    if step.options:
        return [option.id for option in step.options[: max(1, step.min or 1)]]
    if step.type == "action":
        return {"text": "Ik vraag het aan mijn teamleider.", "due": DUE}
    if step.type == "contact":
        return {"who": "Mijn planner", "learned": "Er komt een cursus."}
    if step.asks_input:
        return "Ik wil graag meer plannen."
    return None


def _play(app, user_id: int, quest_id: str, score: int = 3) -> int:
    with session_scope(app) as session:
        catalog = app.extensions["catalog_source"].current()
        view, _new = runs.start_or_resume(session, catalog, user_id=user_id, quest_id=quest_id)
        while view.step is not None:
            view = runs.answer_step(
                session,
                catalog,
                user_id=user_id,
                run_id=view.run_id,
                step_id=view.step.id,
                value=_answer_for(view.step, score),
            )
        return view.run_id


def _payoff(app, user_id, run_id, locale="nl"):
    with session_scope(app) as session:
        catalog = app.extensions["catalog_source"].current()
        return payoff.payoff(session, catalog, run_id=run_id, user_id=user_id, locale=locale)


@pytest.fixture
def starter_app(app_factory):
    return app_factory(quests_path=QUESTS)


def test_a_middling_interest_profile_still_names_its_top_areas_and_what_they_mean(starter_app):
    worker = make_user(starter_app)
    run_id = _play(starter_app, worker.id, "interest-profile", score=3)
    found = _payoff(starter_app, worker.id, run_id)
    scores = next(r for r in found.results if r.scale_max)
    top = [row for row in scores.rows if row.top]
    assert len(top) == 2 and all(row.about for row in top)
    assert all(len(row.occupations) >= 2 for row in top)  # real jobs that fit, by name
    assert all(row.about is None for row in scores.rows if not row.top)
    chosen = next(r for r in found.results if not r.scale_max)
    assert chosen.rows[0].label.startswith("Praktisch")


def test_the_xp_bars_fill_and_a_level_reached_is_said(starter_app):
    worker = make_user(starter_app)
    run_id = _play(starter_app, worker.id, "interest-profile")  # exploring 20, reflecting 10
    bars = {bar.competency: bar for bar in _payoff(starter_app, worker.id, run_id).bars}
    assert bars["exploring"].gained == 20 and bars["exploring"].before == 0
    assert 0 < bars["exploring"].after < 1 and not bars["exploring"].leveled_up
    second = _play(starter_app, worker.id, "three-jobs-nearby")
    grown = {bar.competency: bar for bar in _payoff(starter_app, worker.id, second).bars}
    exploring = grown["exploring"]
    assert exploring.xp >= 25 and exploring.level == 2 and exploring.leveled_up
    # Replaying a quest gives no XP, so it fills no bar.
    again = _play(starter_app, worker.id, "interest-profile")
    assert _payoff(starter_app, worker.id, again).bars == []


def test_a_self_scan_taken_again_shows_the_change_since_last_time(starter_app):
    worker = make_user(starter_app)
    _play(starter_app, worker.id, "self-scan", score=2)
    run_id = _play(starter_app, worker.id, "self-scan", score=4)
    scan = next(r for r in _payoff(starter_app, worker.id, run_id).results if r.scale_max)
    assert len(scan.rows) == 4
    assert {row.change for row in scan.rows} == {2.0}


def test_the_way_on_is_the_nearest_badge_and_a_quest_not_played_yet(starter_app):
    worker = make_user(starter_app)
    run_id = _play(starter_app, worker.id, "interest-profile")
    found = _payoff(starter_app, worker.id, run_id)
    assert found.next_goal is not None and 0 < found.next_goal.progress < 1
    assert found.next_quest is not None and found.next_quest.quest_id != "interest-profile"


def test_the_finish_page_shows_the_payoff_to_the_worker_alone(starter_app):
    worker = make_user(starter_app)
    run_id = _play(starter_app, worker.id, "interest-profile")
    client = starter_app.test_client()
    login(client, worker)
    page = client.get(f"/runs/{run_id}").get_data(as_text=True)
    assert "Jouw uitslag" in page and "Echte banen die passen:" in page
    assert "Wat nu?" in page and "Speel nu:" in page
    other = starter_app.test_client()
    login(other, make_user(starter_app))
    assert other.get(f"/runs/{run_id}").status_code == 404


def test_the_home_page_maps_a_track_done_next_and_ahead(starter_app):
    worker = make_user(starter_app)
    _play(starter_app, worker.id, "self-scan")
    client = starter_app.test_client()
    login(client, worker)
    page = client.get("/home").get_data(as_text=True)
    track = page[page.index('data-testid="track-first-steps"') :]
    track = track[: track.index("</section>")]
    assert "1 van 5 klaar" in track
    stops = re.findall(r'class="stop stop-(\w+)"', track)
    assert stops == ["done", "next", "ahead", "ahead", "ahead"]
