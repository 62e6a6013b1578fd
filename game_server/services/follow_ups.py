"""Follow-up requests: after a live session a participant asks the host for more.

A request names a person and how to reach them: the host sees it on their own page, never
on the shared screen.
"""

from enum import StrEnum

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ..models import FollowUpRequest, LiveParticipant, LiveSession
from .live import find
from .live_play import seat_of


class FollowUpTopic(StrEnum):
    CAREER_CONVERSATION = "career_conversation"
    COURSE = "course"
    OTHER = "other"


def ask(
    session: Session, *, code: str, user_id: int, topic: FollowUpTopic, contact: str | None
) -> FollowUpRequest:
    """Ask the host for a follow-up; asking again for the same topic updates the request."""
    live = find(session, code)
    seat_of(session, live, user_id)
    request = session.exec(
        select(FollowUpRequest).where(
            FollowUpRequest.session_id == live.id,
            FollowUpRequest.user_id == user_id,
            FollowUpRequest.topic == topic,
        )
    ).first() or FollowUpRequest(session_id=live.id, user_id=user_id, topic=topic)
    request.contact = contact.strip() if contact and contact.strip() else None
    session.add(request)
    session.commit()
    return request


class FollowUpView(BaseModel):
    nickname: str
    topic: FollowUpTopic
    contact: str | None
    asked_at: str


def requests_for(session: Session, live: LiveSession) -> list[FollowUpView]:
    """The host's list of who asked for what (the host only; never on the shared screen)."""
    rows = session.exec(
        select(FollowUpRequest, LiveParticipant.nickname)
        .join(
            LiveParticipant,
            sa.and_(
                LiveParticipant.session_id == FollowUpRequest.session_id,
                LiveParticipant.user_id == FollowUpRequest.user_id,
            ),
        )
        .where(FollowUpRequest.session_id == live.id)
        .order_by(FollowUpRequest.created_at)
    ).all()
    return [
        FollowUpView(
            nickname=nickname,
            topic=FollowUpTopic(row.topic),
            contact=row.contact,
            asked_at=row.created_at.isoformat(),
        )
        for row, nickname in rows
    ]
