"""A live room keeps its broadcasts when the process is out of database connections for a while."""

import logging
import time
import uuid

from game_server import db
from game_server.db import get_engine, session_scope
from game_server.extensions import socketio
from game_server.models import Role
from game_server.realtime import live as live_events
from game_server.services.together import live

from ..factories import bearer_for, make_user


def _poll(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    return predicate()


def test_a_coalesced_broadcast_waits_for_a_connection_instead_of_being_lost(
    app_factory, monkeypatch, caplog
):
    """Found by the soak (bench/soak.py): on an overloaded process the coalesced `presence`
    and `live:results` broadcasts failed for want of a database connection and never went
    out, so a room could keep showing an old count."""
    monkeypatch.setattr(db, "POOL_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(live_events, "COALESCE_SECONDS", 1.0)  # time to take the connection
    app = app_factory()  # SQLite: one connection for the whole process
    coach, player = make_user(app, Role.COACH), make_user(app)
    catalog = app.extensions["catalog_source"].current()
    with session_scope(app) as session:
        code = live.create(session, catalog, host_id=coach.id, quest_id="at-the-depot").code
    token = bearer_for(app, player)["Authorization"].removeprefix("Bearer ")
    phone = socketio.test_client(app, auth={"token": token})
    try:
        caplog.set_level(logging.WARNING, logger="game_server.realtime.live")
        joined = phone.emit(
            "live:join", {"code": code, "client_id": str(uuid.uuid4())}, callback=True
        )
        assert joined["ok"], joined
        phone.get_received()  # what came with the join itself
        with get_engine(app).connect():  # a long request holds the only connection
            assert _poll(lambda: "postponed" in caplog.text), "the broadcast never tried"
        presence = _poll(lambda: [m for m in phone.get_received() if m["name"] == "presence"])
        assert presence and presence[0]["args"][0]["count"] == 1
    finally:
        phone.disconnect()
