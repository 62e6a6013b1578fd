"""xAPI: the worker's record as statements, and delivery to an LRS that may be down."""

import json
from datetime import timedelta

from sqlmodel import select

from game_server.db import session_scope
from game_server.models import Role, XapiOutbox, utcnow
from game_server.services.progress import xapi

from ..factories import (
    GROUP_QUEST,
    GroupPlayer,
    bearer_for,
    make_group,
    make_user,
    play_a_live_session,
    play_open_to_all,
)
from ..ralph_lrs import RalphLrs
from ..servers import free_port


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


def send_now(app, now=None) -> int:
    with session_scope(app) as session:
        return xapi.send_pending(session, send=xapi.http_send, now=now)


def outbox_rows(app) -> list[XapiOutbox]:
    with session_scope(app) as session:
        return list(session.exec(select(XapiOutbox)).all())


def test_a_completion_reaches_the_lrs_which_accepts_every_statement(client, app, ralph):
    connect(client, app, ralph.url)
    user = make_user(app)
    play_open_to_all(client, bearer_for(app, user))
    assert send_now(app) == 3  # the completion and two badges
    held = ralph.statements(f"user-{user.id}")
    assert sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in held) == [
        "completed",
        "earned",
        "earned",
    ]
    assert {s["id"] for s in held} == {row.id for row in outbox_rows(app)}
    assert send_now(app) == 0  # nothing is sent twice


def test_every_statement_of_every_way_of_playing_is_valid_xapi(client, app, ralph):
    """Solo, group and live completions, badges, and the worker's whole record (answers
    too): the store validates each against the specification and refuses what is not."""
    connect(client, app, ralph.url)
    anna, bram = make_user(app), make_user(app)
    play_open_to_all(client, bearer_for(app, anna))
    group_id = make_group(app, anna, bram)
    player = GroupPlayer(client, app, anna, group_id)
    player.start()
    player.finish()
    play_a_live_session(app, anna)
    while send_now(app):
        pass
    rows = outbox_rows(app)
    assert rows and all(row.sent_at is not None and row.last_error is None for row in rows)
    held = ralph.statements(f"user-{anna.id}")
    modes = {s["object"]["id"].rsplit("/", 1)[1] for s in held if "completed" in s["verb"]["id"]}
    assert modes == {"open-to-all", GROUP_QUEST, "at-the-depot"}
    record = client.get("/api/v1/me/xapi", headers=bearer_for(app, anna)).get_json()
    status, answer = ralph.post(record["statements"])
    assert status in (200, 204), answer


def test_a_statement_the_lrs_already_holds_does_not_block_the_outbox(client, app, ralph):
    connect(client, app, ralph.url)
    user = make_user(app)
    play_open_to_all(client, bearer_for(app, user))
    queued = [json.loads(row.statement) for row in outbox_rows(app)]
    # The reply to an earlier send was lost: the store has the first statement already,
    # and (another LRS client, an older version of ours) a different one under the second id.
    assert ralph.post([queued[0]])[0] == 200
    assert ralph.post([{**queued[1], "timestamp": "2026-01-01T00:00:00+00:00"}])[0] == 200
    assert send_now(app) == 3
    rows = {row.id: row for row in outbox_rows(app)}
    assert all(row.sent_at is not None for row in rows.values())
    assert rows[queued[1]["id"]].last_error.startswith("the LRS holds this statement already")
    assert rows[queued[0]["id"]].last_error is None and rows[queued[2]["id"]].last_error is None
    assert {s["id"] for s in ralph.statements(f"user-{user.id}")} == set(rows)
    assert send_now(app) == 0


def test_an_lrs_that_is_down_changes_nothing_for_the_worker(client, app):
    connect(client, app, f"http://127.0.0.1:{free_port()}/xAPI")  # nothing listens there
    run = play_open_to_all(client, bearer_for(app, make_user(app)))
    assert run["status"] == "completed"
    assert send_now(app) == 0
    rows = outbox_rows(app)
    assert len(rows) == 3
    assert all(row.attempts == 1 and row.sent_at is None and row.last_error for row in rows)


def test_failed_statements_wait_and_are_sent_when_the_lrs_is_back(client, app, tmp_path):
    port = free_port()
    connect(client, app, f"http://127.0.0.1:{port}/xAPI")
    user = make_user(app)
    play_open_to_all(client, bearer_for(app, user))
    assert send_now(app) == 0  # down
    assert send_now(app) == 0  # backing off: right after the failure nothing is due
    store = RalphLrs(tmp_path / "ralph-later", port).start()
    try:
        assert send_now(app) == 0  # still backing off, though it is up again
        assert send_now(app, now=utcnow() + timedelta(minutes=5)) == 3
        assert len(store.statements(f"user-{user.id}")) == 3
    finally:
        store.stop()


def test_only_admins_connect_an_lrs(client, app):
    worker = bearer_for(app, make_user(app))
    response = client.put(
        "/api/v1/admin/lrs",
        headers=worker,
        json={"url": "https://lrs.example", "key": "k", "secret": "s"},
    )
    assert response.status_code == 403
