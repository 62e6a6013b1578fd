"""Two server processes share a live session through Redis, and survive losing Redis."""

import uuid

import pytest
import requests
import sqlalchemy as sa

from ..conftest import create_postgres_database, drop_postgres_database, need_redis
from ..own_services import OwnRedis, need_own_redis
from ..servers import start_server
from .live_clients import coach_token, guest_token, new_id, screen, start_session

pytestmark = pytest.mark.server


@pytest.fixture
def cluster(tmp_path):
    need_redis()  # the suite's Redis settings say Redis tests are wanted here
    need_own_redis()
    own = OwnRedis()
    own.start()
    database_url = create_postgres_database("lq_live")
    env = {
        "GAME_SOCKETIO_CHANNEL": f"lq-live-{uuid.uuid4().hex[:8]}",
        "GAME_GUEST_LIMIT_PER_IP": "10000 per hour",
    }
    first = start_server(database_url, tmp_path / "a", redis_url=own.url, env=env)
    second = start_server(database_url, tmp_path / "b", redis_url=own.url, env=env, migrate=False)
    yield own, first, second, database_url
    first.stop()
    second.stop()
    own.kill()
    drop_postgres_database(database_url)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def stored_answers(database_url: str, code: str, step_id: str) -> int:
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        found = conn.execute(
            sa.text(
                "SELECT count(*) FROM answers a JOIN live_participants p ON p.run_id = a.run_id"
                " JOIN live_sessions s ON s.id = p.session_id"
                " WHERE s.code = :code AND a.step_id = :step"
            ),
            {"code": code, "step": step_id},
        ).scalar_one()
    engine.dispose()
    return found


def test_a_session_spans_two_processes_and_resyncs_after_redis_comes_back(cluster):
    own, first, second, database_url = cluster
    token = coach_token(first)
    code = start_session(first, token)
    host = screen(first, token)  # the host on one process ...
    players = [
        screen(second, guest_token(second, f"P{n}")) for n in range(3)
    ]  # ... phones on the other
    try:
        assert host.call("live:host", {"code": code})["ok"]
        for player in players:
            assert player.call("live:join", {"code": code, "client_id": new_id()})["ok"]
        host.wait_for("presence", lambda d: d["count"] == 3)

        assert host.call("live:next", {"code": code, "client_id": new_id()})["ok"]
        nxt = host.call("live:next", {"code": code, "client_id": new_id()})
        for player in players:
            player.wait_for("live:step", lambda d: d["index"] == 1)
        for player in players:
            ack = player.call(
                "live:answer",
                {"code": code, "step_id": "wish", "value": ["planning"], "client_id": new_id()},
            )
            assert ack["ok"], ack
        assert host.wait_for("live:results", lambda d: d["total"] == 3)["counts"]["planning"] == 3
        assert nxt["state"]["step"]["id"] == "wish"

        member = coach_token(second)  # a full account with a group of its own
        made = requests.post(
            f"{second.url}/api/v1/groups",
            json={"name": "Ploeg"},
            headers=bearer(member),
            timeout=10,
        )
        assert made.status_code == 201, made.text

        own.kill()  # Redis is gone mid-session
        group = requests.get(
            f"{second.url}/api/v1/groups/{made.json()['id']}", headers=bearer(member), timeout=30
        )
        assert group.status_code == 200, group.text  # presence unknown, the group still shows
        moved = host.call("live:next", {"code": code, "client_id": new_id()})
        assert moved["ok"] and moved["state"]["step"]["id"] == "why"
        for n, player in enumerate(players):
            ack = player.call(
                "live:answer",
                {
                    "code": code,
                    "step_id": "why",
                    "value": f"antwoord {n}",
                    "share": True,
                    "client_id": new_id(),
                },
            )
            assert ack["ok"], ack  # committed and acknowledged without Redis
        assert all(not any(d["index"] == 2 for d in p.received("live:step")) for p in players), (
            "without Redis the step could not have crossed to the other process"
        )
        # A phone that arrives now (its HTTP login passes the Redis-backed rate limits) joins
        # and answers too: the session does not need Redis to take answers.
        late = screen(second, guest_token(second, "Laat"))
        players.append(late)
        assert late.call("live:join", {"code": code, "client_id": new_id()})["ok"]
        ack = late.call(
            "live:answer",
            {"code": code, "step_id": "why", "value": "antwoord laat", "share": True,
             "client_id": new_id()},
        )  # fmt: skip
        assert ack["ok"], ack

        own.start()  # Redis is back: every screen hears where the session stands
        for player in players:
            player.wait_for("live:step", lambda d: d["index"] == 2, timeout=30)
        results = host.wait_for(
            "live:results", lambda d: d["step_id"] == "why" and d["total"] == 4, timeout=30
        )
        assert {w["word"] for w in results["words"]} >= {"antwoord"}

        # The restarted Redis carries broadcasts between the processes again: an answer on
        # the second process reaches the host's screen on the first.
        newest = screen(second, guest_token(second, "Nieuw"))
        players.append(newest)
        assert newest.call("live:join", {"code": code, "client_id": new_id()})["ok"]
        ack = newest.call(
            "live:answer",
            {"code": code, "step_id": "why", "value": "nieuw", "share": True,
             "client_id": new_id()},
        )  # fmt: skip
        assert ack["ok"], ack
        host.wait_for(
            "live:results", lambda d: d["step_id"] == "why" and d["total"] == 5, timeout=30
        )
        assert stored_answers(database_url, code, "why") == 5  # each acknowledged one, once
    finally:
        for client in (host, *players):
            client.close()
