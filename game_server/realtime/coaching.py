"""A coach's live view of one client: only while the worker's consent is in force.

The coach's socket enters `client:<worker_id>` after the same check as the HTTP route; the
worker's progress is published there. Withdrawing consent evicts the coach's sockets from
that room at once, in every process, and every later event gets `not_found`.
"""

from flask_socketio import join_room

from ..current import catalog
from ..db import get_session
from ..extensions import socketio
from ..services.guidance import coaching
from . import USER_ROOM
from .events import Payload, RowId, client_event
from .rooms import evict

CLIENT_ROOM = "client:{}"


class ClientRef(Payload):
    worker_id: RowId


@client_event("coach:client", ClientRef)
def watch_client(user, data: ClientRef) -> dict:
    """The client as the coach may see them now; live updates follow on this socket."""
    detail = coaching.client(
        get_session(),
        catalog(),
        coach_id=user.id,
        worker_id=data.worker_id,
        locale=user.locale,
        reason="coach:live_view",
    )
    join_room(CLIENT_ROOM.format(data.worker_id))
    return {"ok": True, "client": detail.model_dump(mode="json")}


def publish_client_progress(worker_id: int, quest_id: str, xp: dict[str, int]) -> None:
    """A linked coach's open view hears that the worker finished a quest (progress only)."""
    socketio.emit(
        "client:progress",
        {"worker_id": worker_id, "quest_id": quest_id, "xp": xp},
        to=CLIENT_ROOM.format(worker_id),
    )


def publish_link_withdrawn(coach_id: int, worker_id: int) -> None:
    evict(USER_ROOM.format(coach_id), CLIENT_ROOM.format(worker_id))
    socketio.emit("coach:link_withdrawn", {"worker_id": worker_id}, to=USER_ROOM.format(coach_id))


def publish_assignment(view) -> None:
    """The worker's open tabs hear of a new assignment at once."""
    socketio.emit(
        "assignment:new", view.model_dump(mode="json"), to=USER_ROOM.format(view.worker_id)
    )


def publish_feedback(user_id: int, answer_id: int, item) -> None:
    """Feedback on an answer (or a reply to it) reaches the other side's open tabs."""
    socketio.emit(
        "feedback:new",
        {"answer_id": answer_id, **item.model_dump(mode="json")},
        to=USER_ROOM.format(user_id),
    )
