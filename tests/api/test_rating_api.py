"""Was this useful? over JSON: the player rates a finished run, changes it, reads it back;
the comment is in their export and goes on erasure, the score stays nameless. Editors read
the figures per quest, hidden under ten."""

from sqlmodel import select

from game_server.db import session_scope
from game_server.models import QuestRating, Role

from ..factories import bearer_for, make_user

ANSWERS = {"who": ["family"], "note": "Mijn zus kent veel mensen."}


def _play(client, headers, until=None) -> int:
    run = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    while run["status"] == "active" and run["step"]["id"] != until:
        step = run["step"]["id"]
        run = client.post(
            f"/api/v1/runs/{run['run_id']}/answers",
            headers=headers,
            json={"step_id": step, "value": ANSWERS[step]},
        ).get_json()
    return run["run_id"]


def test_the_player_rates_a_finished_run_and_changes_it(app, client):
    headers = bearer_for(app, make_user(app))
    run_id = _play(client, headers)
    assert client.get(f"/api/v1/runs/{run_id}/rating", headers=headers).get_json() is None
    rated = client.post(
        f"/api/v1/runs/{run_id}/rating", headers=headers, json={"score": 2, "comment": "Lang."}
    )
    assert rated.status_code == 200
    assert rated.get_json()["score"] == 2 and rated.get_json()["comment"] == "Lang."
    again = client.post(f"/api/v1/runs/{run_id}/rating", headers=headers, json={"score": 5})
    assert (again.get_json()["score"], again.get_json()["comment"]) == (5, None)
    read = client.get(f"/api/v1/runs/{run_id}/rating", headers=headers).get_json()
    assert read == again.get_json()


def test_a_retry_of_the_same_rating_answers_the_same(app, client):
    headers = bearer_for(app, make_user(app))
    run_id = _play(client, headers)
    body = {"score": 4, "comment": "Goed"}
    first = client.post(f"/api/v1/runs/{run_id}/rating", headers=headers, json=body)
    second = client.post(f"/api/v1/runs/{run_id}/rating", headers=headers, json=body)
    assert first.get_json() == second.get_json()


def test_refusals_say_why_and_store_nothing(app, client):
    headers = bearer_for(app, make_user(app))
    other = bearer_for(app, make_user(app))
    unfinished = _play(client, headers, until="note")
    finished = _play(client, other)
    cases = [
        (unfinished, headers, {"score": 4}, 409),
        (finished, headers, {"score": 4}, 404),  # someone else's run
        (finished, other, {"score": 6}, 422),
        (finished, other, {"score": 4, "comment": "x" * 501}, 422),
        (finished, other, {"score": 4, "stars": 5}, 422),
    ]
    for run_id, who, body, status in cases:
        response = client.post(f"/api/v1/runs/{run_id}/rating", headers=who, json=body)
        assert response.status_code == status, (body, response.get_json())
        assert "error" in response.get_json()
    with session_scope(app) as session:
        assert session.exec(select(QuestRating)).all() == []


def test_the_comment_is_in_the_export_and_goes_on_erasure_while_the_score_stays(app, client):
    worker = make_user(app)
    headers = bearer_for(app, worker)
    run_id = _play(client, headers)
    client.post(
        f"/api/v1/runs/{run_id}/rating",
        headers=headers,
        json={"score": 3, "comment": "MARKER-OORDEEL mijn woorden"},
    )
    exported = client.get("/api/v1/me/export", headers=headers).get_json()
    (rating,) = exported["ratings"]
    assert (rating["run_id"], rating["score"]) == (run_id, 3)
    assert rating["comment"] == "MARKER-OORDEEL mijn woorden"
    erased = client.delete("/api/v1/me", headers=headers, json={"confirm": True})
    assert erased.status_code == 204
    with session_scope(app) as session:
        row = session.get(QuestRating, run_id)
        assert (row.score, row.comment) == (3, None)


def test_editors_read_the_figures_of_a_quest_hidden_under_ten(app, client):
    headers = bearer_for(app, make_user(app))
    _play(client, headers)
    editor = bearer_for(app, make_user(app, Role.EDITOR))
    response = client.get("/api/v1/editor/quests/open-to-all?locale=en", headers=editor)
    assert response.status_code == 200
    figures = response.get_json()
    assert figures["players"] is None and figures["min_people"] == 10
    assert [s["step_id"] for s in figures["steps"]] == ["who", "note"]
    assert figures["steps"][0]["prompt"] == "Who do you talk to most?"
    everything = client.get("/api/v1/editor/quests", headers=editor).get_json()
    assert "open-to-all" in [q["quest_id"] for q in everything]
    unknown = client.get("/api/v1/editor/quests/no-such-quest", headers=editor)
    assert unknown.status_code == 404
    worker = client.get("/api/v1/editor/quests/open-to-all", headers=headers)
    assert worker.status_code == 403
