"""What a socket may send before any event handler runs: bounded, well-formed messages.

Engine.IO checks the size of a websocket message only after it has read all of it, and
simple-websocket inflates compressed messages without a limit: one client could make the
server hold hundreds of megabytes before the check refuses it. Here the websocket stops
reading at `max_http_buffer_size` and closes that sender's connection (close code 1009);
the sender may reconnect. A packet that cannot be read (bad JSON, nesting deeper than the
parser's recursion limit, a binary attachment, which no event of ours takes) is dropped with
one log line rather than a traceback, and the connection stays open.

python-socketio also hands a client *event* named "connect" or "disconnect" to the handlers
of the real connect and disconnect: a client could log its socket in again or run the
disconnect clean-up while staying connected. Such events are dropped like unknown ones.
"""

import logging

from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from socketio import packet

log = logging.getLogger(__name__)

BINARY_PACKETS = {str(packet.BINARY_EVENT), str(packet.BINARY_ACK)}


def harden(server) -> None:
    """Apply these rules to a python-socketio server (call after `socketio.init_app`)."""
    _cap_websocket_messages(server.eio)
    _drop_unreadable_packets(server)
    _refuse_lifecycle_events(server)


def _cap_websocket_messages(eio) -> None:
    websocket = eio._async.get("websocket")
    if websocket is None or not issubclass(websocket, SimpleWebSocketWSGI):
        return  # another websocket implementation: engine.io's own check is all there is
    limit = eio.max_http_buffer_size

    class CappedWebSocket(websocket):
        def __init__(self, handler, server, **kwargs):
            super().__init__(handler, server, **kwargs)
            self.server_args = {**self.server_args, "max_message_size": limit}

    # A copy: the driver's dict is shared by every server in this process.
    eio._async = {**eio._async, "websocket": CappedWebSocket}


def _drop_unreadable_packets(server) -> None:
    dispatch = server._handle_eio_message

    def on_message(eio_sid, data):
        if isinstance(data, bytes) or data[:1] in BINARY_PACKETS:
            log.warning("socket %s sent a binary packet; dropped", eio_sid)
            return None
        try:
            return dispatch(eio_sid, data)
        except (ValueError, RecursionError, TypeError, KeyError, IndexError) as unreadable:
            # Handlers never raise to here (Flask-SocketIO answers their failures): this is
            # the packet itself. JSONDecodeError is a ValueError.
            log.warning(
                "socket %s sent a packet that cannot be read (%s); dropped",
                eio_sid,
                type(unreadable).__name__,
            )
            return None

    server.eio.on("message", on_message)


def _refuse_lifecycle_events(server) -> None:
    handle_event = server._handle_event

    def on_event(eio_sid, namespace, ack_id, data):
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            log.warning("socket %s sent an event without a name; dropped", eio_sid)
            return None
        if data[0] in server.reserved_events:
            log.warning("socket %s sent a %r event; dropped", eio_sid, data[0])
            return None
        return handle_event(eio_sid, namespace, ack_id, data)

    # An instance attribute: _handle_eio_message looks the method up on the instance.
    server._handle_event = on_event
