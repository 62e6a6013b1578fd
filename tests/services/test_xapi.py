"""xAPI: the worker's record as statements, and delivery to an LRS that may be down."""

import base64
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import Role, XapiOutbox, utcnow
from game_server.services import xapi

from ..factories import bearer_for, make_user
from .test_badges import play_open_to_all


class FakeLrs:
    """A real HTTP server on loopback standing in for an outside LRS."""

    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[dict] = []
        self.headers: list[dict] = []
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                lrs.headers.append({k.lower(): v for k, v in self.headers.items()})
                if lrs.status < 300:
                    lrs.received.extend(json.loads(body))
                self.send_response(lrs.status)
                self.end_headers()
                self.wfile.write(b"[]")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def lrs():
    server = FakeLrs()
    yield server
    server.close()


def connect(client, app, url):
    admin = bearer_for(app, make_user(app, Role.ADMIN))
    response = client.put(
        "/api/v1/admin/lrs", headers=admin, json={"url": url, "key": "lq", "secret": "s3cret"}
    )
    assert response.status_code == 200, response.get_json()
    assert "secret" not in response.get_data(as_text=True)


def test_my_record_has_answered_completed_and_earned_statements(client, app):
    user = make_user(app)
    headers = bearer_for(app, user)
    play_open_to_all(client, headers)
    record = client.get("/api/v1/me/xapi", headers=headers).get_json()["statements"]
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in record]
    assert verbs.count("answered") == 2 and verbs.count("completed") == 1
    assert verbs.count("earned") == 2
    completed = next(s for s in record if s["verb"]["id"].endswith("completed"))
    assert completed["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "http://localhost/", "name": f"user-{user.id}"},
    }
    assert completed["result"]["completion"] is True
    assert completed["result"]["duration"].startswith("PT")
    assert completed["context"]["contextActivities"]["category"] == [
        {"objectType": "Activity", "id": "http://localhost/competencies/networking"}
    ]
    text = json.dumps(record)
    assert "Familie helpt." not in text and user.email not in text


def test_statement_ids_are_stable_so_resending_is_harmless(client, app):
    headers = bearer_for(app, make_user(app))
    play_open_to_all(client, headers)
    first = client.get("/api/v1/me/xapi", headers=headers).get_json()["statements"]
    again = client.get("/api/v1/me/xapi", headers=headers).get_json()["statements"]
    assert [s["id"] for s in first] == [s["id"] for s in again]


def test_nothing_is_queued_without_an_lrs(client, app):
    play_open_to_all(client, bearer_for(app, make_user(app)))
    with session_scope(app) as session:
        assert session.exec(select(XapiOutbox)).all() == []


def test_a_completion_reaches_the_lrs(client, app, lrs):
    connect(client, app, lrs.url)
    play_open_to_all(client, bearer_for(app, make_user(app)))
    with session_scope(app) as session:
        sent = xapi.send_pending(session, send=xapi.http_send)
    assert sent == 3  # the completion and two badges
    assert {s["verb"]["id"].rsplit("/", 1)[1] for s in lrs.received} == {"completed", "earned"}
    header = lrs.headers[0]
    assert header["x-experience-api-version"] == "1.0.3"
    assert header["authorization"] == "Basic " + base64.b64encode(b"lq:s3cret").decode()
    with session_scope(app) as session:  # nothing is sent twice
        assert xapi.send_pending(session, send=xapi.http_send) == 0


def test_an_lrs_that_is_down_changes_nothing_for_the_worker(client, app):
    dead = FakeLrs()
    url = dead.url
    dead.close()  # nothing listens there any more
    connect(client, app, url)
    run = play_open_to_all(client, bearer_for(app, make_user(app)))
    assert run["status"] == "completed"
    with session_scope(app) as session:
        assert xapi.send_pending(session, send=xapi.http_send) == 0
        rows = session.exec(select(XapiOutbox)).all()
    assert len(rows) == 3
    assert all(row.attempts == 1 and row.sent_at is None and row.last_error for row in rows)


def test_failed_statements_wait_and_are_sent_when_the_lrs_is_back(client, app):
    broken = FakeLrs(status=503)
    try:
        connect(client, app, broken.url)
        play_open_to_all(client, bearer_for(app, make_user(app)))
        with session_scope(app) as session:
            assert xapi.send_pending(session, send=xapi.http_send) == 0
            # Backing off: right after the failure nothing is due.
            assert xapi.send_pending(session, send=xapi.http_send) == 0
        broken.status = 200
        later = utcnow() + timedelta(minutes=5)
        with session_scope(app) as session:
            assert xapi.send_pending(session, send=xapi.http_send, now=later) == 3
        assert len(broken.received) == 3
    finally:
        broken.close()


def test_only_admins_connect_an_lrs(client, app):
    worker = bearer_for(app, make_user(app))
    response = client.put(
        "/api/v1/admin/lrs",
        headers=worker,
        json={"url": "https://lrs.example", "key": "k", "secret": "s"},
    )
    assert response.status_code == 403
