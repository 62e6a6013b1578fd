"""Socket.IO: who may connect, the per-user room, and the identity every handler relies on.

A socket is accepted only with a valid login cookie or `auth={"token": ...}`; an explicit
token wins over a cookie. Each event re-checks that the login it connected with is still
valid, so a logout or password change also ends access on sockets that are already open.
"""

import logging
import secrets

from flask import request
from flask import session as socket_session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from ..auth import Account, account_for_token
from ..db import database_unavailable, get_session
from ..extensions import socketio
from ..services.common.errors import DomainError
from ..services.identity import accounts, logins
from ..two_factor import needs_enrolment
from ..wording import said

log = logging.getLogger(__name__)

USER_ROOM = "user:{}"
# Sockets grouped by how they logged in, so that ending that login can evict exactly them.
LOGIN_ROOM = "login:{}"
BEARER_ROOM = "bearer:{}"

# Areas (live, groups) register what to do when a socket goes away (presence, say).
disconnect_hooks: list = []


def _connecting_account(auth) -> Account | None:
    if isinstance(auth, dict) and "token" in auth:
        token = auth["token"]
        return account_for_token(token) if isinstance(token, str) else None
    return current_user._get_current_object() if current_user.is_authenticated else None


@socketio.on("connect")
def on_connect(auth=None):
    account = _connecting_account(auth)
    if account is None:
        raise ConnectionRefusedError("unauthorized")
    if needs_enrolment(account):
        raise ConnectionRefusedError("two_factor_setup_required")
    socket_session["socket_identity"] = {
        "user_id": account.id,
        "via": account.via,
        # A cookie login ends when the session token rotates; a token login when it is revoked.
        "session_token": account.user.session_token if account.via == "cookie" else None,
        "token_id": account.token_id,
    }
    join_room(USER_ROOM.format(account.id))
    if account.via == "token":
        join_room(BEARER_ROOM.format(account.token_id))
    else:
        join_room(LOGIN_ROOM.format(account.id))


@socketio.on("disconnect")
def on_disconnect(_reason=None):
    from .events import forget_connection

    forget_connection(request.sid)
    for hook in disconnect_hooks:
        try:
            hook(request.sid)
        except Exception:  # one area's cleanup must not keep the others from theirs
            log.exception("disconnect hook %s failed", getattr(hook, "__name__", hook))


def socket_user() -> logins.Player | None:
    """The player behind this socket, or None (and the socket closed) if the login has ended."""
    identity = socket_session.get("socket_identity")
    if identity is None:
        return None
    player = logins.still_valid(
        get_session(),
        user_id=identity["user_id"],
        via=identity["via"],
        session_token=identity["session_token"],
        token_id=identity["token_id"],
    )
    if player is None:
        disconnect_after_reply(request.sid)
    return player


def disconnect_after_reply(sid: str) -> None:
    # Close the socket only after the refusal has reached the client through the ack.
    def close() -> None:
        socketio.sleep(0.2)
        socketio.server.disconnect(sid)

    socketio.start_background_task(close)


def refusal(code: str, message: str) -> dict:
    return {"ok": False, "error": {"code": code, "message": message}}


@socketio.on_error_default
def answer_failures(exc: Exception) -> dict:
    """Every event gets an ack, also when it fails; no internals leave the server."""
    if isinstance(exc, DomainError):
        return refusal(exc.code, said(exc))
    if database_unavailable(exc):  # nothing was stored: the client may send it again
        log.warning("socket event failed, database unavailable: %s", exc)
        return refusal("unavailable", _("The service is briefly unavailable. Try again soon."))
    incident = secrets.token_hex(4)
    log.exception("socket event failed (incident %s)", incident, exc_info=exc)
    return refusal(
        "internal_error", _("Something went wrong on our side. Incident %(id)s.", id=incident)
    )


# Through the same door as every other event (rate limit, login check); it takes no data.
from .events import client_event  # noqa: E402


@client_event("session:whoami")
def whoami(user, _payload) -> dict:
    """Tell the client who this socket belongs to (and prove the login is still valid)."""
    db = get_session()
    row = accounts.get_user(db, user.id)
    return {"ok": True, "user": accounts.public(db, row).model_dump(mode="json")}


# Areas register their events on import.
from . import challenges, coaching, groups, live  # noqa: E402,F401
