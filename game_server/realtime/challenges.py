"""Challenge progress, live: the collective goal reaches the participants' open pages.

A join or a completed quest moves the goal. Participants hear `challenge:progress` at most
once per THROTTLE_SECONDS per challenge, across all processes (a Redis key when configured):
the first move goes out at once, later ones in the window are folded into one message at
its end, so the last figure always arrives.
"""

import logging
import threading
import time

import redis
from flask import current_app
from flask_socketio import join_room

from ..db import get_session, session_scope
from ..extensions import socketio
from ..services.common.errors import NotFound
from ..services.funds import challenges
from .events import Payload, RowId, client_event

log = logging.getLogger(__name__)
CHALLENGE_ROOM = "challenge:{}"
THROTTLE_SECONDS = 5.0


class ChallengeRef(Payload):
    challenge_id: RowId


@client_event("challenge:enter", ChallengeRef)
def enter_challenge(user, data: ChallengeRef) -> dict:
    """A participant's page listens to the collective goal (anyone else: not found)."""
    session = get_session()
    challenge = challenges.get(session, data.challenge_id)
    challenges.participant(session, challenge, user.id)
    join_room(CHALLENGE_ROOM.format(challenge.id))
    return {"ok": True, "progress": challenges.collective(session, challenge) | _id(challenge)}


def _id(challenge) -> dict:
    return {"challenge_id": challenge.id}


class MemoryWindows:
    """Throttle windows of one process (no Redis: one process serves everything)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}
        self._pending: set[str] = set()

    def open(self, key: str, seconds: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._until.get(key, 0) > now:
                return False
            self._until[key] = now + seconds
            return True

    def remaining(self, key: str) -> float:
        return max(0.0, self._until.get(key, 0) - time.monotonic())

    def mark_pending(self, key: str, seconds: float) -> bool:
        with self._lock:
            if key in self._pending:
                return False
            self._pending.add(key)
            return True

    def clear_pending(self, key: str) -> None:
        with self._lock:
            self._pending.discard(key)


class RedisWindows:
    """The same windows shared by every process: SET NX with an expiry is the window."""

    def __init__(self, url: str, prefix: str):
        self.redis = redis.Redis.from_url(url, socket_timeout=2)
        self.prefix = prefix

    def _key(self, key: str, kind: str) -> str:
        return f"{self.prefix}:throttle:{kind}:{key}"

    def open(self, key: str, seconds: float) -> bool:
        return bool(self.redis.set(self._key(key, "window"), 1, nx=True, px=int(seconds * 1000)))

    def remaining(self, key: str) -> float:
        return max(0.0, self.redis.pttl(self._key(key, "window")) / 1000)

    def mark_pending(self, key: str, seconds: float) -> bool:
        return bool(self.redis.set(self._key(key, "pending"), 1, nx=True, px=int(seconds * 2000)))

    def clear_pending(self, key: str) -> None:
        self.redis.delete(self._key(key, "pending"))


def _windows():
    app = current_app._get_current_object()
    windows = app.extensions.get("challenge_windows")
    if windows is None:
        settings = app.config["GAME_SETTINGS"]
        windows = (
            RedisWindows(settings.redis_url, settings.socketio_channel)
            if settings.redis_url
            else MemoryWindows()
        )
        app.extensions["challenge_windows"] = windows
    return windows


def goal_moved(challenge_ids) -> None:
    """Tell the participants, now or at the end of this challenge's window."""
    windows = _windows()
    app = current_app._get_current_object()
    for challenge_id in set(challenge_ids):
        key = f"challenge:{challenge_id}"
        try:
            if windows.open(key, THROTTLE_SECONDS):
                # Counted in a task of its own: this request may still hold the (SQLite)
                # connection that the count needs.
                socketio.start_background_task(_publish, app, challenge_id)
            elif windows.mark_pending(key, THROTTLE_SECONDS):
                socketio.start_background_task(_trailing, app, windows, key, challenge_id)
        except redis.RedisError:
            # Progress bars are a nicety: a Redis outage must not fail the join or the answer.
            continue


def _trailing(app, windows, key: str, challenge_id: int) -> None:
    socketio.sleep(windows.remaining(key) + 0.05)
    windows.clear_pending(key)
    if windows.open(key, THROTTLE_SECONDS):
        _publish(app, challenge_id)


def _publish(app, challenge_id: int) -> None:
    try:
        with app.app_context(), session_scope(app) as db:
            challenge = challenges.get(db, challenge_id)
            payload = challenges.collective(db, challenge) | _id(challenge)
    except NotFound:  # withdrawn meanwhile: there is no bar left to move
        log.info("challenge %s: gone before its progress was sent", challenge_id)
        return
    except Exception:  # noqa: BLE001 - a progress bar must never take anything down with it
        log.warning("challenge %s: progress not sent", challenge_id, exc_info=True)
        return
    socketio.emit(
        "challenge:progress",
        {**payload, "goal_kind": str(payload["goal_kind"])},
        to=CHALLENGE_ROOM.format(challenge_id),
    )
