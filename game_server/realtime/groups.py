"""Peer groups over Socket.IO: the room `group:<id>`, presence, and the group's activity.

Every event checks the membership again; only `group:enter` joins the room, and only for a
member. Leaving or being removed takes the member's sockets out of the room in every process.
Presence is a set of sockets per group: in Redis when configured (shared by all processes),
else in this process's memory.
"""

import functools
import json
import logging
import threading

import redis
from flask import current_app, request
from flask_socketio import join_room, leave_room
from pydantic import Field

from ..current import catalog
from ..db import get_session
from ..extensions import socketio
from ..services.common.errors import N_, NotFound
from ..services.play import group_play, groups, idempotency
from . import USER_ROOM, disconnect_hooks
from .events import ClientId, Payload, RowId, client_event
from .rooms import evict

log = logging.getLogger(__name__)

GROUP_ROOM = "group:{}"
# A process that dies cannot clean up after its sockets: its entries expire in the end.
PRESENCE_TTL_SECONDS = 12 * 3600


class MemoryPresence:
    """Presence for one process (the embedded default)."""

    def __init__(self):
        self._groups: dict[int, dict[str, dict]] = {}
        self._lock = threading.Lock()

    def add(self, group_id: int, sid: str, user_id: int, name: str) -> None:
        with self._lock:
            self._groups.setdefault(group_id, {})[sid] = {"user_id": user_id, "name": name}

    def remove(self, group_id: int, sid: str) -> None:
        with self._lock:
            self._groups.get(group_id, {}).pop(sid, None)

    def remove_sid(self, sid: str) -> list[int]:
        with self._lock:
            left = [g for g, sids in self._groups.items() if sids.pop(sid, None) is not None]
        return left

    def drop_user(self, group_id: int, user_id: int) -> None:
        with self._lock:
            sids = self._groups.get(group_id, {})
            for sid in [s for s, who in sids.items() if who["user_id"] == user_id]:
                del sids[sid]

    def entries(self, group_id: int) -> list[dict]:
        with self._lock:
            return list(self._groups.get(group_id, {}).values())


def _without_redis(empty):
    """While Redis is away, presence is unknown rather than an error: nobody shows as online,
    changes are dropped (entries left behind expire), and the group pages and events work."""

    def wrap(method):
        @functools.wraps(method)
        def tolerant(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except redis.RedisError as exc:
                log.warning("group presence unavailable: %s", exc)
                return empty()

        return tolerant

    return wrap


class RedisPresence:
    """Presence shared by every server process: a hash per group (socket id -> member) and a
    set per socket (its groups), so a disconnect knows where to clean up."""

    def __init__(self, url: str, prefix: str):
        # Many sockets leave at once when a room empties: wait for a connection rather than
        # fail (redis-py's default pool raises once 100 are in use).
        pool = redis.BlockingConnectionPool.from_url(
            url, max_connections=50, timeout=5, socket_timeout=5
        )
        self.redis = redis.Redis(connection_pool=pool)
        self.prefix = prefix

    def _group(self, group_id: int) -> str:
        return f"{self.prefix}:presence:group:{group_id}"

    def _sid(self, sid: str) -> str:
        return f"{self.prefix}:presence:sid:{sid}"

    @_without_redis(lambda: None)
    def add(self, group_id: int, sid: str, user_id: int, name: str) -> None:
        pipe = self.redis.pipeline()
        pipe.hset(self._group(group_id), sid, json.dumps({"user_id": user_id, "name": name}))
        pipe.expire(self._group(group_id), PRESENCE_TTL_SECONDS)
        pipe.sadd(self._sid(sid), group_id)
        pipe.expire(self._sid(sid), PRESENCE_TTL_SECONDS)
        pipe.execute()

    @_without_redis(lambda: None)
    def remove(self, group_id: int, sid: str) -> None:
        self.redis.hdel(self._group(group_id), sid)
        self.redis.srem(self._sid(sid), group_id)

    @_without_redis(list)
    def remove_sid(self, sid: str) -> list[int]:
        group_ids = [int(g) for g in self.redis.smembers(self._sid(sid))]
        pipe = self.redis.pipeline()
        for group_id in group_ids:
            pipe.hdel(self._group(group_id), sid)
        pipe.delete(self._sid(sid))
        pipe.execute()
        return group_ids

    @_without_redis(lambda: None)
    def drop_user(self, group_id: int, user_id: int) -> None:
        for sid, raw in self.redis.hgetall(self._group(group_id)).items():
            if json.loads(raw)["user_id"] == user_id:
                self.remove(group_id, sid.decode())

    @_without_redis(list)
    def entries(self, group_id: int) -> list[dict]:
        return [json.loads(raw) for raw in self.redis.hvals(self._group(group_id))]


def presence_store():
    app = current_app._get_current_object()
    store = app.extensions.get("group_presence")
    if store is None:
        settings = app.config["GAME_SETTINGS"]
        if settings.redis_url:
            store = RedisPresence(settings.redis_url, settings.socketio_channel)
        else:
            store = MemoryPresence()
        app.extensions["group_presence"] = store
    return store


def online(group_id: int) -> list[dict]:
    """Who has the group open right now: one entry per member, however many tabs."""
    seen: dict[int, dict] = {}
    for entry in presence_store().entries(group_id):
        seen.setdefault(entry["user_id"], entry)
    return sorted(seen.values(), key=lambda e: (e["name"].lower(), e["user_id"]))


def online_user_ids(group_id: int) -> set[int]:
    return {entry["user_id"] for entry in online(group_id)}


def publish_presence(group_id: int) -> None:
    room = GROUP_ROOM.format(group_id)
    socketio.emit("presence", {"room": room, "online": online(group_id)}, to=room)


def publish(activities) -> None:
    """Send activities to their groups' rooms; a member who left is taken out of the room."""
    for activity in activities:
        room = GROUP_ROOM.format(activity.group_id)
        socketio.emit(
            "group:activity", activity.model_dump(mode="json", exclude_none=True), to=room
        )
        if activity.kind in ("member_left", "member_removed"):
            evict(USER_ROOM.format(activity.user_id), room)
            presence_store().drop_user(activity.group_id, activity.user_id)
            publish_presence(activity.group_id)


# Sockets of this process that opened a group: only those have presence to clean up, so a
# thousand phones leaving a live session cost nothing here.
_with_presence: set[str] = set()


def _forget_socket(sid: str) -> None:
    if sid not in _with_presence:
        return
    _with_presence.discard(sid)
    for group_id in presence_store().remove_sid(sid):
        publish_presence(group_id)


disconnect_hooks.append(_forget_socket)


# -- client events ------------------------------------------------------------------------


class GroupRef(Payload):
    group_id: RowId


class ShareIn(Payload):
    group_id: RowId
    answer_id: RowId
    client_id: ClientId


class AnswerIn(Payload):
    group_id: RowId
    run_id: RowId
    step_id: str = Field(min_length=1, max_length=60)
    value: object = None
    share: bool = False
    client_id: ClientId


def _state(user, group_id: int) -> dict:
    state = groups.group_state(
        get_session(),
        group_id=group_id,
        user_id=user.id,
        online_user_ids=online_user_ids(group_id),
        locale=user.locale,
    )
    return state.model_dump(mode="json")


@client_event("group:enter", GroupRef)
def enter(user, payload: GroupRef) -> dict:
    """Join the group's room (members only) and get the group as it is now."""
    session = get_session()
    groups.require_member(session, group_id=payload.group_id, user_id=user.id)
    room = GROUP_ROOM.format(payload.group_id)
    join_room(room)
    # A removal committed between the check and the join would have evicted nobody: look again.
    session.rollback()
    if groups.membership(session, group_id=payload.group_id, user_id=user.id) is None:
        leave_room(room)
        raise NotFound(N_("No such group."))
    _with_presence.add(request.sid)
    presence_store().add(payload.group_id, request.sid, user.id, user.display_name)
    publish_presence(payload.group_id)
    return {"ok": True, "group": _state(user, payload.group_id)}


@client_event("group:exit", GroupRef)
def exit_room(user, payload: GroupRef) -> dict:
    """Close the group on this socket: leave the room and the presence list."""
    groups.require_member(get_session(), group_id=payload.group_id, user_id=user.id)
    leave_room(GROUP_ROOM.format(payload.group_id))
    presence_store().remove(payload.group_id, request.sid)
    publish_presence(payload.group_id)
    return {"ok": True}


@client_event("group:share", ShareIn)
def share(user, payload: ShareIn) -> dict:
    def act() -> dict:
        result = group_play.share_answer(
            get_session(),
            catalog(),
            group_id=payload.group_id,
            user_id=user.id,
            answer_id=payload.answer_id,
            locale=user.locale,
        )
        return {"ok": True, **result.model_dump(mode="json")}

    return _once(user, "group:share", payload, act)


@client_event("group:unshare", ShareIn)
def unshare(user, payload: ShareIn) -> dict:
    def act() -> dict:
        result = group_play.unshare_answer(
            get_session(), group_id=payload.group_id, user_id=user.id, answer_id=payload.answer_id
        )
        return {"ok": True, **result.model_dump(mode="json")}

    return _once(user, "group:unshare", payload, act)


@client_event("group:answer", AnswerIn)
def answer(user, payload: AnswerIn) -> dict:
    """Answer a step of my group run (the run shape comes back); the client_id is the key."""
    view = group_play.answer(
        get_session(),
        catalog(),
        group_id=payload.group_id,
        run_id=payload.run_id,
        user_id=user.id,
        step_id=payload.step_id,
        value=payload.value,
        idempotency_key=f"group:answer:{payload.client_id}",
        share=payload.share,
        locale=user.locale,
    )
    return {"ok": True, "run": view.model_dump(mode="json")}


def _once(user, event: str, payload: Payload, act) -> dict:
    """Run a write once per client_id; a retry gets the first ack (membership checked again)."""
    session = get_session()
    groups.require_member(session, group_id=payload.group_id, user_id=user.id)
    return idempotency.once(
        session,
        user_id=user.id,
        key=f"{event}:{payload.client_id}",
        request=payload.model_dump(mode="json"),
        act=act,
    )
