"""Coaches and workers: an invite, the worker's consent, and withdrawing it.

The worker is in control. A coach sees a worker only while a link is in force, and only
what the worker chose; to anyone else a worker is "not found" (404, not 403), so a coach
cannot even learn whether a worker id exists.
"""

import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...models import (
    Answer,
    AnswerShare,
    Audience,
    CoachInvite,
    CoachLink,
    QuestRun,
    Role,
    ShareLevel,
    User,
    utcnow,
)
from ..common import audit
from ..common.codes import clean_code, readable_code
from ..common.domain_events import CoachLinkWithdrawn
from ..common.errors import N_, Conflict, NotFound
from ..common.unit_of_work import raise_event
from ..identity import accounts, organisations
from ..progress import profile, progression
from . import assignments, feedback
from .assignments import Status
from .feedback import FeedbackItem

INVITE_CODE_LENGTH = 8
INVITE_DAYS = 14


class Invite(BaseModel):
    code: str
    expires_at: datetime


class Person(BaseModel):
    id: int
    name: str


class InviteFrom(BaseModel):
    """Who an invite comes from, for the worker to read before saying yes."""

    coach: Person
    organisations: list[str] = []


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
    # Progress is what every link grants: the level per competency (the dashboard's radar)
    # and how this coach's assignments stand (open, started, done, overdue).
    levels: dict[str, int] = {}
    assignments: dict[str, int] = {}


class SharedAnswer(BaseModel):
    answer_id: int
    quest_id: str
    step_id: str
    step_type: str
    value: Any
    updated_at: datetime
    feedback: list[FeedbackItem] = []


class ClientDetail(Client):
    progress: profile.Profile
    # Only with consent to answers, and only the answers the worker shared with this coach.
    shared_answers: list[SharedAnswer] = []


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


def _open_invite(invite: CoachInvite | None, now: datetime) -> bool:
    return invite is not None and invite.used_at is None and invite.expires_at > now


def invite_from(session: Session, *, code: str, now: datetime | None = None) -> InviteFrom:
    """The coach behind an invite that still works, and the organisations they belong to;
    an unknown, used or expired code is "not found". Reading uses nothing up."""
    now = now or utcnow()
    invite = session.exec(select(CoachInvite).where(CoachInvite.code == clean_code(code))).first()
    if not _open_invite(invite, now) or Role.COACH not in accounts.roles_of(
        session, invite.coach_id
    ):
        raise NotFound(N_("This code does not work. Ask your coach for a new one."), field="code")
    coach = session.get(User, invite.coach_id)
    return InviteFrom(
        coach=Person(id=coach.id, name=coach.display_name),
        organisations=[o.name for o in organisations.organisations_of(session, user_id=coach.id)],
    )


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
    if not _open_invite(invite, now):
        raise NotFound(N_("This code does not work. Ask your coach for a new one."), field="code")
    if invite.coach_id == worker_id:
        raise Conflict(N_("This is your own code."), field="code")
    if Role.COACH not in accounts.roles_of(session, invite.coach_id):
        raise NotFound(N_("This code does not work. Ask your coach for a new one."), field="code")
    link = session.exec(
        select(CoachLink).where(
            CoachLink.coach_id == invite.coach_id, CoachLink.worker_id == worker_id
        )
    ).first() or CoachLink(coach_id=invite.coach_id, worker_id=worker_id)
    link.share, link.created_at, link.withdrawn_at = share, now, None
    link.plan_shared_at = None  # linking again shares nothing until the worker says so
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


def _my_link(session: Session, *, worker_id: int, link_id: int) -> CoachLink:
    link = session.get(CoachLink, link_id)
    if link is None or link.worker_id != worker_id:
        raise NotFound(N_("No such coach link."))
    return link


def withdraw(session: Session, *, worker_id: int, link_id: int) -> int:
    """End the coach's access now; returns the coach's id (to close their open views).

    What the worker had shared with this coach is unshared too: linking again later must
    not bring old answers back into view without a new choice.
    """
    link = _my_link(session, worker_id=worker_id, link_id=link_id)
    if link.withdrawn_at is None:
        link.withdrawn_at = utcnow()
        link.plan_shared_at = None
        session.add(link)
        for share in _coach_shares(session, worker_id=worker_id, coach_id=link.coach_id):
            session.delete(share)
        raise_event(session, CoachLinkWithdrawn(coach_id=link.coach_id, worker_id=worker_id))
        session.commit()
    return link.coach_id


def _coach_shares(session: Session, *, worker_id: int, coach_id: int) -> list[AnswerShare]:
    return list(
        session.exec(
            select(AnswerShare).where(
                AnswerShare.user_id == worker_id,
                AnswerShare.audience == Audience.COACH,
                AnswerShare.audience_id == coach_id,
            )
        ).all()
    )


def share_answer(session: Session, *, worker_id: int, link_id: int, answer_id: int) -> None:
    """Show one of my answers to this coach (who sees it if I allowed answers at all)."""
    link = _my_link(session, worker_id=worker_id, link_id=link_id)
    answer = session.get(Answer, answer_id)
    if link.withdrawn_at is not None or answer is None or answer.user_id != worker_id:
        raise NotFound(N_("No such answer."))
    exists = session.exec(
        select(AnswerShare.id).where(
            AnswerShare.answer_id == answer_id,
            AnswerShare.audience == Audience.COACH,
            AnswerShare.audience_id == link.coach_id,
        )
    ).first()
    if exists is None:
        session.add(
            AnswerShare(
                answer_id=answer_id,
                user_id=worker_id,
                audience=Audience.COACH,
                audience_id=link.coach_id,
            )
        )
        session.commit()


def unshare_answer(session: Session, *, worker_id: int, link_id: int, answer_id: int) -> None:
    link = _my_link(session, worker_id=worker_id, link_id=link_id)
    for share in _coach_shares(session, worker_id=worker_id, coach_id=link.coach_id):
        if share.answer_id == answer_id:
            session.delete(share)
    session.commit()


def active_link(session: Session, *, coach_id: int, worker_id: int) -> CoachLink:
    """The link in force between them; "not found" otherwise (for any client route)."""
    link = session.exec(
        select(CoachLink).where(
            CoachLink.coach_id == coach_id,
            CoachLink.worker_id == worker_id,
            CoachLink.withdrawn_at.is_(None),
        )
    ).first()
    if link is None:
        raise NotFound(N_("No such client."))
    return link


def clients(session: Session, catalog: Catalog, *, coach_id: int) -> list[Client]:
    """The coach's linked workers with their levels and how their assignments stand."""
    rows = session.exec(
        select(CoachLink, User)
        .join(User, User.id == CoachLink.worker_id)
        .where(CoachLink.coach_id == coach_id, CoachLink.withdrawn_at.is_(None))
        .order_by(User.display_name)
    ).all()
    levels = progression.levels_of(session, [user.id for _, user in rows])
    standing: dict[int, Counter] = {user.id: Counter() for _, user in rows}
    for item in assignments.by_coach(session, catalog, coach_id=coach_id):
        standing[item.worker_id][item.status.value] += 1
    return [
        Client(
            id=user.id,
            name=user.display_name,
            share=ShareLevel(link.share),
            since=link.created_at,
            levels=levels[user.id],
            assignments={status.value: standing[user.id][status.value] for status in Status},
        )
        for link, user in rows
    ]


def client(
    session: Session,
    catalog: Catalog,
    *,
    coach_id: int,
    worker_id: int,
    locale: str = "nl",
    reason: str = "coach:client_page",
) -> ClientDetail:
    """One linked worker's progress, and the answers they shared with this coach if they
    allowed answers; 404 for anyone who is not (or no longer) linked.

    Every answer shown is written to the audit log (committed before this returns), which
    the worker reads on their privacy page.
    """
    link = active_link(session, coach_id=coach_id, worker_id=worker_id)
    worker = session.get(User, worker_id)
    shared: list[SharedAnswer] = []
    if link.share == ShareLevel.PROGRESS_AND_ANSWERS:
        rows = session.exec(
            select(Answer, QuestRun.quest_id)
            .join(AnswerShare, AnswerShare.answer_id == Answer.id)
            .join(QuestRun, QuestRun.id == Answer.run_id)
            .where(
                AnswerShare.user_id == worker_id,
                AnswerShare.audience == Audience.COACH,
                AnswerShare.audience_id == coach_id,
            )
            .order_by(Answer.updated_at.desc())
        ).all()
        shared = [
            SharedAnswer(
                answer_id=answer.id,
                quest_id=quest_id,
                step_id=answer.step_id,
                step_type=answer.step_type,
                value=json.loads(answer.value),
                updated_at=answer.updated_at,
                feedback=feedback.thread(session, answer.id),
            )
            for answer, quest_id in rows
        ]
        if shared:
            audit.record_reads(
                session,
                actor_id=coach_id,
                subject_id=worker_id,
                items=[f"answer:{a.answer_id}" for a in shared],
                reason=reason,
            )
            session.commit()
    return ClientDetail(
        id=worker.id,
        name=worker.display_name,
        share=ShareLevel(link.share),
        since=link.created_at,
        progress=profile.profile(session, catalog, user_id=worker_id, locale=locale),
        shared_answers=shared,
    )
