"""Taking sockets out of rooms at once, in every server process.

Rooms name who a socket belongs to (`user:<id>`, `login:<id>` for cookie logins, `token:<id>`
for bearer tokens). To take someone out of `group:7`, or off the server altogether, every
process must act on its own sockets. python-socketio already carries `close_room` to every
process through the message queue; an eviction travels as a close_room of a reserved name,
which the managers below read as "for each of my sockets in <who>, leave <room>".
"""

import logging
import threading

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

    def _publisher(self):
        """The client to publish with; connecting it makes no listening connection."""
        if self.redis is None:
            self.redis = self._get_redis_module().Redis.from_url(
                self.redis_url, **self.redis_options
            )
        return self.redis

    def _watch_for_recovery(self):
        while True:
            self.server.sleep(RECOVERY_CHECK_SECONDS)
            if not self.lost_messages:
                continue
            try:
                self._publisher().ping()
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


class RoomChannelRedisManager(EvictingRedisManager):
    """A channel per room on the same Redis: a message for a room goes on that room's
    channel, and a process listens only to the rooms it holds a member of.

    With python-socketio's one channel, every process receives every message of every room
    and drops what it has no member for (about 150 µs each, docs/benchmarks.md), so adding
    processes added that work to all of them and to Redis. Here a live session's answers
    reach only the processes that hold its phones and host. Everything without a room (a
    broadcast to everyone, a socket of another process taken out of a room or off the
    server, callbacks) still goes on the shared channel. A socket's own room (its sid) is a
    room too, so a message for one socket reaches the process that holds it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._room_channels: set[str] = set()
        self._subscribing = threading.Lock()  # gevent's, under the server

    def room_channel(self, namespace: str, room: str) -> str:
        return f"{self.channel}|{namespace}|{room}"

    def _channel_for(self, data: dict) -> str:
        """A room's own channel for a message to one room; the shared channel for the rest
        (several rooms at once, callbacks, and every message that is not an emit)."""
        room = data.get("room")
        if data.get("method") == "emit" and isinstance(room, str) and not data.get("callback"):
            return self.room_channel(data.get("namespace") or "/", room)
        return self.channel

    def _publish(self, data):
        delivered = self._publish_on(self._channel_for(data), data)
        if delivered is None:
            self.lost_messages = True
        return delivered

    def _publish_on(self, channel: str, data):
        # As python-socketio's own publish: one retry, then give up. Unlike it, a failure does
        # not reconnect through _redis_connect, which would also replace the listener's
        # subscriptions with ones nobody reads; the client's pool reconnects by itself.
        for retry in (True, False):
            try:
                return self._publisher().publish(channel, self.json.dumps(data))
            except Exception as exc:  # noqa: BLE001 (a lost message is noted, not raised)
                if not retry:
                    log.error("cannot publish to redis, giving up: %s", exc)
        return None

    # -- which rooms this process listens to ---------------------------------------------

    def basic_enter_room(self, sid, namespace, room, eio_sid=None):
        first = room is not None and room not in self.rooms.get(namespace, {})
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        if first and not self.write_only:
            self._listen_to(self.room_channel(namespace, room))

    def basic_leave_room(self, sid, namespace, room):
        super().basic_leave_room(sid, namespace, room)
        if room is not None and room not in self.rooms.get(namespace, {}):
            self._stop_listening(self.room_channel(namespace, room))

    def _listen_to(self, channel: str) -> None:
        with self._subscribing:
            if channel in self._room_channels:
                return
            self._room_channels.add(channel)
            pubsub = getattr(self, "pubsub", None)
            if pubsub is None:
                return  # not connected yet: connecting subscribes to every room channel
            try:
                pubsub.subscribe(channel)
            except Exception as exc:  # noqa: BLE001 (the listener reconnects and resubscribes)
                log.warning("cannot subscribe to %s yet: %s", channel, exc)

    def _stop_listening(self, channel: str) -> None:
        with self._subscribing:
            if channel not in self._room_channels:
                return
            self._room_channels.discard(channel)
            pubsub = getattr(self, "pubsub", None)
            if pubsub is None:
                return
            try:
                pubsub.unsubscribe(channel)
            except Exception as exc:  # noqa: BLE001 (a stray message is dropped: no member)
                log.debug("cannot unsubscribe from %s: %s", channel, exc)

    def _redis_connect(self):
        """A new listening connection (the listener's, at its start and after an error),
        subscribed at once to the shared channel and every room of ours. Under the lock, so
        that no room is subscribed on the new connection before it exists: two first
        subscriptions at once would open two connections, and the listener reads only one."""
        super()._redis_connect()
        if self.write_only:
            return
        with self._subscribing:
            self.pubsub.subscribe(self.channel, *self._room_channels)

    def _listen(self):
        shared = self.channel.encode("utf-8")
        for message in self._redis_listen_with_retries():
            if message["type"] != "message" or "data" not in message:
                continue
            channel = message["channel"]
            if channel == shared or channel.decode("utf-8") in self._room_channels:
                yield message["data"]
