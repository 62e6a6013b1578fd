"""Server-to-client notices that any process can send (through Redis when configured)."""

from ..extensions import socketio
from . import BEARER_ROOM, LOGIN_ROOM, USER_ROOM
from .challenges import after_completion
from .coaching import publish_client_progress
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


def publish_progress(user_id: int, view, catalog, locale: str) -> None:
    """XP and badges from a completed quest reach every open tab of the worker at once,
    and a linked coach's open view of the worker."""
    publish_client_progress(user_id, view)
    room = USER_ROOM.format(user_id)
    if view.xp_gained:
        socketio.emit("xp:gained", {"quest_id": view.quest_id, "xp": view.xp_gained}, to=room)
    if view.status == "completed":
        socketio.emit(
            "quest:completed", {"quest_id": view.quest_id, "run_id": view.run_id}, to=room
        )
        after_completion(user_id, view.quest_id)
    for badge_id in view.badges_awarded or []:
        badge = catalog.library.badges.get(badge_id)
        title = badge.title.get(locale) if badge else badge_id
        socketio.emit("badge:awarded", {"badge_id": badge_id, "title": title}, to=room)
