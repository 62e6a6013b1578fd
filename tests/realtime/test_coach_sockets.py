"""A coach's open socket on a client: only with consent, and not a moment after withdrawal."""

import contextlib
import sqlite3

import pytest
import requests

from ..servers import start_server
from .live_clients import coach_token, guest_token, new_id, screen

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("coach")
    process = start_server(f"sqlite:///{instance}/coach.db", instance)
    yield process
    process.stop()


def _api(server, method, path, token, **kwargs):
    return requests.request(
        method,
        f"{server.url}/api/v1{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
        **kwargs,
    )


def _finish_a_quest(server, token):
    run = _api(server, "POST", "/quests/open-to-all/runs", token).json()
    for step_id, value in (("who", ["colleagues"]), ("note", "vooral mijn ploeg")):
        response = requests.post(
            f"{server.url}/api/v1/runs/{run['run_id']}/answers",
            json={"step_id": step_id, "value": value},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": new_id()},
            timeout=5,
        )
        assert response.status_code == 200, response.text


def test_a_coach_follows_a_client_live_until_the_worker_withdraws(server):
    coach = coach_token(server)
    worker = guest_token(server, "Ilse")
    worker_id = _api(server, "GET", "/me", worker).json()["id"]
    watcher = screen(server, coach)
    try:
        refused = watcher.call("coach:client", {"worker_id": worker_id})
        assert refused["ok"] is False and refused["error"]["code"] == "not_found"

        code = _api(server, "POST", "/coach/invites", coach).json()["code"]
        link = _api(server, "POST", "/me/coaches", worker, json={"code": code}).json()
        watching = watcher.call("coach:client", {"worker_id": worker_id})
        assert watching["ok"] and watching["client"]["name"] == "Ilse"
        _finish_a_quest(server, worker)
        assert watcher.wait_for("client:progress")["quest_id"] == "open-to-all"

        assert _api(server, "DELETE", f"/me/coaches/{link['id']}", worker).status_code == 204
        watcher.wait_for("coach:link_withdrawn", lambda d: d["worker_id"] == worker_id)
        _finish_a_quest(server, worker)  # a second run after the withdrawal
        # The ack travels the same websocket after anything already sent to it.
        assert (
            watcher.call("coach:client", {"worker_id": worker_id})["error"]["code"] == "not_found"
        )
        assert len(watcher.received("client:progress")) == 1, (
            "the open socket still heard the client"
        )
    finally:
        watcher.close()


def test_an_assignment_reaches_the_workers_open_socket_at_once(server):
    coach = coach_token(server)
    worker = guest_token(server, "Ravi")
    worker_id = _api(server, "GET", "/me", worker).json()["id"]
    code = _api(server, "POST", "/coach/invites", coach).json()["code"]
    _api(server, "POST", "/me/coaches", worker, json={"code": code})
    phone = screen(server, worker)
    try:
        made = _api(
            server,
            "POST",
            "/coach/assignments",
            coach,
            json={"quest_id": "open-to-all", "worker_ids": [worker_id], "message": "Succes!"},
        )
        assert made.status_code == 201, made.text
        arrived = phone.wait_for("assignment:new")
        assert arrived["quest_id"] == "open-to-all" and arrived["message"] == "Succes!"
    finally:
        phone.close()


def test_feedback_reaches_the_worker_at_once(server):
    coach = coach_token(server)
    worker = guest_token(server, "Noor")
    worker_id = _api(server, "GET", "/me", worker).json()["id"]
    code = _api(server, "POST", "/coach/invites", coach).json()["code"]
    link = _api(
        server, "POST", "/me/coaches", worker, json={"code": code, "share": "progress_and_answers"}
    ).json()
    _finish_a_quest(server, worker)
    database = sqlite3.connect(server.env["GAME_DATABASE_URL"].removeprefix("sqlite:///"))
    with contextlib.closing(database):
        (answer_id,) = database.execute(
            "SELECT id FROM answers WHERE user_id = ? AND step_id = 'note'", (worker_id,)
        ).fetchone()
    _api(server, "PUT", f"/me/coaches/{link['id']}/answers/{answer_id}", worker)
    phone = screen(server, worker)
    try:
        given = _api(
            server,
            "POST",
            f"/coach/clients/{worker_id}/answers/{answer_id}/feedback",
            coach,
            json={"text": "Goed bezig"},
        )
        assert given.status_code == 201, given.text
        arrived = phone.wait_for("feedback:new")
        assert arrived["answer_id"] == answer_id and arrived["text"] == "Goed bezig"
    finally:
        phone.close()
