"""Taking sockets out of rooms at once, in every server process.

Rooms name who a socket belongs to (`user:<id>`, `login:<id>` for cookie logins, `token:<id>`
for bearer tokens). To take someone out of `group:7`, or off the server altogether, every
process must act on its own sockets. python-socketio already carries `close_room` to every
process through the message queue; an eviction travels as a close_room of a reserved name,
which the managers below read as "for each of my sockets in <who>, leave <room>".
"""

import logging

import socketio as socketio_server

from ..extensions import socketio

log = logging.getLogger(__name__)

# Called (without arguments) once the message queue works again after messages were lost,
# so that areas can tell their rooms where things stand (live sessions resync their screens).
after_queue_recovery: list = []
RECOVERY_CHECK_SECONDS = 1.0
# The other processes resubscribe on their own back-off (1, 2, 4 s ...): resync more than
# once, so that rooms served by a process that comes back later hear it too.
RESYNC_AFTER_RECOVERY = (0.0, 3.0, 10.0)

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
    """Several processes sharing rooms through Redis pub/sub.

    When Redis is down, python-socketio gives a broadcast up after one retry. We note that
    something was lost and, once Redis answers again, ask the areas to resync their rooms.
    """

    lost_messages = False

    def initialize(self):
        super().initialize()
        if not self.write_only:
            self.server.start_background_task(self._watch_for_recovery)

    def _publish(self, data):
        delivered = super()._publish(data)
        if delivered is None:
            self.lost_messages = True
        return delivered

    def _watch_for_recovery(self):
        while True:
            self.server.sleep(RECOVERY_CHECK_SECONDS)
            if not self.lost_messages:
                continue
            try:
                if not self.connected:
                    self._redis_connect()
                self.redis.ping()
            except Exception as still_down:  # look again in a moment
                log.debug("message queue still down: %s", still_down)
                continue
            self.lost_messages = False
            log.warning("message queue is back; resyncing rooms")
            self.server.start_background_task(self._resync_rooms)

    def _resync_rooms(self):
        waited = 0.0
        for delay in RESYNC_AFTER_RECOVERY:
            self.server.sleep(delay - waited)
            waited = delay
            for resync in list(after_queue_recovery):
                try:
                    resync()
                except Exception:
                    log.exception("resync after queue recovery failed")

    def _handle_close_room(self, message):
        room = message.get("room") or ""
        if room.startswith(EVICTION):
            return _evict_here(self, room, message.get("namespace"))
        return super()._handle_close_room(message)
