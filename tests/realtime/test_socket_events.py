"""Socket events in-process (Flask-SocketIO's test client): acks, also when things fail."""

import json

import pytest
import sqlalchemy as sa

from game_server import db
from game_server.db import get_engine
from game_server.extensions import socketio

from ..factories import bearer_for, make_user, play_open_to_all


@pytest.fixture
def token_client():
    """Connect test clients with a bearer token; disconnect them after the test."""
    clients = []

    def connect(app, user):
        token = bearer_for(app, user)["Authorization"].removeprefix("Bearer ")
        client = socketio.test_client(app, auth={"token": token})
        clients.append(client)
        return client

    yield connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


def test_whoami_answers_through_the_ack(app, token_client):
    user = make_user(app)
    client = token_client(app, user)
    assert client.is_connected()
    answer = client.emit("session:whoami", {}, callback=True)
    assert answer == {
        "ok": True,
        "user": {
            "id": user.id,
            "email": user.email,
            "display_name": "Test person",
            "is_guest": False,
            "locale": "nl",
            "roles": ["worker"],
        },
    }


def test_a_failing_event_still_gets_an_ack_without_internals(sqlite_app, caplog, token_client):
    user = make_user(sqlite_app)
    client = token_client(sqlite_app, user)
    with get_engine(sqlite_app).begin() as conn:
        conn.execute(sa.text("DROP TABLE api_tokens"))  # the next identity check fails
    answer = client.emit("session:whoami", {}, callback=True)
    assert answer["ok"] is False
    assert answer["error"]["code"] == "internal_error"
    assert "api_tokens" not in answer["error"]["message"]
    assert "api_tokens" in caplog.text


def test_the_socket_joins_its_users_room(app, token_client):
    user = make_user(app)
    client = token_client(app, user)
    socketio.emit("xp:gained", {"competency": "reflecting", "xp": 5}, to=f"user:{user.id}")
    received = client.get_received()
    assert {
        "name": "xp:gained",
        "args": [{"competency": "reflecting", "xp": 5}],
        "namespace": "/",
    } in received


def test_a_revoked_token_ends_access_on_an_open_socket(app, token_client):
    user = make_user(app)
    client = token_client(app, user)
    from game_server.db import session_scope
    from game_server.services.identity import tokens

    with session_scope(app) as session:
        tokens.revoke_all(session, user_id=user.id)
    answer = client.emit("session:whoami", {}, callback=True)
    assert answer["ok"] is False and answer["error"]["code"] == "unauthorized"


def test_completing_a_quest_sends_xp_and_badges_to_the_workers_sockets(app, token_client):
    user = make_user(app)
    socket = token_client(app, user)
    client = app.test_client()
    headers = bearer_for(app, user)
    run = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    client.post(
        f"/api/v1/runs/{run['run_id']}/answers",
        headers=headers,
        json={"step_id": "who", "value": ["family"]},
    )
    assert socket.get_received() == []  # nothing until the quest is done
    client.post(
        f"/api/v1/runs/{run['run_id']}/answers",
        headers=headers,
        json={"step_id": "note", "value": "Familie helpt."},
    )
    received = {
        (e["name"], json.dumps(e["args"][0], sort_keys=True)) for e in socket.get_received()
    }
    assert (
        "xp:gained",
        json.dumps({"quest_id": "open-to-all", "xp": {"networking": 8}}, sort_keys=True),
    ) in received
    assert {name for name, _ in received} == {"xp:gained", "quest:completed", "badge:awarded"}
    badges = sorted(json.loads(a)["badge_id"] for n, a in received if n == "badge:awarded")
    titles = sorted(json.loads(a)["title"] for n, a in received if n == "badge:awarded")
    assert titles == ["Eerste quest", "Open netwerker"]
    assert badges == ["first-quest", "open-networker"]


def test_another_workers_socket_hears_nothing(app, token_client):
    me, other = make_user(app), make_user(app)
    their_socket = token_client(app, other)
    play_open_to_all(app.test_client(), bearer_for(app, me))
    assert their_socket.get_received() == []


def test_a_payload_is_checked_before_any_database_work(sqlite_app, token_client):
    user = make_user(sqlite_app)
    client = token_client(sqlite_app, user)
    with get_engine(sqlite_app).begin() as conn:
        conn.execute(sa.text("DROP TABLE api_tokens"))  # any query for this socket now fails
    deep = {"code": "ABC123", "value": [[[[[[[[1]]]]]]]]}
    answer = client.emit("live:answer", deep, callback=True)
    assert answer["ok"] is False
    assert answer["error"]["code"] == "invalid_input"
    assert "nested" in answer["error"]["message"]


def test_a_payload_of_thousands_of_parts_is_refused_before_each_is_checked(app, token_client):
    client = token_client(app, make_user(app))
    crowded = {f"field{i}": 0 for i in range(5000)}  # fits a message; far more than an answer
    answer = client.emit("live:answer", crowded, callback=True)
    assert answer["error"]["code"] == "invalid_input"
    assert "more than 1000 parts" in answer["error"]["message"]
    assert len(answer["error"]["fields"]) == 1  # a short answer, not 5,000 complaints


def test_an_event_that_finds_no_free_database_connection_is_refused_as_unavailable(
    app_factory, token_client, monkeypatch
):
    """Found by the soak (bench/soak.py): on an overloaded process, events waited 30 s for a
    database connection and then ended without an ack the client still waited for. Now the
    wait is bounded and the ack says unavailable (nothing stored), which the client sends
    again."""
    monkeypatch.setattr(db, "POOL_TIMEOUT_SECONDS", 0.2)
    app = app_factory()  # SQLite: one connection for the whole process
    client = token_client(app, make_user(app))
    with get_engine(app).connect():  # a long request holds the only connection
        answer = client.emit("session:whoami", {}, callback=True)
    assert answer["ok"] is False
    assert answer["error"]["code"] == "unavailable"
    assert client.emit("session:whoami", {}, callback=True)["ok"] is True
