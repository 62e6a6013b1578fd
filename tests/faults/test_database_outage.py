"""PostgreSQL stops in the middle of a session: every door answers 503 (API envelope, error
page, socket error ack) instead of hanging or half-writing, and the same server process
serves again by itself once the database is back."""

import re
import threading
import time
import uuid

import pytest
import requests
import sqlalchemy as sa

from ..realtime.live_clients import coach_token, guest_token, new_id, screen, start_session
from ..servers import start_server

pytestmark = pytest.mark.server

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def browser_guest(server) -> requests.Session:
    """A browser that became a guest through the /guest page (a cookie session)."""
    browser = requests.Session()
    page = browser.get(f"{server.url}/guest", timeout=10)
    token = CSRF_FIELD.search(page.text).group(1)
    joined = browser.post(
        f"{server.url}/guest", data={"nickname": "Kim", "csrf_token": token}, timeout=10
    )
    assert joined.status_code == 200 and "/guest" not in joined.url, joined.text
    return browser


def answers_of_run(url: str, run_id: int) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            sa.text("SELECT count(*) FROM answers WHERE run_id = :run"), {"run": run_id}
        ).scalar_one()
    engine.dispose()
    return found


PLAYERS = 6


def wait_until(check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the players never got going"
        time.sleep(0.01)


def keep_playing(server, token: str, stop: threading.Event, acked: list) -> None:
    """A guest plays `open-to-all` to the end, over and over, until the first refusal: some of
    the transactions are under way when the database stops, and nothing retries them."""
    while not stop.is_set():
        try:
            run = requests.post(
                f"{server.url}/api/v1/quests/open-to-all/runs", headers=bearer(token), timeout=30
            ).json()["run_id"]
            for step_id, value in (("who", ["colleagues"]), ("note", "even kijken")):
                answered = requests.post(
                    f"{server.url}/api/v1/runs/{run}/answers",
                    json={"step_id": step_id, "value": value},
                    headers={**bearer(token), "Idempotency-Key": str(uuid.uuid4())},
                    timeout=30,
                )
                if not answered.ok:
                    return
                acked.append(step_id)
        except (requests.RequestException, KeyError, ValueError):
            return


def half_written(url: str) -> list:
    """Rows that disagree: an answer without its run moving on, a completion without its last
    answer, or XP without a completed run (each pair belongs to one transaction)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        runs = conn.execute(
            sa.text(
                "SELECT r.id, r.status, r.current_step_id,"
                " (SELECT count(*) FROM answers a WHERE a.run_id = r.id AND a.step_id = 'who'),"
                " (SELECT count(*) FROM answers a WHERE a.run_id = r.id AND a.step_id = 'note')"
                " FROM quest_runs r WHERE r.quest_id = 'open-to-all'"
            )
        ).all()
        players = conn.execute(
            sa.text(
                "SELECT u.id,"
                " (SELECT count(*) FROM quest_runs r WHERE r.user_id = u.id"
                "  AND r.quest_id = 'open-to-all' AND r.status = 'completed') > 0,"
                " (SELECT count(*) FROM xp_awards x WHERE x.user_id = u.id) > 0"
                " FROM users u"
            )
        ).all()
    engine.dispose()
    consistent = {("active", "who", 0, 0), ("active", "note", 1, 0), ("completed", None, 1, 1)}
    return [run for run in runs if tuple(run[1:]) not in consistent] + [
        player for player in players if player[1] != player[2]
    ]


def test_a_database_outage_is_a_503_everywhere_and_heals_by_itself(own_postgres, tmp_path):
    database = own_postgres.database_url
    server = start_server(
        database, tmp_path / "server", env={"GAME_GUEST_LIMIT_PER_IP": "10000 per hour"}
    )
    clients = []
    stop_playing = threading.Event()
    try:
        worker = server.worker_pids()
        coach = coach_token(server)
        code = start_session(server, coach)
        host = screen(server, coach)
        phone = screen(server, guest_token(server, "Telefoon"))
        clients += [host, phone]
        assert host.call("live:host", {"code": code})["ok"]
        assert phone.call("live:join", {"code": code, "client_id": new_id()})["ok"]
        host.call("live:next", {"code": code, "client_id": new_id()})
        assert host.call("live:next", {"code": code, "client_id": new_id()})["ok"]
        player = guest_token(server, "Speler")
        started = requests.post(
            f"{server.url}/api/v1/quests/open-to-all/runs", headers=bearer(player), timeout=10
        )
        run_id = started.json()["run_id"]
        browser = browser_guest(server)
        assert browser.get(f"{server.url}/", timeout=10).status_code == 200

        acked: list = []
        busy = [
            threading.Thread(target=keep_playing, args=(server, token, stop_playing, acked))
            for token in [guest_token(server, f"Druk {n}") for n in range(PLAYERS)]
        ]
        for started, thread in enumerate(busy):  # staggered: each one a step behind the last
            thread.start()
            wait_until(lambda started=started: len(acked) > started)
        wait_until(lambda: len(acked) > 3 * PLAYERS)
        own_postgres.stop()  # with answers in every phase of their transactions

        key, body = str(uuid.uuid4()), {"step_id": "who", "value": ["family"]}
        answered = requests.post(
            f"{server.url}/api/v1/runs/{run_id}/answers",
            json=body,
            headers={**bearer(player), "Idempotency-Key": key},
            timeout=30,
        )
        assert answered.status_code == 503, answered.text
        assert answered.json()["error"]["code"] == "unavailable"
        assert "Retry-After" in answered.headers
        me = requests.get(f"{server.url}/api/v1/me", headers=bearer(player), timeout=30)
        assert (me.status_code, me.json()["error"]["code"]) == (503, "unavailable")
        page = browser.get(f"{server.url}/", timeout=30)
        assert page.status_code == 503 and "text/html" in page.headers["Content-Type"]
        assert "Traceback" not in page.text and "psycopg" not in page.text
        health = requests.get(f"{server.url}/healthz", timeout=30)
        assert (health.status_code, health.json()["database"]) == (503, "failing")
        ack = phone.call(
            "live:answer",
            {"code": code, "step_id": "wish", "value": ["people"], "client_id": new_id()},
            timeout=30,
        )
        assert ack["ok"] is False and ack["error"]["code"] == "unavailable", ack

        own_postgres.start()

        assert server.worker_pids() == worker  # the same process, not a restart
        stop_playing.set()
        for thread in busy:
            thread.join(timeout=60)
        assert answers_of_run(database, run_id) == 0  # the refused answer left nothing behind
        assert half_written(database) == []
        assert requests.get(f"{server.url}/api/v1/me", headers=bearer(player), timeout=30).ok
        again = requests.post(
            f"{server.url}/api/v1/runs/{run_id}/answers",
            json=body,
            headers={**bearer(player), "Idempotency-Key": key},
            timeout=30,
        )
        assert again.status_code == 200, again.text  # the key was not spent by the failure
        assert answers_of_run(database, run_id) == 1
        assert browser.get(f"{server.url}/", timeout=30).status_code == 200
        ack = phone.call(
            "live:answer",
            {"code": code, "step_id": "wish", "value": ["people"], "client_id": new_id()},
        )
        assert ack["ok"], ack  # the open socket works again too
        assert requests.get(f"{server.url}/healthz", timeout=30).status_code == 200

        own_postgres.stop()  # a restart between two requests: every pooled connection is dead
        own_postgres.start()
        assert requests.get(f"{server.url}/api/v1/me", headers=bearer(player), timeout=30).ok
        assert browser.get(f"{server.url}/", timeout=30).status_code == 200
    finally:
        stop_playing.set()
        for client in clients:
            client.close()
        server.stop()
