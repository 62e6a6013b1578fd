"""Server-to-client notices that any process can send (through Redis when configured)."""

from ..extensions import socketio
from . import BEARER_ROOM, LOGIN_ROOM, USER_ROOM
from .rooms import evict


def publish_session_ended(user_id: int) -> None:
    """Tell every open tab of this user that its login ended, then close those sockets.

    Logout and a password change end every cookie login of the user; bearer tokens stay
    valid until revoked (see `publish_token_revoked`).
    """
    socketio.emit("session:ended", {}, to=LOGIN_ROOM.format(user_id))
    evict(LOGIN_ROOM.format(user_id))


def publish_token_revoked(token_id: int) -> None:
    socketio.emit("session:ended", {}, to=BEARER_ROOM.format(token_id))
    evict(BEARER_ROOM.format(token_id))


def publish_user_gone(user_id: int) -> None:
    """Every login and token of the user ended (a new password, deletion): close every socket."""
    socketio.emit("session:ended", {}, to=USER_ROOM.format(user_id))
    evict(USER_ROOM.format(user_id))
