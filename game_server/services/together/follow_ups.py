"""Follow-up requests: after a live session a participant asks the host for more.

A request names a person and how to reach them: the host sees it on their own page, never
on the shared screen.
"""

from enum import StrEnum

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...models import FollowUpRequest, LiveParticipant, LiveSession, Offer, OfferSignup
from ..common.errors import N_, NotFound
from ..funds import offers
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


# -- a host's offers, for those who took part in their session --------------------------


def of_live_host(session: Session, *, code: str, user_id: int) -> list[Offer]:
    """The host's offers, for someone who took part in the host's live session."""
    live = _seated(session, code, user_id)
    return offers.by_provider(session, provider_id=live.host_id)


def sign_up_after_live(
    session: Session,
    *,
    code: str,
    offer_id: int,
    user_id: int,
    share_contact: bool = False,
    contact: str | None = None,
) -> OfferSignup:
    """A participant takes a place in one of the host's offers; any other offer is "not
    found" from here (offers are not a public list)."""
    live = _seated(session, code, user_id)
    offer = session.get(Offer, offer_id)
    if offer is None or offer.provider_id != live.host_id:
        raise NotFound(N_("No such offer."), field="offer_id")
    return offers.sign_up(
        session,
        offer_id=offer_id,
        user_id=user_id,
        source="live",
        share_contact=share_contact,
        contact=contact,
    )


def _seated(session: Session, code: str, user_id: int):
    live = find(session, code)
    seat_of(session, live, user_id)
    return live
