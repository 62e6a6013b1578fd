"""Socket.IO against a real gunicorn+gevent server process, with the python-socketio client."""

import re
import threading
import time
import uuid

import pytest
import requests
import socketio

from game_server.testing.two_factor_client import api_token

from .. import ralph_lrs
from ..conftest import create_postgres_database, drop_postgres_database, need_redis
from ..servers import start_server

pytestmark = pytest.mark.server

PASSWORD = "zeven uur starten in de hal"


def guest_token(server) -> str:
    response = requests.post(
        f"{server.url}/api/v1/auth/guest", json={"nickname": "Nour"}, timeout=5
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]


def browser_login(server) -> requests.Session:
    """Register and log in through the pages, the way a browser does; return its cookies."""
    browser = requests.Session()
    page = browser.get(f"{server.url}/register", timeout=5).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    email = f"{uuid.uuid4().hex[:10]}@example.nl"
    response = browser.post(
        f"{server.url}/register",
        data={"csrf_token": token, "display_name": "Lotte", "email": email, "password": PASSWORD},
        timeout=5,
    )
    assert response.status_code == 200 and "/home" in response.url, response.text[:500]
    return browser


def cookie_header(browser: requests.Session) -> dict:
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in browser.cookies)}


def connect(server, origin: str | None = None, **kwargs) -> socketio.Client:
    """Connect over websocket; `origin` replaces the Origin header (default: the server's)."""
    options = {"origin": origin} if origin else {}
    client = socketio.Client(reconnection=False, websocket_extra_options=options)
    client.connect(server.url, transports=["websocket"], wait_timeout=5, **kwargs)
    return client


@pytest.fixture
def server(tmp_path, sqlite_url):
    process = start_server(sqlite_url, tmp_path / "instance", migrate=False)
    yield process
    process.stop()


def test_socket_with_a_valid_token_is_accepted_and_knows_its_user(server):
    client = connect(server, auth={"token": guest_token(server)})
    try:
        answer = client.call("session:whoami", {}, timeout=5)
        assert answer["ok"] is True
        assert answer["user"]["display_name"] == "Nour"
    finally:
        client.disconnect()


def test_socket_without_credentials_is_refused(server):
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(server)


def test_socket_with_a_wrong_token_is_refused(server):
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(server, auth={"token": "lq_made-up-token"})


def test_socket_from_a_foreign_origin_is_refused_even_with_a_valid_login(server):
    browser = browser_login(server)
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(server, origin="https://evil.example", headers=cookie_header(browser))
    assert "https://evil.example is not an accepted origin" in server.log()


def test_socket_with_the_login_cookie_from_our_origin_is_accepted(server):
    browser = browser_login(server)
    origin = f"http://127.0.0.1:{server.port}"
    client = connect(server, origin=origin, headers=cookie_header(browser))
    try:
        assert client.call("session:whoami", {}, timeout=5)["user"]["display_name"] == "Lotte"
    finally:
        client.disconnect()


def test_oversized_socket_message_is_refused(server):
    client = connect(server, auth={"token": guest_token(server)})
    try:
        client.emit("session:whoami", {"padding": "x" * 100_000})
        deadline = time.monotonic() + 5
        while client.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not client.connected
    finally:
        client.disconnect()


def _logout(server, browser: requests.Session) -> None:
    page = browser.get(f"{server.url}/home", timeout=5).text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = browser.post(f"{server.url}/logout", data={"csrf_token": token}, timeout=5)
    assert response.status_code == 200


def test_logout_closes_an_open_socket_at_once(server):
    browser = browser_login(server)
    client = connect(server, headers=cookie_header(browser))
    ended = threading.Event()
    client.on("session:ended", lambda data: ended.set())
    try:
        _logout(server, browser)
        assert ended.wait(5), "the open socket was not told that the login ended"
        deadline = time.monotonic() + 5
        while client.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not client.connected, "the server kept the socket of an ended login open"
    finally:
        client.disconnect()


def _closed_soon(client) -> bool:
    deadline = time.monotonic() + 5
    while client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    return not client.connected


def test_revoking_a_token_closes_its_socket_and_no_other(server):
    revoked, kept = guest_token(server), guest_token(server)
    doomed = connect(server, auth={"token": revoked})
    bystander = connect(server, auth={"token": kept})
    try:
        response = requests.delete(
            f"{server.url}/api/v1/auth/token",
            headers={"Authorization": f"Bearer {revoked}"},
            timeout=5,
        )
        assert response.status_code == 204
        assert _closed_soon(doomed), "the socket of a revoked token stayed open"
        assert bystander.call("session:whoami", {}, timeout=5)["ok"] is True
    finally:
        doomed.disconnect()
        bystander.disconnect()


def test_a_new_password_closes_the_sockets_of_every_login_and_token(server):
    browser = browser_login(server)
    by_cookie = connect(server, headers=cookie_header(browser))
    email = browser.get(f"{server.url}/api/v1/me", timeout=5).json()["email"]
    token = requests.post(
        f"{server.url}/api/v1/auth/token", json={"email": email, "password": PASSWORD}, timeout=5
    ).json()["token"]
    by_token = connect(server, auth={"token": token})
    try:
        response = requests.post(
            f"{server.url}/api/v1/me/password",
            json={
                "current_password": PASSWORD,
                "new_password": "nieuw wachtwoord voor de nachtrit",
            },
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        assert response.status_code == 204, response.text
        assert _closed_soon(by_cookie) and _closed_soon(by_token)
    finally:
        by_cookie.disconnect()
        by_token.disconnect()


def test_events_cross_processes_through_the_redis_queue(tmp_path):
    """Two servers share PostgreSQL and Redis: a logout on one reaches a socket on the other."""
    redis_url = need_redis()
    database_url = create_postgres_database("lq_srv")
    channel = f"lq-test-{uuid.uuid4().hex[:8]}"
    env = {"GAME_SOCKETIO_CHANNEL": channel}
    first = start_server(database_url, tmp_path / "a", redis_url=redis_url, env=env)
    second = start_server(database_url, tmp_path / "b", redis_url=redis_url, env=env)
    try:
        browser = browser_login(first)
        client = connect(first, headers=cookie_header(browser))
        ended = threading.Event()
        client.on("session:ended", lambda data: ended.set())
        try:
            _logout(second, browser)  # the same cookie works on both processes
            assert ended.wait(5), "the event from the second process did not arrive"
            deadline = time.monotonic() + 5
            while client.connected and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not client.connected, "the other process did not close the socket"
        finally:
            client.disconnect()
        health = requests.get(f"{second.url}/healthz", timeout=5).json()
        assert health == {"status": "ok", "database": "ok", "redis": "ok", "content": "ok"}
    finally:
        first.stop()
        second.stop()
        drop_postgres_database(database_url)


def test_the_server_delivers_xapi_statements_in_the_background(tmp_path, sqlite_url, ralph):
    """The production entry point runs the delivery loop; play never waits for it."""
    import os
    import subprocess
    import sys

    server = start_server(
        sqlite_url, tmp_path / "instance", migrate=False, env={"GAME_XAPI_INTERVAL_SECONDS": "0.3"}
    )
    try:
        env = {
            **os.environ,
            "GAME_DATABASE_URL": sqlite_url,
            "GAME_INSTANCE_PATH": str(tmp_path / "instance"),
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "game_server",
                "users",
                "create",
                "admin@example.nl",
                "--role",
                "admin",
            ],
            input="een lang wachtwoord voor beheer\n",
            text=True,
            env=env,
            check=True,
            capture_output=True,
        )
        admin = {
            "token": api_token(server.url, "admin@example.nl", "een lang wachtwoord voor beheer")
        }
        requests.put(
            f"{server.url}/api/v1/admin/lrs",
            timeout=5,
            headers={"Authorization": f"Bearer {admin['token']}"},
            json={"url": ralph.url, "key": ralph_lrs.USERNAME, "secret": ralph_lrs.PASSWORD},
        ).raise_for_status()
        headers = {"Authorization": f"Bearer {guest_token(server)}"}
        run = requests.post(
            f"{server.url}/api/v1/quests/open-to-all/runs", headers=headers, timeout=5
        ).json()
        for step_id, value in (("who", ["family"]), ("note", "Familie helpt.")):
            requests.post(
                f"{server.url}/api/v1/runs/{run['run_id']}/answers",
                headers=headers,
                json={"step_id": step_id, "value": value},
                timeout=5,
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not ralph.statements():
            time.sleep(0.1)
        verbs = {s["verb"]["id"].rsplit("/", 1)[1] for s in ralph.statements()}
        assert "completed" in verbs, server.log()
    finally:
        server.stop()
