"""The door contract: however a run is finished, the same events reach the same sockets.

A run can end through the JSON API, a page form, the group page, the socket event
`group:answer`, or the host ending a live session. Each is played here on a real server
(gunicorn, gevent) with real Socket.IO clients listening as the worker, their linked coach
and, for group play, another member. For every door:

- the worker hears `xp:gained`, `quest:completed` and one `badge:awarded` per badge earned,
  exactly once; the coach's open view hears `client:progress` once; a group hears the
  completion once;
- exactly one xAPI completion statement (and one per badge) is queued in the outbox;
- the same request again (the same `Idempotency-Key` or `client_id`) publishes nothing and
  queues nothing.

"Nothing more" is checked without sleeping: after the replay, one event is sent to each
socket's room (a new assignment to the worker, the link withdrawn to the coach); a socket
hears its room in order, so what the replay sent would have come before it.
"""

import json
import re
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import requests

from game_server import create_app
from game_server.db import get_engine, session_scope
from game_server.models import Role, User
from game_server.services.progress import xapi

from ..conftest import make_settings
from ..factories import bearer_for, make_user, session_cookie
from ..servers import SECRET_KEY, free_port, start_server
from .live_clients import Screen, new_id, screen

pytestmark = pytest.mark.server

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
GROUP_QUEST = "every-step"
GROUP_ANSWERS = {  # up to the last step, which each door answers its own way
    "welcome": None,
    "values": ["security", "money"],
    "scan": {"help": 3, "alone": 3, "fix": 3},
    "why": "Zekerheid telt voor mij.",
    "vote": ["pay"],
    "react": None,
    "talk": {"who": "mijn planner", "learned": "Er komt een nieuwe route."},
}
PLAN = {"text": "Vragen naar de cursus.", "due": (date.today() + timedelta(days=7)).isoformat()}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    instance = tmp_path_factory.mktemp("doors")
    url = f"sqlite:///{instance}/doors.db"
    server = start_server(url, instance / "server")
    # The test process's view of the same database, with the server's secret key: the
    # people, their tokens and login cookies are made here and work there.
    app = create_app(make_settings(instance, url, secret_key=SECRET_KEY))
    with session_scope(app) as session:  # statements are queued only with an LRS connected
        xapi.configure_lrs(session, url=f"http://127.0.0.1:{free_port()}", key="lq", secret="s")
    yield server, app, instance / "doors.db"
    server.stop()
    get_engine(app).dispose()


@dataclass
class Player:
    """A worker with a linked coach watching them, and their sockets."""

    server: object
    user_id: int
    headers: dict
    coach_headers: dict
    link_id: int
    worker_socket: Screen
    coach_socket: Screen

    def api(self, method: str, path: str, headers: dict | None = None, **kwargs):
        response = requests.request(
            method,
            f"{self.server.url}/api/v1{path}",
            headers={**self.headers, **(headers or {})},
            timeout=10,
            **kwargs,
        )
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def close(self) -> None:
        self.worker_socket.close()
        self.coach_socket.close()


def linked_player(server, app) -> Player:
    worker, coach = make_user(app), make_user(app, Role.COACH)
    headers, coach_headers = bearer_for(app, worker), bearer_for(app, coach)
    code = call(server, "POST", "/coach/invites", coach_headers)["code"]
    link = call(server, "POST", "/me/coaches", headers, json={"code": code})
    worker_socket = screen(server, token_of(headers))
    coach_socket = screen(server, token_of(coach_headers))
    watching = coach_socket.call("coach:client", {"worker_id": worker.id})
    assert watching["ok"], watching
    return Player(
        server, worker.id, headers, coach_headers, link["id"], worker_socket, coach_socket
    )


def cookie_browser(server, app, user_id: int) -> requests.Session:
    """A browser logged in by cookie, as after the login page."""
    with session_scope(app) as db:
        user = db.get(User, user_id)
    cookie = session_cookie(app, user)
    browser = requests.Session()
    browser.cookies.set(cookie["name"], cookie["value"], domain="127.0.0.1")
    return browser


def csrf_of(browser: requests.Session, server, page: str) -> str:
    shown = browser.get(f"{server.url}{page}", timeout=10)
    assert shown.status_code == 200, shown.text[:500]
    return CSRF.search(shown.text).group(1)


def post_form(browser: requests.Session, server, action: str, fields: dict) -> None:
    """Post the form as the page would (a resend posts the same fields again)."""
    response = browser.post(f"{server.url}{action}", data=fields, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]


def call(server, method: str, path: str, headers: dict, **kwargs):
    response = requests.request(
        method, f"{server.url}/api/v1{path}", headers=headers, timeout=10, **kwargs
    )
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def token_of(headers: dict) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


# -- the doors -----------------------------------------------------------------------------


@dataclass
class Door:
    """A run played up to its last answer; `finish()` sends that answer through the door, and
    calling it again is the replay (the same key or client_id)."""

    finish: Callable[[], None]
    quest_id: str
    group: tuple[int, Screen] | None = None  # the group's id and a member listening
    owner_headers: dict | None = None  # the group's owner (for the group's last word)
    sockets: tuple[Screen, ...] = ()  # to close afterwards


def solo_by_api(server, app, player: Player) -> Door:
    run_id = player.api("POST", "/quests/open-to-all/runs")["run_id"]
    player.api("POST", f"/runs/{run_id}/answers", json={"step_id": "who", "value": ["family"]})
    key = new_id()

    def finish():
        player.api(
            "POST",
            f"/runs/{run_id}/answers",
            headers={"Idempotency-Key": key},
            json={"step_id": "note", "value": "Familie helpt."},
        )

    return Door(finish, "open-to-all")


def solo_by_page_form(server, app, player: Player) -> Door:
    run_id = player.api("POST", "/quests/open-to-all/runs")["run_id"]
    player.api("POST", f"/runs/{run_id}/answers", json={"step_id": "who", "value": ["family"]})
    browser = cookie_browser(server, app, player.user_id)
    token = csrf_of(browser, server, f"/runs/{run_id}")
    fields = {
        "csrf_token": token,
        "step_id": "note",
        "text": "Familie helpt.",
        "idempotency_key": uuid.uuid4().hex,
    }
    return Door(lambda: post_form(browser, server, f"/runs/{run_id}/answer", fields), "open-to-all")


def _group_run(server, app, player: Player) -> tuple[int, int, Screen, dict]:
    """A group of two: the player's run stands at its last step, the owner listens."""
    owner_headers = bearer_for(app, make_user(app))
    created = call(server, "POST", "/groups", owner_headers, json={"name": "Nachtploeg"})
    player.api("POST", "/groups/join", json={"code": created["invite_code"]})
    member = screen(server, token_of(owner_headers))
    assert member.call("group:enter", {"group_id": created["id"]})["ok"]
    run = player.api("POST", f"/groups/{created['id']}/quests/{GROUP_QUEST}/runs")
    while run["step"]["id"] != "plan":
        step_id = run["step"]["id"]
        answer = {"step_id": step_id, "value": GROUP_ANSWERS[step_id]}
        run = player.api("POST", f"/runs/{run['run_id']}/answers", json=answer)
    return created["id"], run["run_id"], member, owner_headers


def group_by_page_form(server, app, player: Player) -> Door:
    group_id, run_id, member, owner = _group_run(server, app, player)
    browser = cookie_browser(server, app, player.user_id)
    page = f"/groups/{group_id}/runs/{run_id}"
    fields = {
        "csrf_token": csrf_of(browser, server, page),
        "step_id": "plan",
        **PLAN,
        "idempotency_key": uuid.uuid4().hex,
    }
    return Door(
        lambda: post_form(browser, server, f"{page}/answer", fields),
        GROUP_QUEST,
        group=(group_id, member),
        owner_headers=owner,
        sockets=(member,),
    )


def group_by_socket(server, app, player: Player) -> Door:
    group_id, run_id, member, owner = _group_run(server, app, player)
    message = {
        "group_id": group_id,
        "run_id": run_id,
        "step_id": "plan",
        "value": PLAN,
        "client_id": new_id(),
    }

    def finish():
        ack = player.worker_socket.call("group:answer", message)
        assert ack["ok"], ack

    return Door(
        finish, GROUP_QUEST, group=(group_id, member), owner_headers=owner, sockets=(member,)
    )


def live_session_end(server, app, player: Player) -> Door:
    host_headers = bearer_for(app, make_user(app, Role.COACH))
    code = call(server, "POST", "/live", host_headers, json={"quest_id": "at-the-depot"})["code"]
    host = screen(server, token_of(host_headers))
    assert host.call("live:host", {"code": code})["ok"]
    assert player.worker_socket.call("live:join", {"code": code, "client_id": new_id()})["ok"]
    for _ in range(2):  # the welcome, then the poll
        assert host.call("live:next", {"code": code, "client_id": new_id()})["ok"]
    answer = {"code": code, "step_id": "wish", "value": ["planning"], "client_id": new_id()}
    assert player.worker_socket.call("live:answer", answer)["ok"]
    end = {"code": code, "client_id": new_id()}

    def finish():
        ack = host.call("live:end", end)
        assert ack["ok"], ack

    return Door(finish, "at-the-depot", sockets=(host,))


DOORS = {
    "api": solo_by_api,
    "page form": solo_by_page_form,
    "group page": group_by_page_form,
    "socket group:answer": group_by_socket,
    "live session end": live_session_end,
}


# -- what the database holds ---------------------------------------------------------------


def rows(db_path, query: str, *args) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        return db.execute(query, args).fetchall()


def queued_verbs(db_path, user_id: int) -> list[str]:
    """The verbs of the xAPI statements queued about this user, in the order queued."""
    statements = [json.loads(s) for (s,) in rows(db_path, "SELECT statement FROM xapi_outbox")]
    return sorted(
        s["verb"]["id"].rsplit("/", 1)[1]
        for s in statements
        if s["actor"]["account"]["name"] == f"user-{user_id}"
    )


# -- the contract --------------------------------------------------------------------------

PROGRESS = ("xp:gained", "quest:completed", "badge:awarded")


@pytest.mark.parametrize("door", DOORS)
def test_every_door_publishes_and_queues_a_completion_once(world, door):
    server, app, db_path = world
    player = linked_player(server, app)
    played = DOORS[door](server, app, player)
    try:
        played.finish()
        done = player.worker_socket.wait_for("quest:completed")
        ((run_id, status, mode),) = rows(
            db_path, "SELECT id, status, mode FROM quest_runs WHERE user_id = ?", player.user_id
        )
        assert done == {"quest_id": played.quest_id, "run_id": run_id}
        assert status == "completed"
        badges = sorted(
            b
            for (b,) in rows(
                db_path, "SELECT badge_id FROM badge_awards WHERE user_id = ?", player.user_id
            )
        )
        assert "first-quest" in badges
        player.worker_socket.wait_for(
            "badge:awarded",
            lambda _: len(player.worker_socket.received("badge:awarded")) == len(badges),
        )
        queued = queued_verbs(db_path, player.user_id)

        played.finish()  # the replay: the same key, the same client_id

        # The last word in each room: whatever the replay sent would have come before it.
        call(
            server,
            "POST",
            "/coach/assignments",
            player.coach_headers,
            json={"quest_id": "open-to-all", "worker_ids": [player.user_id]},
        )
        player.worker_socket.wait_for("assignment:new")
        player.api("DELETE", f"/me/coaches/{player.link_id}")
        player.coach_socket.wait_for("coach:link_withdrawn")
        if played.group:
            group_id, member = played.group
            call(
                server, "PUT", f"/groups/{group_id}/goal", played.owner_headers, json={"quests": 3}
            )
            member.wait_for("group:activity", lambda a: a["kind"] == "goal_set")

        xp = dict(rows(db_path, "SELECT competency, xp FROM xp_awards WHERE run_id = ?", run_id))
        assert xp, "a first completion earns XP"
        heard = [(e, d) for e, d in player.worker_socket.events if e in PROGRESS]
        assert [e for e, _ in heard] == ["xp:gained", "quest:completed"] + ["badge:awarded"] * len(
            badges
        )
        assert heard[0][1] == {"quest_id": played.quest_id, "xp": xp}
        assert sorted(d["badge_id"] for _, d in heard[2:]) == badges
        assert player.coach_socket.received("client:progress") == [
            {"worker_id": player.user_id, "quest_id": played.quest_id, "xp": xp}
        ]
        if played.group:
            group_id, member = played.group
            completions = [
                a
                for a in member.received("group:activity")
                if a["kind"] == "quest_completed" and a.get("user_id") == player.user_id
            ]
            assert len(completions) == 1, member.received("group:activity")
            assert mode == "group"
        assert queued == sorted(["completed"] + ["earned"] * len(badges))
        assert queued_verbs(db_path, player.user_id) == queued, "the replay queued statements"
    finally:
        player.close()
        for socket in played.sockets:
            socket.close()
