"""Server-to-client notices that any process can send (through Redis when configured)."""

from ..extensions import socketio
from . import USER_ROOM


def publish_session_ended(user_id: int) -> None:
    """Tell every open tab of this user that its login ended (logout, password change)."""
    socketio.emit("session:ended", {}, to=USER_ROOM.format(user_id))
