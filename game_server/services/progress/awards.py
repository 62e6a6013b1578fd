"""A worker's badges as records: list them, revoke one, show one on its public page."""

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...models import BadgeAward, User, utcnow
from ..common.errors import N_, NotFound
from .credentials import SiteUrls, get_award


class MyBadge(BaseModel):
    id: str
    badge_id: str
    awarded_at: datetime
    revoked: bool
    credential_url: str
    jwt_url: str
    verify_url: str


def my_badge(award: BadgeAward, urls: SiteUrls) -> MyBadge:
    return MyBadge(
        id=award.id,
        badge_id=award.badge_id,
        awarded_at=award.awarded_at,
        revoked=award.revoked_at is not None,
        credential_url=urls.credential(award.id),
        jwt_url=urls.jwt(award.id),
        verify_url=urls.verify(award.id),
    )


def my_badges(session: Session, *, user_id: int, urls: SiteUrls) -> list[MyBadge]:
    awards = session.exec(
        select(BadgeAward).where(BadgeAward.user_id == user_id).order_by(BadgeAward.awarded_at)
    ).all()
    return [my_badge(award, urls) for award in awards]


def revoke(session: Session, *, award_id: str, owner_id: int | None = None) -> BadgeAward:
    """Revoke an award (the first revocation counts; again is a no-op). With `owner_id`, only
    that worker's own award: anyone else's is "not found", so ids cannot be probed."""
    award = get_award(session, award_id)
    if owner_id is not None and award.user_id != owner_id:
        raise NotFound(N_("No such badge credential."))
    if award.revoked_at is None:
        award.revoked_at = utcnow()
        session.add(award)
        session.commit()
    return award


class PublicBadge(BaseModel):
    """What the public verification page shows: never more than the earner's display name."""

    award_id: str
    badge_id: str
    title: str
    description: str
    earner: str
    awarded_at: datetime
    revoked_at: datetime | None


def public_badge(session: Session, catalog: Catalog, *, award_id: str, locale: str) -> PublicBadge:
    award = get_award(session, award_id)
    badge = catalog.library.badges.get(award.badge_id)
    title = badge.title.get(locale) if badge else award.badge_id
    return PublicBadge(
        award_id=award.id,
        badge_id=award.badge_id,
        title=title,
        description=badge.description.get(locale) if badge else "",
        earner=session.get(User, award.user_id).display_name,
        awarded_at=award.awarded_at,
        revoked_at=award.revoked_at,
    )
