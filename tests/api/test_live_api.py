"""Starting live sessions over JSON, and who may see one (SQLite and PostgreSQL)."""

from game_server.models import Role

from ..factories import bearer_for, make_group, make_user


def _start(client, headers, quest_id="at-the-depot"):
    return client.post("/api/v1/live", json={"quest_id": quest_id}, headers=headers)


def test_a_coach_starts_a_session_and_gets_a_code_and_links(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    response = _start(client, coach)
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["code"]) == 6 and body["code"].isalnum() and body["code"].isupper()
    assert not set(body["code"]) & set("O0I1")  # read off a projector, typed on a phone
    assert body["join_url"].endswith(f"/join/{body['code']}")
    state = client.get(f"/api/v1/live/{body['code']}", headers=coach).get_json()
    assert state["status"] == "lobby" and state["total"] == 3 and state["participants"] == 0


def test_a_worker_without_a_group_may_not_host(app, client):
    worker = bearer_for(app, make_user(app, Role.WORKER))
    response = _start(client, worker)
    assert response.status_code == 403


def test_only_quests_made_for_live_sessions_can_be_hosted(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    assert _start(client, coach, "open-to-all").status_code == 409
    assert _start(client, coach, "no-such-quest").status_code == 404


def test_a_session_is_not_found_for_anyone_but_its_host_and_participants(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    code = _start(client, coach).get_json()["code"]
    stranger = bearer_for(app, make_user(app, Role.WORKER))
    other_coach = bearer_for(app, make_user(app, Role.COACH))
    assert client.get(f"/api/v1/live/{code}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/live/{code}/follow-ups", headers=other_coach).status_code == 404
    assert client.get(f"/api/v1/live/{code}/follow-ups", headers=coach).get_json() == []


def test_a_group_owner_hosts_for_the_group_and_a_member_or_stranger_may_not(app, client):
    owner, member, stranger = (make_user(app, Role.WORKER) for _ in range(3))
    group_id = make_group(app, owner, member)
    body = {"quest_id": "at-the-depot", "group_id": group_id}
    as_owner = client.post("/api/v1/live", json=body, headers=bearer_for(app, owner))
    assert as_owner.status_code == 201
    as_member = client.post("/api/v1/live", json=body, headers=bearer_for(app, member))
    assert as_member.status_code == 403
    as_stranger = client.post("/api/v1/live", json=body, headers=bearer_for(app, stranger))
    assert as_stranger.status_code == 404  # group ids reveal nothing to outsiders


def test_a_guest_cannot_host_without_a_group(app, client):
    guest = make_user(app, guest=True)
    response = _start(client, bearer_for(app, guest))
    assert response.status_code == 403


def test_a_live_run_is_not_offered_to_continue_alone(app, client):
    from game_server.db import session_scope
    from game_server.services.play import runs
    from game_server.services.together import live_play

    coach = bearer_for(app, make_user(app, Role.COACH))
    code = _start(client, coach).get_json()["code"]
    player = make_user(app, Role.WORKER)
    with session_scope(app) as session:
        live_play.join(session, code=code, user_id=player.id, nickname="Sam")
        assert runs.active_runs(session, user_id=player.id) == []
