"""Live sessions over JSON: a host starts one and reads who asked for a follow-up.

Everything that happens during a session travels over Socket.IO (realtime/live.py).
"""

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..services.together import follow_ups, live, live_history, live_play
from ..services.together.follow_ups import FollowUpView
from ..services.together.live import LiveState
from ..services.together.live_history import HostedSession
from . import api
from .spec import Strict, endpoint


class LiveIn(Strict):
    quest_id: str = Field(max_length=60)
    group_id: int | None = None


class LiveCreated(BaseModel):
    session_id: int
    code: str
    join_url: str
    host_url: str


@api.post("/live")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Start a live session of a quest (a coach, or a group owner for the group)",
    body=LiveIn,
    response=LiveCreated,
    status=201,
)
def start_live(body: LiveIn):
    row = live.create(
        get_session(),
        catalog(),
        host_id=current_user.id,
        quest_id=body.quest_id,
        group_id=body.group_id,
    )
    return LiveCreated(
        session_id=row.id,
        code=row.code,
        join_url=url_for("pages.live_join", code=row.code, _external=True),
        host_url=url_for("pages.live_host", code=row.code, _external=True),
    )


@api.get("/live")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="The live sessions I hosted, newest first, with how many took part",
    response=list[HostedSession],
)
def my_live_sessions():
    return live_history.hosted_by(
        get_session(), catalog(), host_id=current_user.id, locale=locale()
    )


@api.get("/live/<code>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Where a live session stands (its host or a participant)", response=LiveState)
def live_state(code: str):
    session = get_session()
    row = live.find(session, code)
    if row.host_id != current_user.id:
        live_play.seat_of(session, row, current_user.id)
    return live.state(session, row, locale())


@api.get("/live/<code>/follow-ups")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Who asked the host for a follow-up (the host only)", response=list[FollowUpView])
def live_follow_ups(code: str):
    session = get_session()
    return follow_ups.requests_for(session, live.hosted(session, code, current_user.id))
