"""Taking sockets out of rooms at once, in every server process.

Rooms name who a socket belongs to (`user:<id>`, `login:<id>` for cookie logins, `token:<id>`
for bearer tokens). To take someone out of `group:7`, or off the server altogether, every
process must act on its own sockets. python-socketio already carries `close_room` to every
process through the message queue; an eviction travels as a close_room of a reserved name,
which the managers below read as "for each of my sockets in <who>, leave <room>".
"""

import socketio as socketio_server

from ..extensions import socketio

EVICTION = "evict|"
EVERY_ROOM = "*"  # evicting from every room means disconnecting


def evict(who: str, room: str = EVERY_ROOM) -> None:
    """Take the sockets in room `who` out of `room` (or disconnect them), in every process."""
    socketio.close_room(f"{EVICTION}{who}|{room}")


def _evict_here(manager, eviction: str, namespace: str | None) -> None:
    who, room = eviction[len(EVICTION) :].rsplit("|", 1)
    namespace = namespace or "/"
    for sid, _eio_sid in list(manager.get_participants(namespace, who)):
        if room == EVERY_ROOM:
            manager.server.disconnect(sid, namespace=namespace, ignore_queue=True)
        else:
            socketio_server.Manager.leave_room(manager, sid, namespace, room)


class EvictingManager(socketio_server.Manager):
    """One process, no queue."""

    def close_room(self, room, namespace):
        if room.startswith(EVICTION):
            return _evict_here(self, room, namespace)
        return super().close_room(room, namespace)


class EvictingRedisManager(socketio_server.RedisManager):
    """Several processes sharing rooms through Redis pub/sub."""

    def _handle_close_room(self, message):
        room = message.get("room") or ""
        if room.startswith(EVICTION):
            return _evict_here(self, room, message.get("namespace"))
        return super()._handle_close_room(message)
