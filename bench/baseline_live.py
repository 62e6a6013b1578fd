"""Baseline for live sessions: bare python-socketio, everything in memory, no Flask, no database.

gunicorn -k gevent -w 1 -b 127.0.0.1:PORT baseline_live:app      (PYTHONPATH=bench)

The same event names and shapes as our live sessions (game_server/realtime/live.py), with
none of the work behind them: no login (every socket is accepted, `auth` is ignored), no
runs, no answers stored anywhere but a dict.

- `POST /api/v1/live {quest_id}` -> 201 `{session_id, code}`: the quest's steps (those without
  `when:`, as ours) are read from quests/, the same files our server loads.
- `live:host {code}` -> `{ok, state, results}`; joins the room `live:<code>` as the host.
- `live:join {code, nickname, client_id}` -> `{ok, state, seat, results}`; joins the room.
- `live:next {code, client_id}` -> `{ok, state}`; broadcasts `live:step` to the room: `{code,
  status, index, total, participants, step, steps: {nl, en}, titles}`, every step view with
  all the fields of ours (so the messages are about as large).
- `live:answer {code, step_id, value, client_id}` -> `{ok, step_id, value, shared}`; a retry
  with the same client_id gets the same ack and changes nothing. Results are coalesced as
  ours: the first answer (or `live:next`) starts a RESULTS_INTERVAL timer, and when it fires
  one `live:results {code, step_id, type, total, counts, means, words}` goes to the room.
- `live:end {code, client_id}` -> `{ok, completed, follow_ups}`; broadcasts `live:ended`.
Not done here (ours does): the login check per event, the rate limit, pydantic payloads,
XP and badges at the end, and a `presence` broadcast to the room on every join.

With BENCH_LIVE_DB set (a SQLite file; bench/live.py sets it), a join inserts the seat and an
answer upserts its row, each committed before the ack (WAL, synchronous=FULL, one connection,
as ours on the embedded default): the same writes ours makes, with nothing around them.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import socketio  # noqa: E402
from ruamel.yaml import YAML  # noqa: E402

QUESTS = Path(
    os.environ.get("BENCH_LIVE_QUESTS", Path(__file__).resolve().parent.parent / "quests")
)
# Seconds between two results broadcasts of one session (ours coalesces the same way).
RESULTS_INTERVAL = float(os.environ.get("BENCH_LIVE_RESULTS_INTERVAL", "0.3"))
# Skip steps with `when:` (a live session shows the same step to everyone), as ours does.
SKIP_CONDITIONAL = os.environ.get("BENCH_LIVE_SKIP_CONDITIONAL", "1") == "1"

sio = socketio.Server(async_mode="gevent")

DATABASE = os.environ.get("BENCH_LIVE_DB")
db = None
if DATABASE:
    import sqlite3  # noqa: E402

    db = sqlite3.connect(DATABASE, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS seats (session TEXT NOT NULL, sid TEXT NOT NULL, "
        "nickname TEXT NOT NULL, PRIMARY KEY (session, sid))"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY, session TEXT NOT NULL, "
        "sid TEXT NOT NULL, step TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (session, sid, step))"
    )


def _write(sql: str, params: tuple) -> None:
    """One statement, committed (an fsync), when the baseline has a database."""
    if db is not None:
        db.execute(sql, params)


LOCALES = ("nl", "en")
PRIVATE_TYPES = {"reflection", "action", "contact"}
VIEW_KEYS = [
    "id",
    "type",
    "prompt",
    "private",
    "answer",
    "body",
    "options",
    "min",
    "max",
    "items",
    "low",
    "high",
    "min_words",
    "max_chars",
    "due_days",
    "default_due",
    "of_step",
    "peer_answers",
]


@dataclass
class Session:
    session_id: int
    code: str
    quest_id: str
    titles: dict
    steps: list[dict]  # {locale: step view}
    index: int = -1
    status: str = "lobby"
    host_sid: str | None = None
    participants: dict = field(default_factory=dict)  # sid -> nickname
    answers: dict = field(default_factory=dict)  # step_id -> {sid: value}
    acks: dict = field(default_factory=dict)  # client_id -> the ack it got
    results_pending: bool = False

    def step(self, locale: str = "nl") -> dict | None:
        return self.steps[self.index][locale] if 0 <= self.index < len(self.steps) else None

    def state(self) -> dict:
        """As our `live:step` event: the step in every language."""
        return {
            "code": self.code,
            "status": self.status,
            "index": self.index,
            "total": len(self.steps),
            "participants": len(self.participants),
            "step": self.step(),
            "steps": {locale: self.step(locale) for locale in LOCALES},
            "titles": self.titles,
        }


sessions: dict[str, Session] = {}


def _text(value, locale: str) -> str | None:
    if isinstance(value, dict):
        return value.get(locale) or value.get("nl")
    return value


def _view(step: dict, locale: str) -> dict:
    """A step as our step views show it, every field present as in `model_dump`."""
    view = dict.fromkeys(VIEW_KEYS)
    view.update(
        id=step["id"],
        type=step["type"],
        prompt=_text(step.get("prompt"), locale),
        private=step["type"] in PRIVATE_TYPES,
    )
    if "body" in step:
        view["body"] = _text(step["body"], locale)
    if "options" in step:
        view["options"] = [
            {"id": o["id"], "label": _text(o["label"], locale)} for o in step["options"]
        ]
        view["min"], view["max"] = step.get("min", 1), step.get("max", 1)
    if step["type"] == "reflection":
        view["min_words"], view["max_chars"] = step.get("min_words"), 2000
    return view


def _quest(quest_id: str) -> tuple[dict, list[dict]] | None:
    yaml = YAML(typ="safe", pure=True)
    for path in sorted(QUESTS.rglob("*.yaml")):
        if f"id: {quest_id}\n" not in path.read_text():
            continue
        quest = yaml.load(path.read_text())
        if isinstance(quest, dict) and quest.get("id") == quest_id:
            steps = [s for s in quest["steps"] if not (SKIP_CONDITIONAL and "when" in s)]
            titles = {locale: _text(quest["title"], locale) for locale in LOCALES}
            return titles, [{loc: _view(step, loc) for loc in LOCALES} for step in steps]
    return None


def _refusal(code: str, message: str) -> dict:
    return {"ok": False, "error": {"code": code, "message": message}}


def _session(data) -> Session | None:
    code = data.get("code") if isinstance(data, dict) else None
    return sessions.get(str(code).upper()) if code else None


def _room(session: Session) -> str:
    return f"live:{session.code}"


def _results(session: Session) -> dict | None:
    step = session.step()
    if step is None:
        return None
    answers = session.answers.get(step["id"], {})
    found = {
        "code": session.code,
        "step_id": step["id"],
        "type": step["type"],
        "total": len(answers),
    }
    found.update(counts=None, means=None, words=None)
    if step["options"] is not None:
        counts = dict.fromkeys((option["id"] for option in step["options"]), 0)
        for value in answers.values():
            for option in value:
                counts[option] = counts.get(option, 0) + 1
        found["counts"] = counts
    return found


def _schedule_results(session: Session) -> None:
    """As ours: the first answer starts a timer; everything until it fires is one broadcast."""
    if session.results_pending:
        return
    session.results_pending = True

    def flush() -> None:
        sio.sleep(RESULTS_INTERVAL)
        session.results_pending = False
        found = _results(session)
        if found is not None:
            sio.emit("live:results", found, room=_room(session))

    sio.start_background_task(flush)


@sio.event
def connect(sid, environ, auth=None):
    return True


@sio.on("live:host")
def host(sid, data=None):
    session = _session(data)
    if session is None:
        return _refusal("not_found", "No live session with this code.")
    session.host_sid = sid
    sio.enter_room(sid, _room(session))
    return {"ok": True, "state": session.state(), "results": _results(session)}


@sio.on("live:join")
def join(sid, data=None):
    session = _session(data)
    if session is None or session.status == "ended":
        return _refusal("not_found", "No live session with this code.")
    nickname = str(data.get("nickname") or "")[:40]
    _write(
        "INSERT OR IGNORE INTO seats (session, sid, nickname) VALUES (?, ?, ?)",
        (session.code, sid, nickname),
    )
    session.participants[sid] = nickname
    sio.enter_room(sid, _room(session))
    seat = {"nickname": nickname, "show_name": False, "answers": {}, "guest": True}
    return {"ok": True, "state": session.state(), "seat": seat, "results": _results(session)}


@sio.on("live:next")
def next_step(sid, data=None):
    session = _session(data)
    if session is None or session.host_sid != sid:
        return _refusal("forbidden", "Only the host moves on.")
    if session.index + 1 >= len(session.steps):
        return _refusal("conflict", "This was the last step.")
    session.index += 1
    session.status = "running"
    event = session.state()
    sio.emit("live:step", event, room=_room(session))
    _schedule_results(session)
    return {"ok": True, "state": event}


@sio.on("live:answer")
def answer(sid, data=None):
    session = _session(data)
    if session is None or sid not in session.participants:
        return _refusal("not_found", "Join the session first.")
    client_id = str(data.get("client_id"))
    if client_id in session.acks:
        return session.acks[client_id]
    step = session.step()
    if step is None or data.get("step_id") != step["id"]:
        return _refusal("conflict", "This question is closed. Look at the big screen.")
    _write(
        "INSERT INTO answers (session, sid, step, value) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (session, sid, step) DO UPDATE SET value = excluded.value",
        (session.code, sid, step["id"], json.dumps(data.get("value"))),
    )
    session.answers.setdefault(step["id"], {})[sid] = data.get("value")
    ack = {"ok": True, "step_id": step["id"], "value": data.get("value"), "shared": False}
    session.acks[client_id] = ack
    _schedule_results(session)
    return ack


@sio.on("live:end")
def end(sid, data=None):
    session = _session(data)
    if session is None or session.host_sid != sid:
        return _refusal("forbidden", "Only the host ends the session.")
    session.status = "ended"
    sio.emit("live:ended", {"code": session.code}, room=_room(session))
    return {"ok": True, "completed": 0, "follow_ups": 0}


def http(environ, start_response):
    path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
    if path == "/api/v1/live" and method == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(size) or b"{}")
        quest = _quest(str(body.get("quest_id")))
        if quest is None:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"error": {"code": "not_found", "message": "No such quest."}}']
        code = secrets.token_hex(3).upper()
        sessions[code] = Session(len(sessions) + 1, code, body["quest_id"], *quest)
        start_response("201 Created", [("Content-Type", "application/json")])
        return [json.dumps({"session_id": sessions[code].session_id, "code": code}).encode()]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"status": "ok"}']


app = socketio.WSGIApp(sio, http)
