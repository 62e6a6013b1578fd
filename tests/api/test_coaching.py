"""Coach links over JSON, from both sides and from the attacker's (SQLite and PostgreSQL)."""

import threading
from datetime import timedelta

from game_server.db import session_scope
from game_server.models import CoachLink, Role
from game_server.services.guidance import coaching

from ..factories import bearer_for, count, make_user


def _invite(client, coach_headers) -> str:
    response = client.post("/api/v1/coach/invites", headers=coach_headers)
    assert response.status_code == 201
    return response.get_json()["code"]


def _accept(client, headers, code, share="progress"):
    return client.post("/api/v1/me/coaches", json={"code": code, "share": share}, headers=headers)


def test_a_worker_accepts_an_invite_and_the_coach_sees_their_progress(app, client):
    coach_user = make_user(app, Role.COACH)
    coach, worker_user = bearer_for(app, coach_user), make_user(app, Role.WORKER)
    worker = bearer_for(app, worker_user)
    code = _invite(client, coach)
    link = _accept(client, worker, code.lower()[:4] + "-" + code.lower()[4:])  # typed loosely
    assert link.status_code == 201
    assert link.get_json()["coach"] == {"id": coach_user.id, "name": coach_user.display_name}
    assert [c["id"] for c in client.get("/api/v1/coach/clients", headers=coach).get_json()] == [
        worker_user.id
    ]
    detail = client.get(f"/api/v1/coach/clients/{worker_user.id}", headers=coach).get_json()
    assert detail["share"] == "progress" and "competencies" in detail["progress"]
    mine = client.get("/api/v1/me/coaches", headers=worker).get_json()
    assert [(m["coach"]["id"], m["share"], m["withdrawn_at"]) for m in mine] == [
        (coach_user.id, "progress", None)
    ]


def test_a_coach_without_consent_gets_404_exactly_like_for_a_worker_who_does_not_exist(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    stranger = make_user(app, Role.WORKER)
    unlinked = client.get(f"/api/v1/coach/clients/{stranger.id}", headers=coach)
    missing = client.get("/api/v1/coach/clients/999999", headers=coach)
    assert unlinked.status_code == missing.status_code == 404
    assert unlinked.get_json() == missing.get_json()
    assert client.get("/api/v1/coach/clients", headers=coach).get_json() == []


def test_withdrawing_consent_takes_effect_at_once_and_stays_in_the_worker_history(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    worker_user = make_user(app, Role.WORKER)
    worker = bearer_for(app, worker_user)
    link_id = _accept(client, worker, _invite(client, coach)).get_json()["id"]
    assert client.get(f"/api/v1/coach/clients/{worker_user.id}", headers=coach).status_code == 200
    assert client.delete(f"/api/v1/me/coaches/{link_id}", headers=worker).status_code == 204
    assert client.get(f"/api/v1/coach/clients/{worker_user.id}", headers=coach).status_code == 404
    assert client.get("/api/v1/coach/clients", headers=coach).get_json() == []
    history = client.get("/api/v1/me/coaches", headers=worker).get_json()
    assert history[0]["withdrawn_at"] is not None


def test_a_worker_cannot_withdraw_someone_elses_link(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    worker = bearer_for(app, make_user(app, Role.WORKER))
    other = bearer_for(app, make_user(app, Role.WORKER))
    link_id = _accept(client, worker, _invite(client, coach)).get_json()["id"]
    assert client.delete(f"/api/v1/me/coaches/{link_id}", headers=other).status_code == 404
    assert client.get("/api/v1/me/coaches", headers=worker).get_json()[0]["withdrawn_at"] is None


def test_a_code_works_once_not_for_its_coach_and_not_after_it_expires(app, client):
    coach_user = make_user(app, Role.COACH)
    coach = bearer_for(app, coach_user)
    code = _invite(client, coach)
    assert _accept(client, coach, code).status_code == 409  # one's own code
    assert _accept(client, bearer_for(app, make_user(app)), code).status_code == 201
    assert _accept(client, bearer_for(app, make_user(app)), code).status_code == 404
    with session_scope(app) as session:
        old = coaching.create_invite(
            session, coach_id=coach_user.id, now=coaching.utcnow() - timedelta(days=15)
        )
    assert _accept(client, bearer_for(app, make_user(app)), old.code).status_code == 404
    assert _accept(client, bearer_for(app, make_user(app)), "NOPE-NOPE").status_code == 404


def test_twenty_workers_racing_for_one_code_make_one_link(app):
    coach = make_user(app, Role.COACH)
    with session_scope(app) as session:
        code = coaching.create_invite(session, coach_id=coach.id).code
    workers = [make_user(app, Role.WORKER) for _ in range(20)]
    outcomes = []

    def accept(worker):
        client = app.test_client()
        response = _accept(client, bearer_for(app, worker), code)
        outcomes.append(response.status_code)

    threads = [threading.Thread(target=accept, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [201] + [404] * 19
    assert count(app, CoachLink) == 1


def test_only_coaches_make_invites_and_read_clients(app, client):
    worker = bearer_for(app, make_user(app, Role.WORKER))
    assert client.post("/api/v1/coach/invites", headers=worker).status_code == 403
    assert client.get("/api/v1/coach/clients", headers=worker).status_code == 403


def _reflection_answer_id(app, client, headers) -> int:
    """Play open-to-all up to its reflection; return that answer's id."""
    from sqlmodel import select

    from game_server.models import Answer

    run = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    for step_id, value in (("who", ["family"]), ("note", "MARKER-geheim-plan")):
        client.post(
            f"/api/v1/runs/{run['run_id']}/answers",
            json={"step_id": step_id, "value": value},
            headers=headers,
        )
    with session_scope(app) as session:
        return session.exec(select(Answer.id).where(Answer.step_id == "note")).one()


def _linked(app, client, share):
    coach_user, worker_user = make_user(app, Role.COACH), make_user(app, Role.WORKER)
    coach, worker = bearer_for(app, coach_user), bearer_for(app, worker_user)
    link = _accept(client, worker, _invite(client, coach), share).get_json()
    return coach_user, coach, worker_user, worker, link["id"]


def test_a_coach_reads_only_shared_answers_and_every_read_is_in_the_workers_audit(app, client):
    coach_user, coach, worker_user, worker, link_id = _linked(app, client, "progress_and_answers")
    answer_id = _reflection_answer_id(app, client, worker)
    detail = client.get(f"/api/v1/coach/clients/{worker_user.id}", headers=coach).get_json()
    assert detail["shared_answers"] == []  # nothing shared yet: private by default
    assert client.get("/api/v1/me/audit", headers=worker).get_json() == []

    path = f"/api/v1/me/coaches/{link_id}/answers/{answer_id}"
    assert client.put(path, headers=worker).status_code == 204
    detail = client.get(f"/api/v1/coach/clients/{worker_user.id}", headers=coach).get_json()
    assert [a["value"] for a in detail["shared_answers"]] == ["MARKER-geheim-plan"]
    audit = client.get("/api/v1/me/audit", headers=worker).get_json()
    assert [(e["who"], e["item"], e["reason"]) for e in audit] == [
        (coach_user.display_name, f"answer:{answer_id}", "coach:client_page")
    ]

    assert client.delete(path, headers=worker).status_code == 204
    detail = client.get(f"/api/v1/coach/clients/{worker_user.id}", headers=coach).get_json()
    assert detail["shared_answers"] == []


def test_with_progress_only_a_shared_answer_stays_out_of_sight(app, client):
    _coach_user, coach, worker_user, worker, link_id = _linked(app, client, "progress")
    answer_id = _reflection_answer_id(app, client, worker)
    client.put(f"/api/v1/me/coaches/{link_id}/answers/{answer_id}", headers=worker)
    detail = client.get(f"/api/v1/coach/clients/{worker_user.id}", headers=coach)
    assert detail.get_json()["shared_answers"] == []
    assert "MARKER" not in detail.get_data(as_text=True)


def test_nobody_shares_an_answer_that_is_not_theirs_or_through_a_link_that_is_not(app, client):
    _coach_user, _coach, _worker_user, worker, link_id = _linked(app, client, "progress")
    answer_id = _reflection_answer_id(app, client, worker)
    intruder = bearer_for(app, make_user(app, Role.WORKER))
    path = f"/api/v1/me/coaches/{link_id}/answers/{answer_id}"
    assert client.put(path, headers=intruder).status_code == 404


def test_withdrawing_unshares_so_linking_again_shows_nothing_old(app, client):
    coach_user, coach, worker_user, worker, link_id = _linked(app, client, "progress_and_answers")
    answer_id = _reflection_answer_id(app, client, worker)
    client.put(f"/api/v1/me/coaches/{link_id}/answers/{answer_id}", headers=worker)
    client.delete(f"/api/v1/me/coaches/{link_id}", headers=worker)
    _accept(client, worker, _invite(client, coach), "progress_and_answers")
    detail = client.get(f"/api/v1/coach/clients/{worker_user.id}", headers=coach).get_json()
    assert detail["shared_answers"] == []


def test_feedback_on_a_shared_answer_and_the_workers_reply(app, client):
    coach_user, coach, worker_user, worker, link_id = _linked(app, client, "progress_and_answers")
    answer_id = _reflection_answer_id(app, client, worker)
    path = f"/api/v1/coach/clients/{worker_user.id}/answers/{answer_id}/feedback"
    assert client.post(path, json={"text": "Mooi!"}, headers=coach).status_code == 404  # unshared
    client.put(f"/api/v1/me/coaches/{link_id}/answers/{answer_id}", headers=worker)
    given = client.post(path, json={"text": "Mooi plan. Wat is stap één?"}, headers=coach)
    assert given.status_code == 201 and given.get_json()["author"] == coach_user.display_name
    reply = client.post(
        f"/api/v1/me/answers/{answer_id}/feedback", json={"text": "Bellen met HR."}, headers=worker
    )
    assert reply.status_code == 201
    threads = client.get("/api/v1/me/feedback", headers=worker).get_json()
    assert [m["text"] for m in threads[0]["messages"]] == [
        "Mooi plan. Wat is stap één?",
        "Bellen met HR.",
    ]
    detail = client.get(f"/api/v1/coach/clients/{worker_user.id}", headers=coach).get_json()
    assert len(detail["shared_answers"][0]["feedback"]) == 2


def test_nobody_else_writes_in_a_thread(app, client):
    _coach_user, coach, worker_user, worker, link_id = _linked(app, client, "progress_and_answers")
    answer_id = _reflection_answer_id(app, client, worker)
    client.put(f"/api/v1/me/coaches/{link_id}/answers/{answer_id}", headers=worker)
    other_coach = bearer_for(app, make_user(app, Role.COACH))
    path = f"/api/v1/coach/clients/{worker_user.id}/answers/{answer_id}/feedback"
    assert client.post(path, json={"text": "Hallo"}, headers=other_coach).status_code == 404
    stranger = bearer_for(app, make_user(app, Role.WORKER))
    reply = f"/api/v1/me/answers/{answer_id}/feedback"
    assert client.post(reply, json={"text": "Hallo"}, headers=stranger).status_code == 404
    assert client.post(reply, json={"text": "Nog niets"}, headers=worker).status_code == 404
    client.delete(f"/api/v1/me/coaches/{link_id}", headers=worker)
    assert client.post(path, json={"text": "Nog even"}, headers=coach).status_code == 404
