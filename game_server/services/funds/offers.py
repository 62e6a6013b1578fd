"""Offers: a course, a career conversation or a workshop, with a number of places.

A fund member or a coach publishes one; workers sign up from a challenge, the end of a
quest or a live session. The provider sees how many signed up, and a name and a way to
reach someone only when that worker said yes to it at sign-up.
"""

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select, update

from ...models import Membership, Offer, OfferKind, OfferSignup, Organisation, Role, User
from ..common.errors import N_, Conflict, Forbidden, InvalidInput, NotFound
from ..identity import accounts
from .challenges import Description, Title

SOURCES = ("challenge", "quest", "live")
CONTACT_MAX = 200


class OfferDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: OfferKind
    title_nl: Title
    title_en: Title
    description_nl: Description
    description_en: Description
    capacity: int = Field(ge=1, le=100_000)


class OfferView(BaseModel):
    id: int
    kind: OfferKind
    title: str
    description: str
    capacity: int
    taken: int
    signed_up: bool = False  # the asking worker


class SignupView(BaseModel):
    """One sign-up as the provider sees it: a name and contact only with the worker's yes."""

    name: str | None
    contact: str | None
    source: str
    at: datetime


def may_publish(session: Session, user_id: int) -> bool:
    if Role.COACH in accounts.roles_of(session, user_id):
        return True
    return (
        session.exec(
            select(Membership)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Membership.user_id == user_id, Organisation.kind == "fund")
        ).first()
        is not None
    )


def publish(session: Session, *, provider_id: int, draft: OfferDraft) -> Offer:
    if not may_publish(session, provider_id):
        raise Forbidden(N_("Only a fund member or a coach can publish an offer."))
    offer = Offer(provider_id=provider_id, **draft.model_dump())
    session.add(offer)
    session.commit()
    return offer


def _taken(session: Session, offer_ids: list[int]) -> dict[int, int]:
    return dict(
        session.exec(
            select(OfferSignup.offer_id, sa.func.count())
            .where(OfferSignup.offer_id.in_(offer_ids))
            .group_by(OfferSignup.offer_id)
        ).all()
    )


def views(
    session: Session, offers: list[Offer], *, user_id: int | None = None, locale: str = "nl"
) -> list[OfferView]:
    taken = _taken(session, [o.id for o in offers])
    mine = set()
    if user_id is not None:
        mine = set(
            session.exec(
                select(OfferSignup.offer_id).where(
                    OfferSignup.user_id == user_id,
                    OfferSignup.offer_id.in_([o.id for o in offers]),
                )
            ).all()
        )
    return [
        OfferView(
            id=o.id,
            kind=OfferKind(o.kind),
            title=o.title_en if locale == "en" else o.title_nl,
            description=o.description_en if locale == "en" else o.description_nl,
            capacity=o.capacity,
            taken=taken.get(o.id, 0),
            signed_up=o.id in mine,
        )
        for o in offers
    ]


def of_rewards(session: Session, offer_ids: list[int]) -> list[Offer]:
    if not offer_ids:
        return []
    return list(session.exec(select(Offer).where(Offer.id.in_(offer_ids))).all())


def by_provider(session: Session, *, provider_id: int) -> list[Offer]:
    return list(
        session.exec(
            select(Offer).where(Offer.provider_id == provider_id).order_by(Offer.created_at.desc())
        ).all()
    )


def sign_up(
    session: Session,
    *,
    offer_id: int,
    user_id: int,
    source: str,
    challenge_id: int | None = None,
    share_contact: bool = False,
    contact: str | None = None,
) -> OfferSignup:
    """Take a place, while there is one; signing up again returns the first sign-up."""
    if source not in SOURCES:
        raise InvalidInput(N_("Unknown source."), field="source")
    contact = (contact or "").strip() or None
    if contact is not None and len(contact) > CONTACT_MAX:
        raise InvalidInput(
            N_("Write at most %(max)d characters."), field="contact", max=CONTACT_MAX
        )
    if not share_contact:
        contact = None  # without their yes, the provider gets nothing to reach them by
    # Places are counted one sign-up at a time: a no-op write takes the offer's row lock on
    # PostgreSQL and the database's write lock on SQLite before we count.
    locked = session.execute(
        update(Offer).where(Offer.id == offer_id).values(capacity=Offer.capacity)
    ).rowcount
    if not locked:
        session.rollback()
        raise NotFound(N_("No such offer."), field="offer_id")
    offer = session.get(Offer, offer_id)
    existing = _signup(session, offer_id, user_id)
    if existing is not None:
        session.rollback()
        return existing
    if _taken(session, [offer_id]).get(offer_id, 0) >= offer.capacity:
        session.rollback()
        raise Conflict(N_("This offer is full."), field="offer_id")
    signup = OfferSignup(
        offer_id=offer_id,
        user_id=user_id,
        source=source,
        challenge_id=challenge_id,
        share_contact=share_contact,
        contact=contact,
    )
    session.add(signup)
    try:
        session.commit()
    except sa.exc.IntegrityError:  # the same worker, twice at once
        session.rollback()
        return _signup(session, offer_id, user_id)
    return signup


def _signup(session: Session, offer_id: int, user_id: int) -> OfferSignup | None:
    return session.exec(
        select(OfferSignup).where(OfferSignup.offer_id == offer_id, OfferSignup.user_id == user_id)
    ).first()


def cancel(session: Session, *, offer_id: int, user_id: int) -> None:
    signup = _signup(session, offer_id, user_id)
    if signup is None:
        raise NotFound(N_("You have not signed up for this offer."))
    session.delete(signup)
    session.commit()


def signups(session: Session, *, offer_id: int, provider_id: int) -> list[SignupView]:
    """The provider's list; anyone else's offer is "not found"."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.provider_id != provider_id:
        raise NotFound(N_("No such offer."))
    rows = session.exec(
        select(OfferSignup, User.display_name)
        .join(User, User.id == OfferSignup.user_id)
        .where(OfferSignup.offer_id == offer_id)
        .order_by(OfferSignup.created_at)
    ).all()
    return [
        SignupView(
            name=name if row.share_contact else None,
            contact=row.contact if row.share_contact else None,
            source=row.source,
            at=row.created_at,
        )
        for row, name in rows
    ]
