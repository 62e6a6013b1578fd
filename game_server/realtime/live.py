"""Live sessions over Socket.IO: the host screen and the participants' phones.

Everyone in `live:<code>` gets `live:step`, `live:results`, `live:ended` and `presence`.
Results and presence are coalesced: what happens within COALESCE_SECONDS makes one
broadcast, so a room of a thousand phones answering at once costs a few broadcasts, not a
thousand.
"""

import logging
import threading
import time
from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from flask import current_app, render_template_string, request
from flask_babel import force_locale
from flask_socketio import join_room
from pydantic import Field
from werkzeug.datastructures import MultiDict

from ..db import get_session, session_scope
from ..extensions import socketio
from ..services.common.errors import NotFound
from ..services.together import follow_ups, live, live_answers, live_play
from ..services.together.follow_ups import FollowUpTopic
from .events import ClientId, JoinCode, Payload, client_event
from .rooms import after_queue_recovery

log = logging.getLogger(__name__)

LIVE_ROOM = "live:{}"
COALESCE_SECONDS = 0.3  # at most one results (or presence) broadcast per session this often
# A coalesced broadcast, or the XP and badges of an ended session, that find no free database
# connection try again, for about a quarter of an hour (10 s waits for the pool, up to 5 s
# pauses between).
FLUSH_ATTEMPTS = COMPLETION_ATTEMPTS = 60
RECENT_SECONDS = 6 * 3600  # sessions this process resyncs after a message-queue outage
LOCALES = ("nl", "en")


class HostIn(Payload):
    code: JoinCode


class HostWriteIn(Payload):
    code: JoinCode
    client_id: ClientId


class JoinIn(Payload):
    code: JoinCode
    nickname: str | None = Field(default=None, max_length=40)
    show_name: bool = False
    client_id: ClientId


FormField = Annotated[str, Field(max_length=5000)]


class AnswerIn(Payload):
    code: JoinCode
    step_id: str = Field(min_length=1, max_length=60)
    value: Any = None
    # Or the fields of the step's form as the phone posts them (name: values); the step's
    # type reads the value from them, as it does for the pages.
    form: (
        dict[Annotated[str, Field(max_length=60)], Annotated[list[FormField], Field(max_length=40)]]
        | None
    ) = Field(default=None, max_length=60)
    share: bool = False
    client_id: ClientId


class VoteIn(Payload):
    code: JoinCode
    step_id: str = Field(min_length=1, max_length=60)
    key: str = Field(min_length=1, max_length=64)
    client_id: ClientId


class FollowUpIn(Payload):
    code: JoinCode
    topic: FollowUpTopic
    contact: str | None = Field(default=None, max_length=200)
    client_id: ClientId


# -- broadcasting -------------------------------------------------------------------------

_pending: set[str] = set()
_recent: dict[str, float] = {}
_lock = threading.Lock()


def step_event(db, session_row, answer: Any = None, participants: int | None = None) -> dict:
    """`live:step` in every language: one broadcast serves a room of mixed languages.

    `fields` is the step's answer form (the partial of its type, as the pages show it), so
    a phone shows any step type without knowing it; `answer` fills it in (a phone that
    comes back to a step it answered)."""
    count = live.participant_count(db, session_row) if participants is None else participants
    views = {locale: live.state(db, session_row, locale, participants=count) for locale in LOCALES}
    first = views["nl"]
    return {
        "fields": {
            locale: _fields_html(session_row, view.step, locale, answer) if view.step else None
            for locale, view in views.items()
        },
        "code": first.code,
        "status": first.status,
        "index": first.index,
        "total": first.total,
        "participants": first.participants,
        "step": first.step.model_dump(mode="json") if first.step else None,
        "steps": {
            locale: view.step.model_dump(mode="json") if view.step else None
            for locale, view in views.items()
        },
        "titles": {locale: view.title for locale, view in views.items()},
        "recap": recap_event(db, session_row) if first.status == "ended" else None,
    }


def recap_event(db, session_row) -> dict:
    """The end of the session in every language: who took part, what the room chose, the XP."""
    return {
        locale: live_play.recap(db, session_row, locale).model_dump(mode="json")
        for locale in LOCALES
    }


def _touch(code: str) -> None:
    with _lock:
        _recent[code] = time.monotonic()


def broadcast_soon(event: str, code: str) -> None:
    """Broadcast `event` for this session soon: once for everything that happens meanwhile.

    A thousand phones joining or answering within a second make a few broadcasts, not a
    thousand (each of which would go to a thousand phones).
    """
    key = f"{event}|{code}"
    _touch(code)
    with _lock:
        if key in _pending:
            return
        _pending.add(key)
    app = current_app._get_current_object()

    def flush() -> None:
        socketio.sleep(COALESCE_SECONDS)
        with _lock:
            _pending.discard(key)  # what arrives from now on schedules the next broadcast
        for attempt in range(FLUSH_ATTEMPTS):
            try:
                with app.app_context(), session_scope(app) as db:
                    payload = _PAYLOADS[event](db, code)
                break
            except sa.exc.TimeoutError:
                # An overloaded process has no free connection: the room must still get its
                # count (the last answers may have been the last), so wait and look again,
                # unless a newer broadcast has been scheduled meanwhile: it reads later.
                with _lock:
                    if key in _pending:
                        return
                log.warning("%s for %s postponed: no database connection", event, code)
                socketio.sleep(min(5.0, COALESCE_SECONDS * 2**attempt))
        else:
            log.error("%s for %s given up after %d attempts", event, code, FLUSH_ATTEMPTS)
            return
        if payload is not None:
            socketio.emit(event, payload, to=LIVE_ROOM.format(code))

    socketio.start_background_task(flush)


def _results_payload(db, code: str) -> dict | None:
    try:
        found = live_play.current_results(db, code)
    except NotFound:  # gone meanwhile (erased with its host): nobody left to tell
        return None
    return found.model_dump(mode="json") if found else None


def _presence_payload(db, code: str) -> dict | None:
    try:
        row = live.find(db, code)
    except NotFound:  # gone meanwhile (erased with its host): nobody left to tell
        return None
    return {
        "room": LIVE_ROOM.format(code),
        "count": live.participant_count(db, row),
        "names": live_play.shown_names(db, row),
    }


_PAYLOADS = {"live:results": _results_payload, "presence": _presence_payload}


def _resync_recent_sessions(app) -> None:
    """After the message queue was down, tell every room where things stand now."""
    now = time.monotonic()
    with _lock:
        codes = [code for code, seen in _recent.items() if now - seen < RECENT_SECONDS]
    with app.app_context(), session_scope(app) as db:
        for code in codes:
            row = live.find(db, code)
            room = LIVE_ROOM.format(code)
            if row.status == "ended":
                socketio.emit("live:ended", {"code": code, "recap": recap_event(db, row)}, to=room)
                continue
            socketio.emit("live:step", step_event(db, row), to=room)
            found = live_play.current_results(db, code)
            if found is not None:
                socketio.emit("live:results", found.model_dump(mode="json"), to=room)


def _register_recovery() -> None:
    app = current_app._get_current_object()
    if not app.extensions.get("live_recovery"):
        app.extensions["live_recovery"] = True
        after_queue_recovery.append(lambda: _resync_recent_sessions(app))


def _fields_html(session_row, step, locale: str, answer: Any) -> str:
    """The step's answer form; without an answer the same for every phone, so rendered once
    per step and language (a room of a thousand joins would otherwise render it each time)."""
    if answer is not None:
        with force_locale(locale):
            return render_template_string(FIELDS, step=step.model_copy(update={"answer": answer}))
    # Today's date too: a plan's suggested date counts from today.
    key = (session_row.quest_version_id, step.id, locale, date.today())
    found = _rendered_fields.get(key)
    if found is None:
        with force_locale(locale):
            found = render_template_string(FIELDS, step=step)
        with _lock:
            if len(_rendered_fields) >= 512:  # quest versions are few; keep it bounded anyway
                _rendered_fields.clear()
            _rendered_fields[key] = found
    return found


_rendered_fields: dict[tuple, str] = {}


FIELDS = '{% import "_steps.html" as steps %}{{ steps.fields(step) }}'


# -- the host screen ----------------------------------------------------------------------


@client_event("live:host", HostIn)
def host(user, data: HostIn) -> dict:
    """Take the host screen (a second tab takes over); returns the whole state."""
    db = get_session()
    live.claim_host(db, code=data.code, host_id=user.id, sid=request.sid)
    join_room(LIVE_ROOM.format(data.code))
    _touch(data.code)
    _register_recovery()
    row = live.find(db, data.code)
    found = live_play.current_results(db, data.code)
    return {
        "ok": True,
        "state": step_event(db, row),
        "results": found.model_dump(mode="json") if found else None,
        "names": live_play.shown_names(db, row),
        "follow_ups": len(follow_ups.requests_for(db, row)),
    }


@client_event("live:next", HostWriteIn)
def next_step(user, data: HostWriteIn) -> dict:
    db = get_session()
    live.advance(
        db, code=data.code, host_id=user.id, sid=request.sid, client_id=str(data.client_id)
    )
    return {"ok": True, "state": step_event(db, live.find(db, data.code))}


@client_event("live:reveal", HostWriteIn)
def reveal(user, data: HostWriteIn) -> dict:
    """Show the right answer of the open quiz question; the room hears it as `live:reveal`."""
    db = get_session()
    row = live_play.reveal(db, code=data.code, host_id=user.id, sid=request.sid)
    return {"ok": True, **reveal_event(db, row)}


def reveal_event(db, session_row) -> dict:
    """`live:reveal` in every language: the right answer and how many in the room had it."""
    step = live.current_step(db, session_row)
    return {
        "code": session_row.code,
        "step_id": step.id,
        "reveal": {
            locale: live_play.revealed(db, session_row, step, locale).model_dump(mode="json")
            for locale in LOCALES
        },
    }


@client_event("live:vote", VoteIn)
def vote(user, data: VoteIn) -> dict:
    """A phone's "me too" on a phrase on the screen; voting twice counts once."""
    db = get_session()
    counted = live_play.vote(
        db, code=data.code, user_id=user.id, step_id=data.step_id, key=data.key
    )
    return {"ok": True, "counted": counted}


@client_event("live:end", HostWriteIn)
def end(user, data: HostWriteIn) -> dict:
    """End the session at once; everyone's XP and badges follow in the background."""
    db = get_session()
    row = live.end(
        db, code=data.code, host_id=user.id, sid=request.sid, client_id=str(data.client_id)
    )
    return {
        "ok": True,
        "participants": live.participant_count(db, row),
        "follow_ups": len(follow_ups.requests_for(db, row)),
    }


def complete_runs_soon(session_id: int) -> None:
    """Complete an ended session's runs in the background (XP and badges follow as events)."""
    socketio.start_background_task(_complete_runs, current_app._get_current_object(), session_id)


def _complete_runs(app, session_id: int) -> None:
    """A batch at a time, letting the room's other messages through in between."""
    with app.app_context():
        books = app.extensions["catalog_source"].current()
        waits = 0
        while True:
            try:
                with session_scope(app) as db:
                    done = live.complete_runs(db, books, session_id=session_id)
            except sa.exc.TimeoutError:  # overloaded: each batch is its own transaction
                waits += 1
                if waits >= COMPLETION_ATTEMPTS:
                    log.error("completing the runs of live session %s given up", session_id)
                    return
                socketio.sleep(min(5.0, COALESCE_SECONDS * 2**waits))
                continue
            if not done:
                return
            socketio.sleep(0)


# -- the participants' phones -------------------------------------------------------------


@client_event("live:join", JoinIn, one_statement=True)
def join(user, data: JoinIn) -> dict:
    """Take a seat or come back to it: the current step and one's own earlier answers."""
    db = get_session()
    taken = live_play.take_seat(
        db, code=data.code, user_id=user.id, nickname=data.nickname, show_name=data.show_name
    )
    row = taken.live
    join_room(LIVE_ROOM.format(row.code))
    _touch(row.code)
    _register_recovery()
    current = live.current_step(db, row)
    found = live_play.results(db, row, current) if current is not None else None
    mine = taken.answers.get(current.id) if current is not None else None
    return {
        "ok": True,
        "state": step_event(db, row, answer=mine, participants=taken.participants),
        "seat": {
            "nickname": taken.nickname,
            "show_name": taken.show_name,
            "answers": taken.answers,
            "guest": taken.guest,
        },
        "results": found.model_dump(mode="json") if found else None,
    }


@client_event("live:answer", AnswerIn, one_statement=True)
def answer(user, data: AnswerIn) -> dict:
    """Committed before the ack; the same client_id again is a no-op with the same ack."""
    ack = live_answers.answer(
        get_session(),
        code=data.code,
        user_id=user.id,
        step_id=data.step_id,
        value=data.value,
        form=MultiDict(data.form) if data.form is not None else None,
        client_id=str(data.client_id),
        share=data.share,
    )
    return ack


@client_event("live:follow_up", FollowUpIn)
def follow_up(user, data: FollowUpIn) -> dict:
    follow_ups.ask(
        get_session(), code=data.code, user_id=user.id, topic=data.topic, contact=data.contact
    )
    return {"ok": True, "topic": data.topic}


@client_event("live:state", HostIn)
def state(user, data: HostIn) -> dict:
    """Where the session stands now, for a screen that may have missed something."""
    db = get_session()
    row = live.find(db, data.code)
    if row.host_id != user.id:
        live_play.seat_of(db, row, user.id)  # only the host and the seated may look
    found = live_play.current_results(db, data.code)
    return {
        "ok": True,
        "state": step_event(db, row),
        "results": found.model_dump(mode="json") if found else None,
    }
