"""Hostile payloads for every client event, against a real server, while a bystander plays.

Hypothesis builds payloads for each event the app registers (`CLIENT_EVENTS`, so a new event
is fuzzed without touching this file) and unknown event names, and sends them as a guest who
joined nothing, a worker, another coach, and a guest seated in the bystander's session.
Every payload under the message cap gets an error ack of the documented shape (or ok only
when it is valid), unknown events get no ack, and the connection stays open. Meanwhile a
participant keeps answering in a live session; afterwards every one of those answers was
acknowledged and is in the database, and the server logged no traceback.

GAME_FUZZ_EXAMPLES sets the number of payloads per database (default 200); the run is
derandomized, so CI sends the same payloads every time.
"""

import contextlib
import enum
import json
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import socketio
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Request, TextMessage
from wsproto.extensions import PerMessageDeflate

from game_server.realtime.events import CLIENT_EVENTS
from game_server.services.common.errors import DomainError

from ..conftest import create_postgres_database, drop_postgres_database, need_postgres, need_redis
from ..servers import start_server
from .live_clients import COACH_PASSWORD, coach_token, guest_token, new_id, screen, start_session

pytestmark = pytest.mark.server

EXAMPLES = int(os.environ.get("GAME_FUZZ_EXAMPLES", "200"))
CAP = 64 * 1024  # GAME_SOCKET_MAX_MESSAGE_BYTES of the server below
ACK_SECONDS = 30  # how long to wait for an ack that must come (a noisy machine, not a limit)


def _domain_codes(error=DomainError) -> set[str]:
    return {error.code}.union(*(_domain_codes(sub) for sub in error.__subclasses__()))


# The codes an event may answer with: the domain's (services/errors.py) and the door's
# (realtime/events.py). Never internal_error: that is an exception that escaped a handler.
ERROR_CODES = _domain_codes() | {"invalid_input", "unauthorized", "rate_limited"}
SERVER_ENV = {
    "GAME_GUEST_LIMIT_PER_IP": "10000 per hour",
    "GAME_SOCKET_EVENTS_PER_SECOND": "10000",  # the fuzzer is fast, not a flood
    "GAME_SOCKET_EVENT_BURST": "10000",
    "GAME_SOCKET_MAX_MESSAGE_BYTES": str(CAP),
}


def encoded_size(event: str, data) -> int:
    """Characters of the Socket.IO packet as python-socketio sends it (ack id included)."""
    return len("42" + "999" + json.dumps([event, data], separators=(",", ":")))


@dataclass
class Bystander:
    """A seated participant who keeps answering the open poll correctly."""

    player: object
    code: str
    acks: list = field(default_factory=list)  # (client_id, value, ack)
    stop: threading.Event = field(default_factory=threading.Event)
    turn: threading.Lock = field(default_factory=threading.Lock)  # held while answering
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._play, daemon=True)
        self.thread.start()

    def _play(self) -> None:
        options = ["driving", "planning", "people"]
        while not self.stop.is_set():
            value = [options[len(self.acks) % 3]]
            client_id = new_id()
            message = {"code": self.code, "step_id": "wish", "value": value, "client_id": client_id}
            with self.turn:
                try:
                    ack = self.player.call("live:answer", message, timeout=ACK_SECONDS)
                except Exception as failed:  # noqa: BLE001 - recorded and asserted on below
                    ack = {"failed": repr(failed)}
                self.acks.append((client_id, value, ack))
            self.stop.wait(0.05)  # pacing only: a person taps, a loop would hog the CPU

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(timeout=ACK_SECONDS * 2)

    def assert_unaffected(self, stage) -> None:
        """Every answer so far was acknowledged, and each one is in the database."""
        with self.turn:  # no answer in flight while we look
            acks = list(self.acks)
            assert acks, "the bystander never answered"
            assert [ack for _cid, _value, ack in acks if ack.get("ok") is not True] == []
            _assert_committed(stage, acks)


@dataclass
class Stage:
    server: object
    database_url: str
    code: str  # the bystander's session
    own_code: str  # a session the fuzzing coach hosts
    host: object
    bystander: Bystander
    bystander_token: str
    sockets: dict  # identity -> Screen


def worker_token(server) -> str:
    """A registered worker's bearer token (through the API: quicker than the CLI)."""
    email = f"worker-{new_id()[:8]}@example.nl"
    account = {"email": email, "password": COACH_PASSWORD, "display_name": "Wim"}
    registered = requests.post(f"{server.url}/api/v1/auth/register", json=account, timeout=10)
    assert registered.status_code == 201, registered.text
    login = {"email": email, "password": COACH_PASSWORD}
    response = requests.post(f"{server.url}/api/v1/auth/token", json=login, timeout=10)
    assert response.status_code in (200, 201), response.text
    return response.json()["token"]


def _open_stage(server, database_url: str) -> Stage:
    host_token = coach_token(server)
    code = start_session(server, host_token)
    host = screen(server, host_token)
    assert host.call("live:host", {"code": code})["ok"]
    bystander_token = guest_token(server, "Ayla")
    player = screen(server, bystander_token)
    assert player.call("live:join", {"code": code, "client_id": new_id()})["ok"]
    for _ in range(2):  # welcome, then the poll `wish`
        assert host.call("live:next", {"code": code, "client_id": new_id()})["ok"]

    other_coach = coach_token(server)
    own_code = start_session(server, other_coach)
    seated = screen(server, guest_token(server, "Bram"))
    assert seated.call("live:join", {"code": code, "client_id": new_id()})["ok"]
    sockets = {
        "guest": screen(server, guest_token(server, "Cas")),
        "worker": screen(server, worker_token(server)),
        "coach": screen(server, other_coach),
        "seated guest": seated,
    }
    bystander = Bystander(player, code)
    bystander.start()
    return Stage(server, database_url, code, own_code, host, bystander, bystander_token, sockets)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stage(request, tmp_path_factory):
    """A server on the embedded default, or on PostgreSQL with Redis (the scale-out set-up)."""
    instance = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    redis_url, dropped = None, None
    if request.param == "sqlite":
        database_url = f"sqlite:///{instance}/fuzz.db"
    else:
        need_postgres()
        redis_url = need_redis()
        database_url = dropped = create_postgres_database("lq_fuzz")
    server = start_server(database_url, instance, redis_url=redis_url, env=SERVER_ENV)
    opened = None
    try:
        opened = _open_stage(server, database_url)
        yield opened
    finally:
        if opened is not None:
            opened.bystander.finish()
            for client in (opened.host, opened.bystander.player, *opened.sockets.values()):
                client.close()
        server.stop()
        if dropped:
            drop_postgres_database(dropped)


# -- payloads -----------------------------------------------------------------------------

# Characters that have broken servers: NUL, controls, a lone surrogate, non-BMP, RTL marks.
NASTY = st.sampled_from(["\x00", "\x1f", "\ud800", "\udfff", "😀", "\u202e", "é", "'", '"', "\\"])
TEXT = st.text(st.characters(exclude_categories=()) | NASTY, max_size=40)
NUMBERS = (
    st.integers()
    | st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, 2**63, -(2**63) - 1, 10**40])
    | st.floats(allow_nan=True, allow_infinity=True)
)
LEAVES = st.none() | st.booleans() | NUMBERS | TEXT


def _huge_text(draw_char: str, budget: int) -> st.SearchStrategy:
    """One character repeated until the packet nearly fills the cap (JSON escapes counted)."""
    width = len(json.dumps(draw_char)) - 2
    return st.integers(1, max(1, budget // width)).map(lambda n: draw_char * n)


HUGE = st.sampled_from(["x", "é", "\x00", "😀", "\ud800"]).flatmap(lambda c: _huge_text(c, 50_000))
SHAPES = st.recursive(
    LEAVES | HUGE,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
JSON = SHAPES | SHAPES.map(lambda v: [[[[[[[[[[v]]]]]]]]]])  # deeper than any answer


# Numbers no column holds, text no database stores, odd shapes.
HOSTILE = st.sampled_from([0, -1, 2**31, 2**63, 10**40, True, "1"]) | NASTY | HUGE | JSON


def plausible(stage: Stage, name: str) -> st.SearchStrategy:
    """Values a real client might send for a field of this name, to get past the first check."""
    known = {
        "code": st.sampled_from([stage.code, stage.own_code, "ABC123", stage.code.lower()]),
        "client_id": st.uuids().map(str),
        "step_id": st.sampled_from(["wish", "welcome", "why", "nope"]),
        "value": st.sampled_from([["driving"], ["flying"], [], "te vroeg", None]),
        "nickname": st.sampled_from(["Dex", None]),
        "topic": st.sampled_from(["training", "career", "nope"]),
    }
    if name in known:
        return known[name]
    if name.endswith("_id"):
        return st.integers(1, 6)  # rows that exist (users) and rows that do not
    return LEAVES


EXTREME_NUMBERS = st.sampled_from([0, -1, 2**31, 2**63, -(2**63) - 1, 10**40, float("nan")])


def hostile_for(value) -> st.SearchStrategy:
    """Something in place of `value` that a careless handler would pass on to the database."""
    if isinstance(value, int) and not isinstance(value, bool):
        return EXTREME_NUMBERS | st.sampled_from([True, "1", 1.5]) | JSON
    if isinstance(value, str):
        return NASTY.map(lambda c: value + c) | HUGE | JSON
    return HOSTILE


@st.composite
def payload_for(draw, stage: Stage, event: str):
    """A payload for `event`: random JSON, or a plausible one with one part made hostile."""
    model = CLIENT_EVENTS[event]
    kind = draw(st.sampled_from(["random", "plausible", "bad", "bad", "bad", "missing", "extra"]))
    if model is None or kind == "random":
        return draw(JSON)
    data = {name: draw(plausible(stage, name)) for name in model.model_fields}
    if kind == "bad" and data:
        key = draw(st.sampled_from(sorted(data)))
        data[key] = draw(hostile_for(data[key]))
    elif kind == "missing" and data:
        data.pop(draw(st.sampled_from(sorted(data))))
    elif kind == "extra":
        data[draw(TEXT)] = draw(JSON)
    return data


def _is_valid(event: str, data) -> bool:
    model = CLIENT_EVENTS[event]
    if model is None:
        return True  # the event takes no data: anything is ignored
    try:
        model.model_validate(data if data is not None else {})
    except ValidationError:
        return False
    return True


def _outcome(ack) -> str:
    if not isinstance(ack, dict):
        return repr(ack)
    return "ok" if ack.get("ok") else str((ack.get("error") or {}).get("code"))


def check_ack(event: str, data, ack) -> None:
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    if ack["ok"]:
        assert _is_valid(event, data), f"{event} accepted a payload its model refuses: {ack}"
        return
    error = ack.get("error")
    assert isinstance(error, dict), ack
    assert error.get("code") in ERROR_CODES, f"{event}: {error}"  # internal_error = a bug
    assert isinstance(error.get("message"), str) and error["message"], ack


# -- the run ------------------------------------------------------------------------------


def test_hostile_payloads_get_error_acks_and_the_bystander_plays_on(stage):
    # Unknown names too; "connect" and "disconnect" as client events must not reach the real
    # handlers of those.
    unknown = ["", "live:anser", "connect", "disconnect", "message", "x" * 200]
    names = sorted(CLIENT_EVENTS) + unknown

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        who=st.sampled_from(sorted(stage.sockets)),
        name=st.sampled_from(names),
        data=st.data(),
    )
    def send(who, name, data):
        client = stage.sockets[who]
        payload = data.draw(payload_for(stage, name) if name in CLIENT_EVENTS else JSON)
        assume(encoded_size(name, payload) < CAP)  # above the cap: the next test's business
        note(f"{who} sends {name}")
        if name in CLIENT_EVENTS:
            ack = client.call(name, payload, timeout=ACK_SECONDS)
            note(f"ack: {_outcome(ack)}")
            check_ack(name, payload, ack)
        else:
            answered = []
            client.client.emit(name, payload, callback=lambda *a: answered.append(a))
            # Acks come back in order on one connection only per handler; the whoami below at
            # least shows the server read the unknown event and answered nothing for it.
            assert client.call("session:whoami", {}, timeout=ACK_SECONDS)["ok"]
            assert answered == [], f"{name} is not an event, yet it was answered: {answered}"
        assert client.client.connected, f"{who} was disconnected by a payload under the cap"

    send()

    assert requests.get(f"{stage.server.url}/healthz", timeout=10).status_code == 200
    for who, client in stage.sockets.items():
        assert client.call("session:whoami", {}, timeout=ACK_SECONDS)["ok"], who
    stage.bystander.assert_unaffected(stage)
    state = stage.host.call("live:state", {"code": stage.code}, timeout=ACK_SECONDS)
    assert state["ok"] and state["state"]["status"] == "running"
    log = stage.server.log()
    assert "Traceback" not in log, log[-5000:]


def _assert_committed(stage: Stage, acks: list) -> None:
    """Each acknowledged answer left its idempotency record; the last value is the answer."""
    engine = sa.create_engine(stage.database_url)
    try:
        with engine.connect() as db:
            user_id = db.execute(
                sa.text(
                    "SELECT p.user_id FROM live_participants p JOIN live_sessions s "
                    "ON s.id = p.session_id WHERE s.code = :code AND p.nickname = 'Ayla'"
                ),
                {"code": stage.code},
            ).scalar_one()
            keys = set(
                db.execute(
                    sa.text("SELECT key FROM idempotency_records WHERE user_id = :u"),
                    {"u": user_id},
                ).scalars()
            )
            stored = db.execute(
                sa.text("SELECT value FROM answers WHERE user_id = :u AND step_id = 'wish'"),
                {"u": user_id},
            ).scalar_one()
    finally:
        engine.dispose()
    missing = [cid for cid, _value, _ack in acks if f"live-answer:{cid}" not in keys]
    assert missing == []
    assert json.loads(stored) == acks[-1][1]


def test_connections_without_a_valid_login_are_refused(stage):
    @settings(max_examples=max(15, EXAMPLES // 12), derandomize=True, database=None, deadline=None)
    @given(auth=st.none() | JSON | st.fixed_dictionaries({"token": JSON}))
    def connect(auth):
        assume(not isinstance(auth, dict) or "token" not in auth or len(str(auth)) < CAP // 2)
        client = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(stage.server.url, transports=["websocket"], auth=auth, wait_timeout=10)
        client.disconnect()

    connect()
    assert requests.get(f"{stage.server.url}/healthz", timeout=10).status_code == 200
    assert "Traceback" not in stage.server.log()


def test_every_registered_event_goes_through_the_one_door(sqlite_app):
    """A handler registered around `client_event` would skip the rate limit and validation."""
    from game_server.extensions import socketio as app_socketio

    handlers = set(app_socketio.server.handlers["/"]) - {"connect", "disconnect"}
    assert handlers == set(CLIENT_EVENTS)


# -- over the cap -------------------------------------------------------------------------


def _wait_until(check, what: str) -> None:
    deadline = time.monotonic() + ACK_SECONDS
    while not check():
        assert time.monotonic() < deadline, f"still waiting for: {what}"
        time.sleep(0.05)


def test_a_message_over_the_cap_drops_only_its_sender(stage):
    token = guest_token(stage.server, "Dirk")
    sender = screen(stage.server, token)
    answered = len(stage.bystander.acks)
    value = ["x" * (CAP + 1)]
    sender.client.emit("live:answer", {"code": stage.code, "step_id": "wish", "value": value})
    _wait_until(lambda: not sender.client.connected, "the sender to be dropped")
    again = screen(stage.server, token)  # the sender may come back and go on
    try:
        assert again.call("session:whoami", {}, timeout=ACK_SECONDS)["ok"]
    finally:
        again.close()
    _wait_until(lambda: len(stage.bystander.acks) > answered + 2, "the bystander to go on")
    stage.bystander.assert_unaffected(stage)


def _peak_memory_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc")


def _worker_pid(server) -> int:
    master = server.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, children  # gunicorn -w 1
    return int(children[0])


def _send_compressed(server, text: str) -> int | None:
    """Send `text` as one permessage-deflate websocket message; the close code that came back.

    No Socket.IO handshake: the engine.io transport reads the message before anyone logs in.
    """
    ws = WSConnection(ConnectionType.CLIENT)
    with socket.create_connection(("127.0.0.1", server.port), timeout=ACK_SECONDS) as sock:
        target = "/socket.io/?EIO=4&transport=websocket"
        host = f"127.0.0.1:{server.port}"
        request = Request(host=host, target=target, extensions=[PerMessageDeflate()])
        sock.sendall(ws.send(request))
        accepted = False
        while not accepted:
            ws.receive_data(sock.recv(65536))
            accepted = any(isinstance(event, AcceptConnection) for event in ws.events())
        with contextlib.suppress(OSError):  # the server closed before reading it all: fine
            sock.sendall(ws.send(TextMessage(data=text)))
        try:
            while chunk := sock.recv(65536):
                ws.receive_data(chunk)
                for event in ws.events():
                    if isinstance(event, CloseConnection):
                        return event.code
        except OSError:
            pass
    return None


def test_a_compressed_message_bomb_is_cut_off_while_it_is_read(stage):
    """64 MB of zeros deflate to 64 KB on the wire; the server must not inflate them all."""
    worker = _worker_pid(stage.server)
    before = _peak_memory_kib(worker)
    bomb = '42["live:answer","' + "0" * (64 * 1024 * 1024) + '"]'
    closed = _send_compressed(stage.server, bomb)
    assert closed == 1009  # "message too big", from the websocket layer, not after the fact
    grown_mib = (_peak_memory_kib(worker) - before) / 1024
    assert grown_mib < 32, f"the server's peak memory grew by {grown_mib:.0f} MiB"
    assert requests.get(f"{stage.server.url}/healthz", timeout=10).status_code == 200
    answered = len(stage.bystander.acks)
    _wait_until(lambda: len(stage.bystander.acks) > answered + 2, "the bystander to go on")
    stage.bystander.assert_unaffected(stage)


def test_unreadable_packets_are_dropped_and_the_connection_stays(stage):
    """Packets no Socket.IO client makes: bad JSON, nesting past the parser, binary, no name."""
    sender = screen(stage.server, guest_token(stage.server, "Eef"))
    try:
        nested = "[" * 20_000 + "]" * 20_000  # under the cap, over the JSON parser's limit
        for packet in (
            f'2["live:answer",{nested}]',
            '21["live:answer",{',
            '2{"code":1}',
            "2123",
            '51-["live:answer",{"_placeholder":true,"num":0}]',
            '2["live:answer",' + "1" * 5000 + "]",  # more digits than Python converts
            "9",
        ):
            sender.client.eio.send(packet)
        sender.client.eio.send(b"\x00" * 100)  # a binary attachment nobody announced
        assert sender.call("session:whoami", {}, timeout=ACK_SECONDS)["ok"]
        assert sender.client.connected
    finally:
        sender.close()
    assert "Traceback" not in stage.server.log()


# -- every field, every kind of hostile value ----------------------------------------------

# One of each kind, so that a kind the random run happens to miss is still sent to each field.
HOSTILE_VALUES = [
    0,
    -1,
    2**31,
    2**63,
    -(2**63) - 1,
    10**40,
    float("nan"),
    float("inf"),
    True,
    "1",
    "",
    [],
    {},
    [[[[[[[[[["deep"]]]]]]]]]],
    "x" * (CAP - 1000),
    "é" * (CAP // 7),
]
APPENDED = ["\x00", "\ud800", "\u202e", "😀"]  # after a plausible text


def _plausible_value(stage: Stage, name: str, annotation):
    known = {"code": stage.code, "step_id": "wish", "value": ["driving"], "nickname": "Dex"}
    if name in known:
        return known[name]
    if name == "client_id":
        return new_id()
    if name.endswith("_id"):
        return 1
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return next(iter(annotation)).value
    return {int: 1, str: "x", bool: False}.get(annotation, "x")


def _sweep(stage: Stage, event: str):
    """The plausible payload, then each field missing, replaced or extended, and one extra."""
    model = CLIENT_EVENTS[event]
    if model is None:
        yield from ([], {"x": 1}, "x" * (CAP - 1000))
        return
    fields = model.model_fields
    base = {name: _plausible_value(stage, name, f.annotation) for name, f in fields.items()}
    yield base
    for name in fields:
        yield {k: v for k, v in base.items() if k != name}
        for hostile in HOSTILE_VALUES:
            yield base | {name: hostile}
        if isinstance(base[name], str):
            for character in APPENDED:
                yield base | {name: base[name] + character}
    yield base | {"unknown": 1}
    yield base | {"\x00": 1}


def test_each_field_of_each_event_refuses_each_kind_of_hostile_value(stage):
    # Seated in the bystander's session (so writes get past "join first"); a coach (so host
    # and coach events get past the role check). The random run covers the other identities.
    senders = [stage.sockets[who] for who in ("seated guest", "coach")]
    sent = 0
    for name in sorted(CLIENT_EVENTS):
        for payload in _sweep(stage, name):
            if encoded_size(name, payload) >= CAP:
                continue
            for client in senders:
                check_ack(name, payload, client.call(name, payload, timeout=ACK_SECONDS))
                sent += 1
    assert sent > 500  # the sweep really ran (about 1,000 payloads)
    assert all(client.client.connected for client in senders)
    assert "Traceback" not in stage.server.log()
    stage.bystander.assert_unaffected(stage)
