"""Solo play over the API: start, answer, branch, go back, complete, abandon, idempotency."""

import threading
import uuid

import pytest
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import Answer, IdempotencyRecord, Role, XpAward

from ..factories import EVERY_STEP_ANSWERS, bearer_for, count, make_user


@pytest.fixture
def worker(app):
    user = make_user(app, Role.WORKER)
    return user, bearer_for(app, user)


def start(client, headers, quest_id="every-step"):
    return client.post(f"/api/v1/quests/{quest_id}/runs", headers=headers)


def send(client, headers, run_id, step_id, value, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(
        f"/api/v1/runs/{run_id}/answers",
        json={"step_id": step_id, "value": value},
        headers={**headers, **extra},
    )


def test_the_catalog_lists_quests_and_filters_them(client):
    every = client.get("/api/v1/quests").get_json()
    assert {q["id"] for q in every} == {"at-the-depot", "every-step", "needs-first", "open-to-all"}
    networking = client.get("/api/v1/quests?competency=networking").get_json()
    assert [q["id"] for q in networking] == ["open-to-all"]
    group = client.get("/api/v1/quests?mode=group&locale=en").get_json()
    assert [(q["id"], q["title"]) for q in group] == [("every-step", "Every step")]
    live = client.get("/api/v1/quests?mode=live").get_json()
    assert [q["id"] for q in live] == ["at-the-depot"]


def test_an_unknown_filter_value_is_a_422(client):
    response = client.get("/api/v1/quests?competency=juggling")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][0]["field"] == "competency"


def test_one_quest_and_an_unknown_one(client):
    assert client.get("/api/v1/quests/open-to-all").get_json()["public"] is True
    assert client.get("/api/v1/quests/nope").status_code == 404


def test_a_worker_plays_a_quest_from_start_to_finish(client, app, worker):
    user, headers = worker
    response = start(client, headers)
    assert response.status_code == 201
    run = response.get_json()
    assert run["status"] == "active"
    assert run["step"]["id"] == "welcome"
    assert run["step"]["body"] == "Dit duurt tien minuten."
    for step_id, value in EVERY_STEP_ANSWERS.items():
        assert run["step"]["id"] == step_id, run
        response = send(client, headers, run["run_id"], step_id, value, key=str(uuid.uuid4()))
        assert response.status_code == 200, response.get_json()
        run = response.get_json()
    assert run["status"] == "completed"
    assert run["step"] is None
    assert run["progress"] == {"done": 9, "total": 9}
    assert run["xp_gained"] == {"reflecting": 10, "exploring": 5}
    assert count(app, XpAward) == 2


def test_branches_follow_the_answers(client, worker):
    _user, headers = worker
    run = start(client, headers).get_json()
    rid = run["run_id"]
    send(client, headers, rid, "welcome", None)
    send(client, headers, rid, "values", ["security", "money"])
    run = send(client, headers, rid, "scan", {"help": 2, "alone": 5, "fix": 4}).get_json()
    run = send(client, headers, rid, "why", "Zekerheid telt voor mij.").get_json()
    # No freedom, low people score: both conditional steps are skipped; the peer step too.
    assert run["step"]["id"] == "vote"
    assert run["progress"]["total"] == 7


def test_peer_steps_are_skipped_when_playing_alone(client, worker):
    _user, headers = worker
    run = start(client, headers).get_json()
    seen = []
    while run["status"] == "active":
        seen.append(run["step"]["id"])
        run = send(
            client, headers, run["run_id"], run["step"]["id"], EVERY_STEP_ANSWERS[run["step"]["id"]]
        ).get_json()
    assert "react" not in seen


def test_starting_again_resumes_the_active_run(client, worker):
    _user, headers = worker
    first = start(client, headers).get_json()
    send(client, headers, first["run_id"], "welcome", None)
    again = start(client, headers)
    assert again.status_code == 200
    assert again.get_json()["run_id"] == first["run_id"]
    assert again.get_json()["step"]["id"] == "values"


def test_a_wrong_answer_is_refused_with_a_reason_and_stores_nothing(client, app, worker):
    _user, headers = worker
    rid = start(client, headers).get_json()["run_id"]
    send(client, headers, rid, "welcome", None)
    for value in (["freedom"], ["freedom", "nope"], "freedom", ["freedom", "freedom"]):
        response = send(client, headers, rid, "values", value)
        assert response.status_code == 422, value
        assert response.get_json()["error"]["fields"][0]["field"] == "value"
    assert count(app, Answer) == 1


@pytest.mark.parametrize(
    ("step_id", "value", "message"),
    [
        ("scan", {"help": 5, "alone": 1}, "missing: fix"),
        ("scan", {"help": 6, "alone": 1, "fix": 1}, "1 to 5"),
        ("why", "te kort", "at least 3 words"),
        ("why", "x " * 3000, "5000"),
        ("talk", {"who": "Ali"}, "exactly"),
        ("plan", {"text": "Bellen", "due": "2020-01-01"}, "from today"),
        ("plan", {"text": "Bellen", "due": "morgen"}, "YYYY-MM-DD"),
    ],
)
def test_each_step_type_checks_its_own_answers(client, worker, step_id, value, message):
    _user, headers = worker
    rid = start(client, headers).get_json()["run_id"]
    for sid, good in EVERY_STEP_ANSWERS.items():
        if sid == step_id:
            break
        send(client, headers, rid, sid, good)
    response = send(client, headers, rid, step_id, value)
    assert response.status_code == 422
    assert message in response.get_json()["error"]["message"]


def test_a_later_step_cannot_be_answered_first(client, worker):
    _user, headers = worker
    rid = start(client, headers).get_json()["run_id"]
    response = send(client, headers, rid, "why", "Ik sla iets over.")
    assert response.status_code == 409


def test_going_back_shows_the_earlier_answer_and_a_change_moves_on(client, worker):
    _user, headers = worker
    rid = start(client, headers).get_json()["run_id"]
    send(client, headers, rid, "welcome", None)
    send(client, headers, rid, "values", ["freedom", "money"])
    back = client.post(f"/api/v1/runs/{rid}/back", headers=headers).get_json()
    assert back["step"]["id"] == "values"
    assert back["step"]["answer"] == ["freedom", "money"]
    changed = send(client, headers, rid, "values", ["security", "money"]).get_json()
    assert changed["step"]["id"] == "scan"


def test_changing_an_answer_removes_answers_of_steps_that_no_longer_show(client, app, worker):
    _user, headers = worker
    rid = start(client, headers).get_json()["run_id"]
    for sid in ("welcome", "values", "scan", "why", "free"):
        send(client, headers, rid, sid, EVERY_STEP_ANSWERS[sid])
    for _ in range(4):
        client.post(f"/api/v1/runs/{rid}/back", headers=headers)
    send(client, headers, rid, "values", ["security", "money"])
    with session_scope(app) as session:
        steps = set(session.exec(select(Answer.step_id)).all())
    assert "free" not in steps


def test_the_same_key_and_body_replays_the_first_response(client, app, worker):
    _user, headers = worker
    rid = start(client, headers).get_json()["run_id"]
    first = send(client, headers, rid, "welcome", None, key="k-1")
    again = send(client, headers, rid, "welcome", None, key="k-1")
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert count(app, Answer) == 1
    assert count(app, IdempotencyRecord) == 1


def test_the_same_key_with_another_body_is_a_422_and_changes_nothing(client, app, worker):
    _user, headers = worker
    rid = start(client, headers).get_json()["run_id"]
    send(client, headers, rid, "welcome", None, key="k-2")
    send(client, headers, rid, "values", ["freedom", "money"], key="k-3")
    response = send(client, headers, rid, "values", ["security", "money"], key="k-3")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "idempotency_key_reused"
    with session_scope(app) as session:
        stored = session.exec(select(Answer.value).where(Answer.step_id == "values")).one()
    assert stored == '["freedom", "money"]'


def _sent_by_ten_threads_at_once(app, headers, rid, step_id, value) -> list[tuple]:
    """The same answer under one key from ten threads released together: (status, body)."""
    results = []
    barrier = threading.Barrier(10)

    def retry():
        own = app.test_client()
        barrier.wait()
        response = send(own, headers, rid, step_id, value, key="same-key")
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=retry) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_ten_threads_sending_the_same_answer_store_it_once(app, worker):
    _user, headers = worker
    client = app.test_client()
    rid = start(client, headers).get_json()["run_id"]
    send(client, headers, rid, "welcome", None)
    results = _sent_by_ten_threads_at_once(app, headers, rid, "values", ["freedom", "money"])
    assert [status for status, _ in results] == [200] * 10
    assert len({str(body) for _, body in results}) == 1
    with session_scope(app) as session:
        rows = session.exec(select(Answer).where(Answer.step_id == "values")).all()
    assert len(rows) == 1
    assert count(app, IdempotencyRecord) == 1


def test_ten_threads_sending_the_answer_that_completes_the_run_all_get_its_reply(app, worker):
    """The retries that waited for the run's lock find the run completed: they replay the
    completion, they are not told the run has ended."""
    _user, headers = worker
    client = app.test_client()
    rid = start(client, headers).get_json()["run_id"]
    *before_last, (last_step, last_value) = EVERY_STEP_ANSWERS.items()
    for step_id, value in before_last:
        assert send(client, headers, rid, step_id, value).status_code == 200
    results = _sent_by_ten_threads_at_once(app, headers, rid, last_step, last_value)
    assert [status for status, _ in results] == [200] * 10, results
    assert {body["status"] for _, body in results} == {"completed"}
    assert len({str(body) for _, body in results}) == 1
    assert count(app, XpAward) == 2


def test_nobody_can_read_or_answer_someone_elses_run(client, app, worker):
    _user, headers = worker
    rid = start(client, headers).get_json()["run_id"]
    other = bearer_for(app, make_user(app))
    assert client.get(f"/api/v1/runs/{rid}", headers=other).status_code == 404
    assert send(client, other, rid, "welcome", None).status_code == 404
    assert client.post(f"/api/v1/runs/{rid}/abandon", headers=other).status_code == 404
    assert count(app, Answer) == 0


def test_a_quest_with_requirements_waits_for_them(client, worker):
    _user, headers = worker
    response = start(client, headers, "needs-first")
    assert response.status_code == 409
    assert "Elke stap" in response.get_json()["error"]["message"]


def test_abandoning_ends_the_run_and_a_new_start_begins_afresh(client, worker):
    _user, headers = worker
    rid = start(client, headers).get_json()["run_id"]
    assert (
        client.post(f"/api/v1/runs/{rid}/abandon", headers=headers).get_json()["status"]
        == "abandoned"
    )
    assert send(client, headers, rid, "welcome", None).status_code == 409
    assert start(client, headers).get_json()["run_id"] != rid


def test_xp_is_earned_once_per_quest(client, app, worker):
    _user, headers = worker
    for _ in range(2):
        run = start(client, headers, "open-to-all").get_json()
        send(client, headers, run["run_id"], "who", ["family"])
        last = send(client, headers, run["run_id"], "note", "Familie helpt.").get_json()
        assert last["status"] == "completed"
    assert count(app, XpAward) == 1


def test_guests_play_public_quests_only(client):
    guest = client.post("/api/v1/auth/guest", json={"nickname": "Sam"}).get_json()
    headers = {"Authorization": f"Bearer {guest['token']}"}
    assert start(client, headers, "open-to-all").status_code == 201
    assert start(client, headers, "every-step").status_code == 403


def test_reflections_are_stored_as_private(client, app, worker):
    _user, headers = worker
    rid = start(client, headers).get_json()["run_id"]
    for sid in ("welcome", "values", "scan", "why"):
        send(client, headers, rid, sid, EVERY_STEP_ANSWERS[sid])
    with session_scope(app) as session:
        private = dict(session.exec(select(Answer.step_id, Answer.private)).all())
    assert private == {"welcome": False, "values": False, "scan": False, "why": True}
