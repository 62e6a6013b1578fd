"""Peer groups over JSON. A group is "not found" for everyone who is not a member."""

from flask_login import current_user
from pydantic import BaseModel, Field

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..extensions import limiter
from ..realtime.groups import online_user_ids
from ..services.play import group_play, groups
from ..services.play.group_feed import Goal
from ..services.play.group_play import MyAnswer, ShareResult
from ..services.play.groups import GroupCreated, GroupState, GroupSummary
from ..services.play.run_state import RunView
from . import api
from .spec import Strict, endpoint

JOIN_LIMIT = "30 per hour"


class GroupIn(Strict):
    name: str = Field(max_length=200)
    sector: str | None = Field(default=None, max_length=200)


class GroupJoinIn(Strict):
    code: str = Field(max_length=40)


class GoalIn(Strict):
    quests: int | None = Field(description="quests to complete together per month; null: none")


class ShareIn(Strict):
    answer_id: int


class GoalOut(BaseModel):
    goal: Goal | None


def limit_group_join(view):
    """Guessing invite codes stays slow: joins per account, shared by the page and the API."""
    return limiter.shared_limit(
        JOIN_LIMIT, scope="group-join", key_func=lambda: f"user:{current_user.id}", methods=["POST"]
    )(view)


def _state(group_id: int) -> GroupState:
    return groups.group_state(
        get_session(),
        group_id=group_id,
        user_id=current_user.id,
        online_user_ids=online_user_ids(group_id),
        locale=locale(),
    )


@api.post("/groups")
@access.allow(access.FULL_ACCOUNT)
@endpoint(
    summary="Create a peer group; you become its owner",
    body=GroupIn,
    response=GroupCreated,
    status=201,
)
def create_group(body: GroupIn):
    return groups.create_group(
        get_session(), user_id=current_user.id, name=body.name, sector=body.sector
    )


@api.get("/groups")
@access.allow(access.SIGNED_IN)
@endpoint(summary="The groups I am a member of", response=list[GroupSummary])
def my_groups():
    return groups.my_groups(get_session(), user_id=current_user.id)


@api.post("/groups/join")
@access.allow(access.SIGNED_IN)
@limit_group_join
@endpoint(summary="Join a group with its invite code", body=GroupJoinIn, response=GroupState)
def join_group(body: GroupJoinIn):
    group = groups.join(get_session(), user_id=current_user.id, code=body.code)
    return _state(group.id)


@api.get("/groups/<int:group_id>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="A group: members, who is online, the goal and the feed", response=GroupState)
def get_group(group_id: int):
    return _state(group_id)


@api.post("/groups/<int:group_id>/leave")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Leave the group (what you shared with it is withdrawn)", status=204)
def leave_group(group_id: int):
    groups.leave(get_session(), group_id=group_id, user_id=current_user.id)


@api.delete("/groups/<int:group_id>/members/<int:user_id>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Owner: remove a member from the group", status=204)
def remove_member(group_id: int, user_id: int):
    groups.remove_member(
        get_session(), group_id=group_id, owner_id=current_user.id, member_id=user_id
    )


@api.post("/groups/<int:group_id>/invite-code")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Owner: replace the invite code; the old one stops working", response=GroupCreated
)
def new_invite_code(group_id: int):
    return groups.new_code(get_session(), group_id=group_id, user_id=current_user.id)


@api.put("/groups/<int:group_id>/goal")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Owner: set the group goal (quests per month)", body=GoalIn, response=GoalOut)
def set_goal(group_id: int, body: GoalIn):
    goal = groups.set_goal(
        get_session(), group_id=group_id, user_id=current_user.id, quests=body.quests
    )
    return GoalOut(goal=goal)


@api.post("/groups/<int:group_id>/quests/<quest_id>/runs")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Start (or resume) my run of a quest in this group",
    response=RunView,
    status=201,
    also=(200,),
)
def start_group_run(group_id: int, quest_id: str):
    view, new = group_play.start_run(
        get_session(),
        catalog(),
        group_id=group_id,
        user_id=current_user.id,
        quest_id=quest_id,
        locale=locale(),
    )
    return view, 201 if new else 200


@api.get("/groups/<int:group_id>/answers")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="My answers written in this group, and whether I share them", response=list[MyAnswer]
)
def my_answers(group_id: int):
    return group_play.my_answers(
        get_session(), group_id=group_id, user_id=current_user.id, locale=locale()
    )


@api.post("/groups/<int:group_id>/shares")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Share one of my answers with the group", body=ShareIn, response=ShareResult)
def share_answer(group_id: int, body: ShareIn):
    return group_play.share_answer(
        get_session(),
        catalog(),
        group_id=group_id,
        user_id=current_user.id,
        answer_id=body.answer_id,
        locale=locale(),
    )


@api.delete("/groups/<int:group_id>/shares/<int:answer_id>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Stop sharing one of my answers with the group", status=204)
def unshare_answer(group_id: int, answer_id: int):
    group_play.unshare_answer(
        get_session(), group_id=group_id, user_id=current_user.id, answer_id=answer_id
    )
