"""Assignments from a coach: only to linked workers, all or nothing, with a status from play."""

from datetime import date, timedelta

from game_server.models import Assignment, Role

from ..factories import bearer_for, count, make_group, make_user


def _link(client, coach, worker):
    code = client.post("/api/v1/coach/invites", headers=coach).get_json()["code"]
    assert client.post("/api/v1/me/coaches", json={"code": code}, headers=worker).status_code == 201


def test_a_coach_assigns_a_quest_and_its_status_follows_play(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    worker_user = make_user(app, Role.WORKER)
    worker = bearer_for(app, worker_user)
    _link(client, coach, worker)
    due = (date.today() + timedelta(days=7)).isoformat()
    made = client.post(
        "/api/v1/coach/assignments",
        json={
            "quest_id": "open-to-all",
            "worker_ids": [worker_user.id],
            "due": due,
            "message": "Doe deze voor vrijdag",
        },
        headers=coach,
    )
    assert made.status_code == 201
    assert [(a["worker_id"], a["status"], a["due"]) for a in made.get_json()] == [
        (worker_user.id, "open", due)
    ]
    run = client.post("/api/v1/quests/open-to-all/runs", headers=worker).get_json()
    assert client.get("/api/v1/me/assignments", headers=worker).get_json()[0]["status"] == "started"
    for step_id, value in (("who", ["family"]), ("note", "klaar")):
        client.post(
            f"/api/v1/runs/{run['run_id']}/answers",
            json={"step_id": step_id, "value": value},
            headers=worker,
        )
    assert client.get("/api/v1/coach/assignments", headers=coach).get_json()[0]["status"] == "done"


def test_one_unlinked_worker_makes_the_whole_request_not_found_and_stores_nothing(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    linked_user, stranger = make_user(app, Role.WORKER), make_user(app, Role.WORKER)
    _link(client, coach, bearer_for(app, linked_user))
    response = client.post(
        "/api/v1/coach/assignments",
        json={"quest_id": "open-to-all", "worker_ids": [linked_user.id, stranger.id]},
        headers=coach,
    )
    assert response.status_code == 404
    assert count(app, Assignment) == 0


def test_bad_assignments_are_refused_with_the_field_to_fix(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    worker_user = make_user(app, Role.WORKER)
    _link(client, coach, bearer_for(app, worker_user))
    cases = [
        ({"worker_ids": [worker_user.id]}, 422),  # neither quest nor track
        ({"quest_id": "open-to-all", "track_id": "x", "worker_ids": [worker_user.id]}, 422),
        ({"quest_id": "open-to-all"}, 422),  # nobody
        ({"quest_id": "nope", "worker_ids": [worker_user.id]}, 404),
        ({"quest_id": "open-to-all", "worker_ids": [worker_user.id], "due": "2001-01-01"}, 422),
    ]
    for body, status in cases:
        assert (
            client.post("/api/v1/coach/assignments", json=body, headers=coach).status_code == status
        ), body
    assert count(app, Assignment) == 0


def test_a_group_assignment_reaches_only_members_linked_with_the_coach(app, client):
    coach_user = make_user(app, Role.COACH)
    coach = bearer_for(app, coach_user)
    linked, unlinked = make_user(app, Role.WORKER), make_user(app, Role.WORKER)
    group_id = make_group(app, coach_user, linked, unlinked)
    _link(client, coach, bearer_for(app, linked))
    made = client.post(
        "/api/v1/coach/assignments",
        json={"quest_id": "open-to-all", "group_id": group_id},
        headers=coach,
    ).get_json()
    assert [a["worker_id"] for a in made] == [linked.id]
    outsider = bearer_for(app, make_user(app, Role.COACH))
    response = client.post(
        "/api/v1/coach/assignments",
        json={"quest_id": "open-to-all", "group_id": group_id},
        headers=outsider,
    )
    assert response.status_code == 404


def test_after_withdrawal_the_coach_no_longer_sees_the_assignments(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    worker_user = make_user(app, Role.WORKER)
    worker = bearer_for(app, worker_user)
    _link(client, coach, worker)
    client.post(
        "/api/v1/coach/assignments",
        json={"quest_id": "open-to-all", "worker_ids": [worker_user.id]},
        headers=coach,
    )
    link_id = client.get("/api/v1/me/coaches", headers=worker).get_json()[0]["id"]
    client.delete(f"/api/v1/me/coaches/{link_id}", headers=worker)
    assert client.get("/api/v1/coach/assignments", headers=coach).get_json() == []
    assert len(client.get("/api/v1/me/assignments", headers=worker).get_json()) == 1
