"""The collective goal, live: participants hear `challenge:progress` when people join or
finish a quest, at most once per five seconds per challenge, and the last figure always
arrives. Two server processes share the window through Redis."""

import time
import uuid
from datetime import timedelta

import pytest
import requests

from game_server.models import utcnow
from game_server.testing.two_factor_client import api_token

from ..conftest import need_redis
from ..servers import start_server
from .live_clients import guest_token, new_id, screen

pytestmark = pytest.mark.server
PASSWORD = "het fonds betaalt de cursus"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    redis_url = need_redis()
    instance = tmp_path_factory.mktemp("challenge")
    channel = {"GAME_SOCKETIO_CHANNEL": f"lq-challenge-{uuid.uuid4().hex[:8]}"}
    first = start_server(f"sqlite:///{instance}/c.db", instance, redis_url=redis_url, env=channel)
    second = start_server(
        f"sqlite:///{instance}/c.db", instance, redis_url=redis_url, env=channel, migrate=False
    )
    yield first, second
    first.stop()
    second.stop()


def _api(server, method, path, token, **kwargs):
    return requests.request(
        method,
        f"{server.url}/api/v1{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
        **kwargs,
    )


def _challenge(server) -> tuple[int, str]:
    email = f"fonds-{uuid.uuid4().hex[:6]}@example.nl"
    made = server.flask("orgs", "create", f"Fonds {email}", "--kind", "fund")
    org_id = made.stdout.split()[2].rstrip(":")
    server.flask(
        "users", "create", email, "--role", "fund", "--org", org_id, input=f"{PASSWORD}\n" * 2
    )
    token = api_token(server.url, email, PASSWORD)
    now = utcnow()
    body = {
        "title_nl": "Samen sterk",
        "title_en": "Stronger together",
        "description_nl": "Doe mee.",
        "description_en": "Join.",
        "sectors": ["transport"],
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=7)).isoformat(),
        "quest_ids": ["open-to-all"],
        "goal_kind": "quests",
        "goal_target": 50,
    }
    created = _api(server, "POST", "/challenges", token, json=body)
    assert created.status_code == 201, created.text
    return created.json()["id"], created.json()["join_code"]


def _join(server, code) -> str:
    token = guest_token(server, "Deelnemer")
    assert _api(server, "POST", "/challenges/join", token, json={"code": code}).status_code == 200
    return token


def _finish_a_quest(server, token):
    run = _api(server, "POST", "/quests/open-to-all/runs", token).json()
    for step_id, value in (("who", ["colleagues"]), ("note", "mijn ploeg")):
        answered = requests.post(
            f"{server.url}/api/v1/runs/{run['run_id']}/answers",
            json={"step_id": step_id, "value": value},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": new_id()},
            timeout=5,
        )
        assert answered.status_code == 200, answered.text


def test_joins_and_quests_reach_participants_once_per_window_and_the_last_figure_arrives(
    servers,
):
    first, second = servers
    challenge_id, code = _challenge(first)
    watcher_token = _join(first, code)
    watcher = screen(second, watcher_token)
    stranger = screen(first, guest_token(first, "Buiten"))
    try:
        entered = watcher.call("challenge:enter", {"challenge_id": challenge_id})
        assert entered["ok"] and entered["progress"]["participants"] == 1
        refused = stranger.call("challenge:enter", {"challenge_id": challenge_id})
        assert refused == {
            "ok": False,
            "error": {"code": "not_found", "message": refused["error"]["message"]},
        }

        time.sleep(5.2)  # the watcher's own join opened a window: let it pass
        started = time.monotonic()
        joiners = [_join(first if n % 2 else second, code) for n in range(6)]  # both processes
        last = watcher.wait_for("challenge:progress", lambda d: d["participants"] == 7, timeout=10)
        took = time.monotonic() - started
        heard = watcher.received("challenge:progress")
        # The first join went out at once; the other five were folded into one at the window's end.
        assert len(heard) == 2, heard
        assert heard[0]["participants"] == 2 and took >= 4, (heard, took)
        assert last["goal_kind"] == "quests" and last["goal_reached"] == 0

        time.sleep(5.2)  # a new window
        _finish_a_quest(second, joiners[0])
        moved = watcher.wait_for(
            "challenge:progress", lambda d: d["quests_completed"] == 1, timeout=5
        )
        assert moved["goal_reached"] == 1 and moved["goal_target"] == 50
        assert stranger.received("challenge:progress") == []
    finally:
        watcher.close()
        stranger.close()
