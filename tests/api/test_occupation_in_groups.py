"""The occupation step played in a peer group over JSON, on the starter library: the group
run offers real jobs, a pick is checked against the catalog, shared picks show by name in the
group's feed, and what a member picked lands on their own plan only."""

from pathlib import Path

import pytest

from game_server.db import session_scope
from game_server.services.guidance import development_plan

from ..factories import GroupPlayer, make_group, make_user

QUESTS = Path(__file__).resolve().parents[2] / "quests"
QUEST = "my-job-in-five-years"
SOLAR = "75b63949-1b93-4bf2-a777-ccf978dc3e8a"  # monteur zonnepanelen
BUS = "00cee175-1376-43fb-9f02-ba3d7a910a58"  # buschauffeur
CLEANER = "303a1e34-cb16-4054-b323-81e5eec17397"  # schoonmaker gebouwen (searched, not suggested)
ANSWERS = {
    "intro": None,
    "biggest-change": ["shortage"],
    "workday": "Ik plan mijn eigen ritten.",
    "needs": ["learn"],
}


@pytest.fixture
def starter(app_factory):
    return app_factory(quests_path=QUESTS)


@pytest.fixture
def pair(starter):
    client = starter.test_client()
    anna, bram = make_user(starter), make_user(starter)
    group_id = make_group(starter, anna, bram)
    return [GroupPlayer(client, starter, user, group_id) for user in (anna, bram)]


def _to_the_job(player: GroupPlayer) -> dict:
    player.start(QUEST)
    while player.run["step"]["id"] != "wish-job":
        current = player.run["step"]["id"]
        player.send(current, ANSWERS[current])
    return player.run["step"]


def test_a_group_run_offers_real_jobs_and_checks_a_pick_against_the_catalog(pair):
    anna, _ = pair
    step = _to_the_job(anna)
    assert anna.run["mode"] == "group"
    assert step["type"] == "occupation" and (step["min"], step["max"]) == (1, 2)
    offered = {option["id"]: option["label"] for option in step["options"]}
    assert offered[SOLAR] == "monteur zonnepanelen" and offered[BUS] == "buschauffeur"
    refused = anna.send("wish-job", ["monteur zonnepanelen"], expect=422)
    assert refused["error"]["code"] == "invalid_input"
    assert "monteur zonnepanelen" in refused["error"]["message"]  # what was not found
    too_many = anna.send("wish-job", [SOLAR, BUS, CLEANER], expect=422)
    assert too_many["error"]["code"] == "invalid_input"
    # A job found by searching counts as much as a suggested one.
    after = anna.send("wish-job", [CLEANER, BUS])
    assert after["step"]["id"] == "sentence"


def test_a_shared_pick_shows_by_name_in_the_feed_and_fills_only_the_pickers_plan(pair, starter):
    anna, bram = pair
    _to_the_job(anna)
    anna.send("wish-job", [SOLAR])
    _to_the_job(bram)
    bram.send("wish-job", [BUS])  # Bram keeps his pick to himself
    anna.share(anna.answer_id("wish-job"))
    feed = bram.group()["feed"]
    shared = [item for item in feed if item["kind"] == "answer_shared"]
    assert [item["text"] for item in shared] == ["monteur zonnepanelen"]
    assert "buschauffeur" not in str(anna.group())
    with session_scope(starter) as session:
        books = starter.extensions["catalog_source"].current()
        annas = development_plan.view(session, books, user_id=anna.user.id)
        brams = development_plan.view(session, books, user_id=bram.user.id)
    assert [job.id for job in annas.jobs] == [SOLAR]
    assert [job.id for job in brams.jobs] == [BUS]
