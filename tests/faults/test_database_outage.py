"""PostgreSQL stops in the middle of a session: every door answers 503 (API envelope, error
page, socket error ack) instead of hanging or half-writing, and the same server process
serves again by itself once the database is back."""

import re
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


def test_a_database_outage_is_a_503_everywhere_and_heals_by_itself(own_postgres, tmp_path):
    database = own_postgres.database_url
    server = start_server(
        database, tmp_path / "server", env={"GAME_GUEST_LIMIT_PER_IP": "10000 per hour"}
    )
    clients = []
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

        own_postgres.stop()

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
        assert answers_of_run(database, run_id) == 0  # the refused answer left nothing behind
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
        for client in clients:
            client.close()
        server.stop()
