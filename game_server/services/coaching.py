"""Coaches and workers: an invite, the worker's consent, and withdrawing it.

The worker is in control. A coach sees a worker only while a link is in force, and only
what the worker chose; to anyone else a worker is "not found" (404, not 403), so a coach
cannot even learn whether a worker id exists.
"""

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, select

from ..content.catalog import Catalog
from ..models import CoachInvite, CoachLink, Role, ShareLevel, User, utcnow
from . import accounts, profile
from .codes import clean_code, readable_code
from .errors import Conflict, NotFound

INVITE_CODE_LENGTH = 8
INVITE_DAYS = 14


class Invite(BaseModel):
    code: str
    expires_at: datetime


class Person(BaseModel):
    id: int
    name: str


class LinkView(BaseModel):
    id: int
    coach: Person
    share: ShareLevel
    since: datetime
    withdrawn_at: datetime | None = None


class Client(BaseModel):
    id: int
    name: str
    share: ShareLevel
    since: datetime


class ClientDetail(Client):
    progress: profile.Profile


def create_invite(session: Session, *, coach_id: int, now: datetime | None = None) -> Invite:
    now = now or utcnow()
    code = readable_code(INVITE_CODE_LENGTH)
    while session.exec(select(CoachInvite.id).where(CoachInvite.code == code)).first():
        code = readable_code(INVITE_CODE_LENGTH)
    invite = CoachInvite(
        coach_id=coach_id, code=code, created_at=now, expires_at=now + timedelta(days=INVITE_DAYS)
    )
    session.add(invite)
    session.commit()
    return Invite(code=invite.code, expires_at=invite.expires_at)


def accept(
    session: Session,
    *,
    worker_id: int,
    code: str,
    share: ShareLevel = ShareLevel.PROGRESS,
    now: datetime | None = None,
) -> LinkView:
    """The worker lets the coach in; an unknown, used or expired code is "not found"."""
    now = now or utcnow()
    invite = session.exec(
        select(CoachInvite).where(CoachInvite.code == clean_code(code)).with_for_update()
    ).first()
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        raise NotFound("This code does not work. Ask your coach for a new one.", field="code")
    if invite.coach_id == worker_id:
        raise Conflict("This is your own code.", field="code")
    if Role.COACH not in accounts.roles_of(session, invite.coach_id):
        raise NotFound("This code does not work. Ask your coach for a new one.", field="code")
    link = session.exec(
        select(CoachLink).where(
            CoachLink.coach_id == invite.coach_id, CoachLink.worker_id == worker_id
        )
    ).first() or CoachLink(coach_id=invite.coach_id, worker_id=worker_id)
    link.share, link.created_at, link.withdrawn_at = share, now, None
    invite.used_at = now
    session.add_all([link, invite])
    session.commit()
    return _link_view(session, link)


def _link_view(session: Session, link: CoachLink) -> LinkView:
    coach = session.get(User, link.coach_id)
    return LinkView(
        id=link.id,
        coach=Person(id=coach.id, name=coach.display_name),
        share=ShareLevel(link.share),
        since=link.created_at,
        withdrawn_at=link.withdrawn_at,
    )


def my_coaches(session: Session, *, worker_id: int) -> list[LinkView]:
    """Every link, also withdrawn ones: the worker sees the whole history."""
    links = session.exec(
        select(CoachLink).where(CoachLink.worker_id == worker_id).order_by(CoachLink.created_at)
    ).all()
    return [_link_view(session, link) for link in links]


def withdraw(session: Session, *, worker_id: int, link_id: int) -> int:
    """End the coach's access now; returns the coach's id (to close their open views)."""
    link = session.get(CoachLink, link_id)
    if link is None or link.worker_id != worker_id:
        raise NotFound("No such coach link.")
    if link.withdrawn_at is None:
        link.withdrawn_at = utcnow()
        session.add(link)
        session.commit()
    return link.coach_id


def _active_link(session: Session, *, coach_id: int, worker_id: int) -> CoachLink:
    link = session.exec(
        select(CoachLink).where(
            CoachLink.coach_id == coach_id,
            CoachLink.worker_id == worker_id,
            CoachLink.withdrawn_at.is_(None),
        )
    ).first()
    if link is None:
        raise NotFound("No such client.")
    return link


def clients(session: Session, *, coach_id: int) -> list[Client]:
    rows = session.exec(
        select(CoachLink, User)
        .join(User, User.id == CoachLink.worker_id)
        .where(CoachLink.coach_id == coach_id, CoachLink.withdrawn_at.is_(None))
        .order_by(User.display_name)
    ).all()
    return [
        Client(
            id=user.id, name=user.display_name, share=ShareLevel(link.share), since=link.created_at
        )
        for link, user in rows
    ]


def client(
    session: Session, catalog: Catalog, *, coach_id: int, worker_id: int, locale: str = "nl"
) -> ClientDetail:
    """One linked worker's progress; 404 for anyone who is not (or no longer) linked."""
    link = _active_link(session, coach_id=coach_id, worker_id=worker_id)
    worker = session.get(User, worker_id)
    return ClientDetail(
        id=worker.id,
        name=worker.display_name,
        share=ShareLevel(link.share),
        since=link.created_at,
        progress=profile.profile(session, catalog, user_id=worker_id, locale=locale),
    )
