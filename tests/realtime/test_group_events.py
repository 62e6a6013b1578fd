"""Group rooms and presence against a real gunicorn+gevent server, seen from members and
from an attacker (a stranger guessing ids, a removed member still holding a socket)."""

import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest
import requests
import socketio

from ..conftest import create_postgres_database, drop_postgres_database, need_redis
from ..servers import start_server

pytestmark = pytest.mark.server

PASSWORD = "zeven uur starten in de hal"
WAIT = 5.0


@dataclass
class Person:
    server: object
    name: str
    token: str
    user_id: int
    client: socketio.Client | None = None
    heard: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def api(self, method: str, path: str, **kwargs):
        return requests.request(
            method, f"{self.server.url}/api/v1{path}", headers=self.headers, timeout=5, **kwargs
        )

    def connect(self, server=None) -> socketio.Client:
        client = socketio.Client(reconnection=False)
        for event in ("presence", "group:activity"):
            client.on(event, self._recorder(event))
        client.connect(
            (server or self.server).url,
            transports=["websocket"],
            wait_timeout=5,
            auth={"token": self.token},
        )
        self.client = client
        return client

    def _recorder(self, event: str):
        def record(data):
            with self.lock:
                self.heard.append((event, data))

        return record

    def call(self, event: str, data: dict) -> dict:
        return self.client.call(event, data, timeout=5)

    def events(self, name: str) -> list:
        with self.lock:
            return [data for event, data in self.heard if event == name]

    def wait_for(self, name: str, check) -> dict:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for data in self.events(name):
                if check(data):
                    return data
            time.sleep(0.02)
        raise AssertionError(f"{self.name} never got a matching {name}: {self.events(name)}")


def register(server, name: str) -> Person:
    email = f"{uuid.uuid4().hex[:10]}@example.nl"
    body = {"email": email, "password": PASSWORD, "display_name": name}
    user = requests.post(f"{server.url}/api/v1/auth/register", json=body, timeout=5)
    assert user.status_code == 201, user.text
    token = requests.post(
        f"{server.url}/api/v1/auth/token", json={"email": email, "password": PASSWORD}, timeout=5
    ).json()["token"]
    return Person(server, name, token, user.json()["id"])


def online_names(presence: dict) -> set[str]:
    return {member["name"] for member in presence["online"]}


@pytest.fixture
def server(tmp_path, sqlite_url):
    process = start_server(sqlite_url, tmp_path / "instance", migrate=False)
    yield process
    process.stop()


@pytest.fixture
def group(server):
    """Anna owns a group that Bram joined; Eve is a stranger. Sockets close after the test."""
    anna, bram, eve = (register(server, n) for n in ("Anna", "Bram", "Eve"))
    created = anna.api("POST", "/groups", json={"name": "Nachtploeg"}).json()
    assert bram.api("POST", "/groups/join", json={"code": created["invite_code"]}).ok
    yield created["id"], anna, bram, eve
    for person in (anna, bram, eve):
        if person.client is not None:
            person.client.disconnect()


def _share_reflection(person: Person, group_id: int) -> int:
    run = person.api("POST", f"/groups/{group_id}/quests/every-step/runs").json()
    answers = [
        ("welcome", None),
        ("values", ["security", "money"]),
        ("scan", {"help": 3, "alone": 3, "fix": 3}),
        ("why", "Zekerheid telt voor mij."),
    ]
    for step_id, value in answers:
        response = person.api(
            "POST", f"/runs/{run['run_id']}/answers", json={"step_id": step_id, "value": value}
        )
        assert response.ok, response.text
    mine = person.api("GET", f"/groups/{group_id}/answers").json()
    answer_id = next(a["answer_id"] for a in mine if a["step_id"] == "why")
    ack = person.call(
        "group:share",
        {"group_id": group_id, "answer_id": answer_id, "client_id": str(uuid.uuid4())},
    )
    assert ack["ok"] is True, ack
    return answer_id


def test_members_entering_see_each_other_online_and_a_disconnect_is_seen(group):
    group_id, anna, bram, _eve = group
    anna.connect()
    entered = anna.call("group:enter", {"group_id": group_id})
    assert entered["ok"] is True and entered["group"]["name"] == "Nachtploeg"
    bram.connect()
    assert bram.call("group:enter", {"group_id": group_id})["ok"] is True
    presence = anna.wait_for("presence", lambda p: online_names(p) == {"Anna", "Bram"})
    assert presence["room"] == f"group:{group_id}"
    state = anna.api("GET", f"/groups/{group_id}").json()
    assert {m["name"] for m in state["online"]} == {"Anna", "Bram"}
    bram.client.disconnect()
    anna.wait_for("presence", lambda p: online_names(p) == {"Anna"})


def test_a_stranger_cannot_enter_a_group_room_by_its_id_nor_hear_it(group):
    group_id, anna, _bram, eve = group
    eve.connect()
    for guess in (group_id, group_id + 1, 999999):
        ack = eve.call("group:enter", {"group_id": guess})
        assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    ack = eve.call(
        "group:share", {"group_id": group_id, "answer_id": 1, "client_id": str(uuid.uuid4())}
    )
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    anna.connect()
    anna.call("group:enter", {"group_id": group_id})
    _share_reflection(anna, group_id)
    anna.wait_for("group:activity", lambda a: a["kind"] == "answer_shared")
    assert eve.events("group:activity") == [] and eve.events("presence") == []


def test_a_removed_member_stops_hearing_the_group_at_once(group):
    group_id, anna, bram, _eve = group
    anna.connect()
    bram.connect()
    anna.call("group:enter", {"group_id": group_id})
    bram.call("group:enter", {"group_id": group_id})
    response = anna.api("DELETE", f"/groups/{group_id}/members/{bram.user_id}")
    assert response.status_code == 204
    bram.wait_for("group:activity", lambda a: a["kind"] == "member_removed")
    anna.wait_for("presence", lambda p: online_names(p) == {"Anna"})
    heard_before = len(bram.events("group:activity"))
    answer_id = _share_reflection(anna, group_id)
    anna.wait_for("group:activity", lambda a: a.get("answer_id") == answer_id)
    assert len(bram.events("group:activity")) == heard_before
    ack = bram.call("group:enter", {"group_id": group_id})
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"


def test_sharing_over_the_socket_is_idempotent_on_its_client_id(group):
    group_id, anna, bram, _eve = group
    bram.connect()
    bram.call("group:enter", {"group_id": group_id})
    anna.connect()
    answer_id = _share_reflection(anna, group_id)
    bram.wait_for("group:activity", lambda a: a["kind"] == "answer_shared")
    unshare_id = str(uuid.uuid4())
    payload = {"group_id": group_id, "answer_id": answer_id, "client_id": unshare_id}
    first = anna.call("group:unshare", payload)
    again = anna.call("group:unshare", payload)
    assert (
        first
        == again
        == {"ok": True, "answer_id": answer_id, "shared": False, "badges_awarded": []}
    )
    bram.wait_for("group:activity", lambda a: a["kind"] == "answer_unshared")
    assert len([a for a in bram.events("group:activity") if a["kind"] == "answer_unshared"]) == 1
    feed = bram.api("GET", f"/groups/{group_id}").json()["feed"]
    assert not any(item.get("answer_id") == answer_id for item in feed)
    reused = anna.call("group:share", payload)  # the same client_id for another event kind
    assert reused["ok"] is True
    other = anna.call("group:unshare", {**payload, "answer_id": answer_id + 1000})
    assert other["ok"] is False and other["error"]["code"] == "idempotency_key_reused"


def test_presence_spans_two_server_processes_through_redis(tmp_path):
    redis_url = need_redis()
    database_url = create_postgres_database("lq_grp")
    env = {"GAME_SOCKETIO_CHANNEL": f"lq-test-{uuid.uuid4().hex[:8]}"}
    first = start_server(database_url, tmp_path / "a", redis_url=redis_url, env=env)
    second = start_server(database_url, tmp_path / "b", redis_url=redis_url, env=env)
    people = []
    try:
        anna, bram = register(first, "Anna"), register(first, "Bram")
        people = [anna, bram]
        created = anna.api("POST", "/groups", json={"name": "Twee hallen"}).json()
        bram.api("POST", "/groups/join", json={"code": created["invite_code"]})
        anna.connect(first)
        bram.connect(second)
        anna.call("group:enter", {"group_id": created["id"]})
        bram.call("group:enter", {"group_id": created["id"]})
        anna.wait_for("presence", lambda p: online_names(p) == {"Anna", "Bram"})
        removed = anna.api("DELETE", f"/groups/{created['id']}/members/{bram.user_id}")
        assert removed.status_code == 204
        anna.wait_for("presence", lambda p: online_names(p) == {"Anna"})
        bram.wait_for("group:activity", lambda a: a["kind"] == "member_removed")
        before = len(bram.events("group:activity"))
        anna.api("PUT", f"/groups/{created['id']}/goal", json={"quests": 4})
        anna.wait_for("group:activity", lambda a: a["kind"] == "goal_set")
        assert len(bram.events("group:activity")) == before, "evicted on the other process too"
    finally:
        for person in people:
            if person.client is not None:
                person.client.disconnect()
        first.stop()
        second.stop()
        drop_postgres_database(database_url)


def test_answering_over_the_socket_is_idempotent_and_refused_to_strangers(group):
    group_id, anna, _bram, eve = group
    run = anna.api("POST", f"/groups/{group_id}/quests/every-step/runs").json()
    anna.connect()
    payload = {
        "group_id": group_id,
        "run_id": run["run_id"],
        "step_id": "welcome",
        "value": None,
        "client_id": str(uuid.uuid4()),
    }
    first = anna.call("group:answer", payload)
    again = anna.call("group:answer", payload)
    assert first["ok"] is True and first["run"]["step"]["id"] == "values"
    assert again == first
    eve.connect()
    refused = eve.call("group:answer", {**payload, "client_id": str(uuid.uuid4())})
    assert refused["ok"] is False and refused["error"]["code"] == "not_found"
