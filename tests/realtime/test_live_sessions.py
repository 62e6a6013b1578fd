"""Live sessions against a real gunicorn+gevent server, with python-socketio clients."""

import time

import pytest
import requests

from ..servers import start_server
from .live_clients import coach_token, guest_token, new_id, screen, start_session

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("live")
    process = start_server(
        f"sqlite:///{instance}/live.db",
        instance,
        env={
            "GAME_GUEST_LIMIT_PER_IP": "10000 per hour",
            "GAME_SOCKET_EVENTS_PER_SECOND": "5",
            "GAME_SOCKET_EVENT_BURST": "20",
            "GAME_SOCKET_FLOOD_REFUSALS": "10",
        },
    )
    yield process
    process.stop()


@pytest.fixture
def session(server):
    """A running session: the host on its screen, two guests seated, at the poll step."""
    token = coach_token(server)
    code = start_session(server, token)
    host = screen(server, token)
    assert host.call("live:host", {"code": code})["ok"]
    players = [screen(server, guest_token(server, name)) for name in ("Ayla", "Bram")]
    for player in players:
        joined = player.call("live:join", {"code": code, "client_id": new_id()})
        assert joined["ok"], joined
    for _ in range(2):  # welcome, then the poll
        assert host.call("live:next", {"code": code, "client_id": new_id()})["ok"]
    yield server, code, host, players, token
    for socket in (host, *players):
        socket.close()


def test_everyone_sees_the_step_the_host_opens(session):
    _server, _code, host, players, _token = session
    for player in players:
        step = player.wait_for("live:step", lambda d: d["index"] == 1)
        assert step["step"]["id"] == "wish"
        assert step["steps"]["en"]["prompt"] == "What do you want to learn?"
    assert host.wait_for("live:step", lambda d: d["index"] == 1)["total"] == 3  # no branch step


def test_an_answer_is_acknowledged_and_reaches_the_results_as_a_count(session):
    _server, code, host, players, _token = session
    ack = players[0].call(
        "live:answer",
        {"code": code, "step_id": "wish", "value": ["planning"], "client_id": new_id()},
    )
    assert ack == {"ok": True, "step_id": "wish", "value": ["planning"], "shared": False}
    results = host.wait_for("live:results", lambda d: d["total"] == 1)
    assert results["counts"] == {"driving": 0, "planning": 1, "people": 0}
    assert "Ayla" not in str(results)


def test_a_retried_answer_is_stored_once(session):
    _server, code, host, players, _token = session
    message = {"code": code, "step_id": "wish", "value": ["people"], "client_id": new_id()}
    first = players[0].call("live:answer", message)
    again = players[0].call("live:answer", message)
    assert first == again and first["ok"]
    players[1].call(
        "live:answer", {"code": code, "step_id": "wish", "value": ["people"], "client_id": new_id()}
    )
    results = host.wait_for("live:results", lambda d: d["total"] == 2)
    assert results["counts"]["people"] == 2


def test_a_bad_payload_gets_an_error_ack_and_the_server_carries_on(session):
    _server, code, _host, players, _token = session
    for bad in (
        None,
        "wish",
        {"code": code},
        {"code": code, "step_id": "wish", "value": ["x"], "client_id": "not-a-uuid"},
        {"code": code, "step_id": "wish", "value": ["driving"], "client_id": new_id(), "x": 1},
        {"code": "a" * 5000, "step_id": "wish", "value": [], "client_id": new_id()},
    ):
        ack = players[1].call("live:answer", bad)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid_input", (bad, ack)
    wrong_option = players[1].call(
        "live:answer", {"code": code, "step_id": "wish", "value": ["flying"], "client_id": new_id()}
    )
    assert wrong_option["error"]["code"] == "invalid_input"
    closed = players[1].call(
        "live:answer", {"code": code, "step_id": "why", "value": "te vroeg", "client_id": new_id()}
    )
    assert closed["error"]["code"] == "conflict"
    ok = players[1].call(
        "live:answer",
        {"code": code, "step_id": "wish", "value": ["driving"], "client_id": new_id()},
    )
    assert ok["ok"] is True


def test_a_participant_who_comes_back_gets_the_step_and_their_answers(session):
    server, code, _host, players, _token = session
    token = guest_token(server, "Cas")
    first = screen(server, token)
    first.call("live:join", {"code": code, "nickname": "Cas", "client_id": new_id()})
    first.call(
        "live:answer",
        {"code": code, "step_id": "wish", "value": ["driving"], "client_id": new_id()},
    )
    first.close()
    back = screen(server, token)  # the same device: the same guest token
    try:
        again = back.call("live:join", {"code": code, "client_id": new_id()})
        assert again["ok"]
        assert again["state"]["step"]["id"] == "wish"
        assert again["seat"]["answers"] == {"wish": ["driving"]}
        assert again["seat"]["nickname"] == "Cas"
    finally:
        back.close()


def test_a_second_host_tab_takes_over_and_the_first_can_only_watch(session):
    server, code, host, _players, token = session
    second = screen(server, token)
    try:
        claimed = second.call("live:host", {"code": code})
        assert claimed["ok"] and claimed["state"]["index"] == 1
        host.wait_for("live:host_replaced")
        refused = host.call("live:next", {"code": code, "client_id": new_id()})
        assert refused["error"]["code"] == "host_replaced"
        assert second.call("live:next", {"code": code, "client_id": new_id()})["ok"]
        host.wait_for("live:step", lambda d: d["index"] == 2)  # the old tab still watches
    finally:
        second.close()


def test_nobody_but_the_host_steers_the_session(session):
    server, code, _host, players, _token = session
    other_coach = screen(server, coach_token(server))
    try:
        for event in ("live:next", "live:end"):
            ack = players[0].call(event, {"code": code, "client_id": new_id()})
            assert ack["error"]["code"] == "not_found", ack
            ack = other_coach.call(event, {"code": code, "client_id": new_id()})
            assert ack["error"]["code"] == "not_found", ack
        assert other_coach.call("live:host", {"code": code})["error"]["code"] == "not_found"
    finally:
        other_coach.close()


def test_answering_without_joining_is_refused(session):
    server, code, _host, _players, _token = session
    stranger = screen(server, guest_token(server, "Dex"))
    try:
        ack = stranger.call(
            "live:answer",
            {"code": code, "step_id": "wish", "value": ["driving"], "client_id": new_id()},
        )
        assert ack["error"]["code"] == "not_found"
        assert stranger.call("live:state", {"code": code})["error"]["code"] == "not_found"
    finally:
        stranger.close()


def test_written_answers_reach_the_screen_only_when_shared_and_without_names(session):
    _server, code, host, players, _token = session
    host.call("live:next", {"code": code, "client_id": new_id()})  # the reflection
    players[0].call(
        "live:answer",
        {"code": code, "step_id": "why", "value": "geheim plan verhuizen", "client_id": new_id()},
    )
    players[1].call(
        "live:answer",
        {
            "code": code,
            "step_id": "why",
            "value": "vrachtwagen rijden",
            "share": True,
            "client_id": new_id(),
        },
    )
    results = host.wait_for("live:results", lambda d: d["step_id"] == "why" and d["total"] == 2)
    words = {entry["word"] for entry in results["words"]}
    assert words == {"vrachtwagen", "rijden"}
    assert "Bram" not in str(results) and "geheim" not in str(results)


def test_ending_hands_out_xp_and_the_follow_up_reaches_only_the_host(session):
    server, code, host, players, token = session
    players[0].call(
        "live:answer",
        {"code": code, "step_id": "wish", "value": ["planning"], "client_id": new_id()},
    )
    ended = host.call("live:end", {"code": code, "client_id": new_id()})
    assert ended["ok"] and ended["participants"] == 2
    players[0].wait_for("live:ended")
    xp = players[0].wait_for("xp:gained")
    assert xp["xp"] == {"exploring": 10}
    # A live completion counts as a completion too: every trigger's badges, one path.
    players[0].wait_for("badge:awarded", lambda b: b["badge_id"] == "live-regular")
    assert sorted(b["badge_id"] for b in players[0].received("badge:awarded")) == [
        "first-quest",
        "live-regular",
    ]
    assert host.call("live:end", {"code": code, "client_id": new_id()})["ok"]  # twice: no-op
    asked = players[0].call(
        "live:follow_up",
        {
            "code": code,
            "topic": "career_conversation",
            "contact": "06-12345678",
            "client_id": new_id(),
        },
    )
    assert asked["ok"]
    as_host = requests.get(
        f"{server.url}/api/v1/live/{code}/follow-ups",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert as_host.json() == [
        {
            "nickname": "Ayla",
            "topic": "career_conversation",
            "contact": "06-12345678",
            "asked_at": as_host.json()[0]["asked_at"],
        }
    ]
    someone_else = requests.get(
        f"{server.url}/api/v1/live/{code}/follow-ups",
        headers={"Authorization": f"Bearer {coach_token(server)}"},
        timeout=5,
    )
    assert someone_else.status_code == 404


def test_a_flood_is_refused_then_disconnected_and_others_carry_on(session):
    _server, code, host, players, _token = session
    flooder, bystander = players
    answers = [flooder.call("live:state", {"code": code}, timeout=5) for _ in range(25)]
    assert any(a["ok"] is False and a["error"]["code"] == "rate_limited" for a in answers)
    for _ in range(50):
        if not flooder.client.connected:
            break
        try:
            flooder.client.emit("live:state", {"code": code})
        except Exception:
            break
    deadline = time.monotonic() + 10
    while flooder.client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not flooder.client.connected, "the flooding connection was not closed"
    ack = bystander.call(
        "live:answer", {"code": code, "step_id": "wish", "value": ["people"], "client_id": new_id()}
    )
    assert ack["ok"] is True
    assert host.call("live:state", {"code": code})["ok"] is True
