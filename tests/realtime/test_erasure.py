"""Erasure seen from outside: after DELETE /api/v1/me, a dump of the database and of Redis
holds no trace of the worker, and their open sockets are closed."""

import contextlib
import sqlite3
import time
import uuid

import pytest
import redis
import requests

from ..conftest import need_redis
from ..servers import start_server
from .live_clients import coach_token, new_id, screen, start_session

pytestmark = pytest.mark.server

PASSWORD = "mijn wachtwoord voor de nachtdienst"


def _post(server, path, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{server.url}/api/v1{path}", headers=headers, timeout=5, **kwargs)


def _dump(database) -> str:
    """The database as SQL, the way a backup would hold it (lower case)."""
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return "\n".join(connection.iterdump()).lower()


def _keys_mentioning(store, marker: str) -> list:
    """Every Redis key whose name or value mentions the marker."""
    readers = {
        "string": store.get,
        "hash": store.hgetall,
        "set": store.smembers,
        "list": lambda k: store.lrange(k, 0, -1),
        "zset": lambda k: store.zrange(k, 0, -1),
    }
    found = []
    for key in store.scan_iter(count=1000):
        value = readers.get(store.type(key).decode(), lambda k: b"")(key)
        if marker in f"{key!r}{value!r}".lower():
            found.append(key)
    return found


def test_an_erased_worker_leaves_no_marker_in_the_database_or_in_redis(tmp_path):
    redis_url = need_redis()
    marker = f"zz{uuid.uuid4().hex[:10]}"
    database = tmp_path / "erase.db"
    server = start_server(
        f"sqlite:///{database}",
        tmp_path / "instance",
        redis_url=redis_url,
        env={"GAME_SOCKETIO_CHANNEL": f"lq-erase-{marker}"},
    )
    try:
        email = f"{marker}@example.nl"
        registered = _post(
            server,
            "/auth/register",
            json={"email": email, "password": PASSWORD, "display_name": f"Naam {marker}"},
        )
        assert registered.status_code == 201, registered.text
        assert (
            _post(server, "/auth/token", json={"email": email, "password": "fout"}).status_code
            == 401
        )
        token = _post(server, "/auth/token", json={"email": email, "password": PASSWORD}).json()[
            "token"
        ]

        # Play, with the marker in their own words.
        run = _post(server, "/quests/open-to-all/runs", token).json()
        for step_id, value in (("who", ["family"]), ("note", f"geheim {marker} plan")):
            answered = requests.post(
                f"{server.url}/api/v1/runs/{run['run_id']}/answers",
                json={"step_id": step_id, "value": value},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": new_id()},
                timeout=5,
            )
            assert answered.status_code == 200, answered.text
        # A planned action, and how it went in their own words (the check-in step).
        with contextlib.closing(sqlite3.connect(database)) as connection, connection:
            plan = connection.execute(
                "INSERT INTO answers (run_id, user_id, step_id, step_type, value, private,"
                " created_at, updated_at) SELECT id, user_id, 'plan', 'action',"
                ' \'{"text": "bellen", "due": "2026-01-05"}\', 1,'
                " '2026-01-01 09:00:00.000000', '2026-01-01 09:00:00.000000'"
                " FROM quest_runs WHERE id = ?",
                (run["run_id"],),
            ).lastrowid
        told = _post(
            server,
            f"/me/checkins/{plan}",
            token,
            json={"outcome": "partly", "note": f"lastig {marker}"},
        )
        assert told.status_code == 200, told.text
        # A group, with presence in Redis under their name.
        owner = coach_token(server)
        invite = _post(server, "/groups", owner, json={"name": "Ploeg"}).json()
        group = _post(server, "/groups/join", token, json={"code": invite["invite_code"]}).json()
        phone = screen(server, token)
        assert phone.call("group:enter", {"group_id": group["id"]})["ok"]
        # A live session: a nickname and a follow-up with contact details.
        code = start_session(server, owner)
        assert phone.call(
            "live:join",
            {
                "code": code,
                "nickname": f"Bijnaam {marker}",
                "show_name": True,
                "client_id": new_id(),
            },
        )["ok"]
        _post(
            server,
            "/me/coaches",
            token,
            json={"code": _post(server, "/coach/invites", owner).json()["code"]},
        )

        assert marker in _dump(database)
        before = _keys_mentioning(redis.Redis.from_url(redis_url), marker)
        assert before, "the test should have left the worker in Redis (throttling, presence)"
        erased = requests.delete(
            f"{server.url}/api/v1/me",
            json={"confirm": True},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert erased.status_code == 204, erased.text
        deadline = time.monotonic() + 5
        while phone.client.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not phone.client.connected, "the erased worker's socket stayed open"

        assert marker not in _dump(database)
        found = _keys_mentioning(redis.Redis.from_url(redis_url), marker)
        assert found == [], f"Redis still holds the erased worker: {found}"
        # Last, because a failed login counts again under the address it tried.
        assert (
            _post(server, "/auth/token", json={"email": email, "password": PASSWORD}).status_code
            == 401
        )
    finally:
        server.stop()
