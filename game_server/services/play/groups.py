"""Peer groups: create, invite by code, join, leave, remove a member, set the group goal.

Privacy: a group is visible to its members only. Whoever is not a member gets NotFound for
every group id, existing or not, so ids reveal nothing. Leaving (or being removed) withdraws
everything the member shared with the group.
"""

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...models import AnswerShare, Audience, GroupMember, GroupRole, PeerGroup, User, utcnow
from ..common.codes import clean_code, readable_code
from ..common.domain_events import GroupActivity
from ..common.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from ..common.unit_of_work import raise_event
from . import group_feed
from .group_feed import Activity, Goal

# No 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_LENGTH = 8
MAX_NAME_LENGTH = 80
MAX_SECTOR_LENGTH = 60
MAX_GOAL_QUESTS = 500


class MemberView(BaseModel):
    user_id: int
    name: str
    role: GroupRole
    online: bool = False


class OnlineMember(BaseModel):
    user_id: int
    name: str


class GroupSummary(BaseModel):
    id: int
    name: str
    sector: str | None
    role: GroupRole
    members: int


class GroupState(BaseModel):
    """A group as its members see it (the public contract's group shape)."""

    id: int
    name: str
    sector: str | None
    invite_code: str
    role: GroupRole
    members: list[MemberView]
    online: list[OnlineMember]
    goal: Goal | None
    feed: list[Activity]


class GroupCreated(BaseModel):
    id: int
    invite_code: str


def new_invite_code() -> str:
    return readable_code(CODE_LENGTH)


def _clean_text(value: str | None, field: str, max_length: int, required: bool) -> str | None:
    value = " ".join((value or "").split())
    if not value:
        if required:
            raise InvalidInput(N_("Give the group a name."), field=field)
        return None
    if len(value) > max_length:
        raise InvalidInput(N_("Use at most %(max)d characters."), field=field, max=max_length)
    return value


# -- membership ---------------------------------------------------------------------------


def membership(session: Session, *, group_id: int, user_id: int) -> GroupMember | None:
    return session.exec(
        select(GroupMember).where(GroupMember.group_id == group_id, GroupMember.user_id == user_id)
    ).first()


def require_member(session: Session, *, group_id: int, user_id: int) -> GroupMember:
    """The caller's membership; NotFound when there is none (or no such group)."""
    member = membership(session, group_id=group_id, user_id=user_id)
    if member is None:
        raise NotFound(N_("No such group."))
    return member


def require_owner(session: Session, *, group_id: int, user_id: int) -> GroupMember:
    member = require_member(session, group_id=group_id, user_id=user_id)
    if member.role != GroupRole.OWNER:
        raise Forbidden(N_("Only the owner of the group can do this."))
    return member


def members_of(session: Session, *, group_id: int) -> list[tuple[GroupMember, User]]:
    return list(
        session.exec(
            select(GroupMember, User)
            .join(User, User.id == GroupMember.user_id)
            .where(GroupMember.group_id == group_id)
            .order_by(GroupMember.joined_at, GroupMember.id)
        ).all()
    )


def my_groups(session: Session, *, user_id: int) -> list[GroupSummary]:
    others = sa.orm.aliased(GroupMember)
    size = (
        select(sa.func.count())
        .select_from(others)
        .where(others.group_id == PeerGroup.id)
        .correlate(PeerGroup)
        .scalar_subquery()
    )
    rows = session.exec(
        select(PeerGroup, GroupMember.role, size)
        .join(GroupMember, GroupMember.group_id == PeerGroup.id)
        .where(GroupMember.user_id == user_id)
        .order_by(PeerGroup.name)
    ).all()
    return [
        GroupSummary(id=g.id, name=g.name, sector=g.sector, role=role, members=n)
        for g, role, n in rows
    ]


# -- lifecycle ----------------------------------------------------------------------------


def create_group(
    session: Session, *, user_id: int, name: str, sector: str | None = None
) -> GroupCreated:
    group = PeerGroup(
        name=_clean_text(name, "name", MAX_NAME_LENGTH, True),
        sector=_clean_text(sector, "sector", MAX_SECTOR_LENGTH, False),
        invite_code=_free_code(session),
    )
    session.add(group)
    session.flush()
    session.add(GroupMember(group_id=group.id, user_id=user_id, role=GroupRole.OWNER))
    session.commit()
    return GroupCreated(id=group.id, invite_code=group.invite_code)


def _free_code(session: Session) -> str:
    while True:
        code = new_invite_code()
        if session.exec(select(PeerGroup.id).where(PeerGroup.invite_code == code)).first() is None:
            return code


def group_for_code(session: Session, *, code: str) -> PeerGroup:
    group = session.exec(select(PeerGroup).where(PeerGroup.invite_code == clean_code(code))).first()
    if group is None:
        raise NotFound(N_("No group has this code. Check the code and try again."), field="code")
    return group


def join(session: Session, *, user_id: int, code: str) -> PeerGroup:
    """Join the group with this invite code; joining again is a no-op (no events)."""
    group = group_for_code(session, code=code)
    if membership(session, group_id=group.id, user_id=user_id) is not None:
        return group
    try:
        with session.begin_nested():  # a double tap may have joined just now
            session.add(GroupMember(group_id=group.id, user_id=user_id))
    except sa.exc.IntegrityError:
        return group
    _announce(session, group.id, user_id, "member_joined")
    session.commit()
    return group


def leave(session: Session, *, group_id: int, user_id: int) -> None:
    """Leave the group and withdraw what you shared with it.

    An owner who leaves hands the group to the longest-standing member; the last one to
    leave dissolves the group.
    """
    member = require_member(session, group_id=group_id, user_id=user_id)
    event = _member_event(session, group_id, user_id, "member_left")
    _drop_member(session, member)
    remaining = [m for m, _user in members_of(session, group_id=group_id)]
    if not remaining:  # nobody left to tell
        _dissolve(session, group_id)
        session.commit()
        return
    if member.role == GroupRole.OWNER and not any(m.role == GroupRole.OWNER for m in remaining):
        remaining[0].role = GroupRole.OWNER
        session.add(remaining[0])
    raise_event(session, GroupActivity(event))
    session.commit()


def remove_member(session: Session, *, group_id: int, owner_id: int, member_id: int) -> None:
    require_owner(session, group_id=group_id, user_id=owner_id)
    if member_id == owner_id:
        raise Conflict(N_("You cannot remove yourself; leave the group instead."))
    member = membership(session, group_id=group_id, user_id=member_id)
    if member is None:
        raise NotFound(N_("This person is not in the group."))
    _announce(session, group_id, member_id, "member_removed")
    _drop_member(session, member)
    session.commit()


def _drop_member(session: Session, member: GroupMember) -> None:
    session.exec(
        sa.delete(AnswerShare).where(
            AnswerShare.user_id == member.user_id,
            AnswerShare.audience == Audience.GROUP,
            AnswerShare.audience_id == member.group_id,
        )
    )
    session.delete(member)
    session.flush()


def _dissolve(session: Session, group_id: int) -> None:
    session.exec(
        sa.delete(AnswerShare).where(
            AnswerShare.audience == Audience.GROUP, AnswerShare.audience_id == group_id
        )
    )
    session.exec(sa.delete(PeerGroup).where(PeerGroup.id == group_id))


def _member_event(session: Session, group_id: int, user_id: int, kind: str) -> Activity:
    user = session.get(User, user_id)
    return Activity(
        group_id=group_id, kind=kind, at=utcnow(), user_id=user_id, name=user.display_name
    )


def _announce(session: Session, group_id: int, user_id: int, kind: str) -> None:
    """Tell the group's room, once this change is committed."""
    raise_event(session, GroupActivity(_member_event(session, group_id, user_id, kind)))


def new_code(session: Session, *, group_id: int, user_id: int) -> GroupCreated:
    """Replace the invite code (it leaked, say); the old one stops working at once."""
    require_owner(session, group_id=group_id, user_id=user_id)
    group = session.get(PeerGroup, group_id)
    group.invite_code = _free_code(session)
    session.add(group)
    session.commit()
    return GroupCreated(id=group.id, invite_code=group.invite_code)


def set_goal(
    session: Session,
    *,
    group_id: int,
    user_id: int,
    quests: int | None,
    now: datetime | None = None,
) -> Goal | None:
    require_owner(session, group_id=group_id, user_id=user_id)
    if quests is not None and not 1 <= quests <= MAX_GOAL_QUESTS:
        raise InvalidInput(
            N_("Choose a goal from 1 to %(max)d quests."), field="quests", max=MAX_GOAL_QUESTS
        )
    group = session.get(PeerGroup, group_id)
    group.goal_quests = quests
    session.add(group)
    session.flush()
    goal = group_feed.goal_of(session, group, now=now)
    activity = _member_event(session, group_id, user_id, "goal_set")
    activity.goal = goal
    raise_event(session, GroupActivity(activity))
    session.commit()
    return goal


# -- reading ------------------------------------------------------------------------------


def group_state(
    session: Session,
    *,
    group_id: int,
    user_id: int,
    online_user_ids: set[int] | frozenset[int] = frozenset(),
    locale: str = "nl",
    now: datetime | None = None,
) -> GroupState:
    me = require_member(session, group_id=group_id, user_id=user_id)
    group = session.get(PeerGroup, group_id)
    members = members_of(session, group_id=group_id)
    views = [
        MemberView(
            user_id=user.id,
            name=user.display_name,
            role=GroupRole(member.role),
            online=user.id in online_user_ids,
        )
        for member, user in members
    ]
    return GroupState(
        id=group.id,
        name=group.name,
        sector=group.sector,
        invite_code=group.invite_code,
        role=GroupRole(me.role),
        members=views,
        online=[OnlineMember(user_id=v.user_id, name=v.name) for v in views if v.online],
        goal=group_feed.goal_of(session, group, now=now),
        feed=group_feed.feed(
            session,
            group_id=group_id,
            names={u.id: u.display_name for _m, u in members},
            locale=locale,
        ),
    )
