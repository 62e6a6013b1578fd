"""A worker's profile: competencies with levels, the rhythm, self-scan growth and badges."""

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session

from ...content.catalog import Catalog
from ...content.schema import Competency
from . import badges
from .progression import LEVELS, OVERALL_FACTOR, Level, PlayerFacts, Rhythm, level_for


class CompetencyProgress(BaseModel):
    competency: Competency
    xp: int
    level: int
    next_level_at: int | None


class ScanSummary(BaseModel):
    first: dict[str, float]
    latest: dict[str, float]
    growth: dict[str, float] | None


class AwardedBadge(BaseModel):
    id: str
    badge_id: str
    title: str
    awarded_at: datetime
    revoked: bool


class Profile(BaseModel):
    competencies: list[CompetencyProgress]
    overall: Level
    rhythm: Rhythm
    scan: ScanSummary | None
    badges: list[AwardedBadge]
    level_thresholds: list[int]


def profile(session: Session, catalog: Catalog, *, user_id: int, locale: str) -> Profile:
    facts = PlayerFacts(session, user_id)
    competencies = []
    for competency in Competency:
        level = level_for(facts.xp[competency.value])
        competencies.append(
            CompetencyProgress(
                competency=competency,
                xp=level.xp,
                level=level.level,
                next_level_at=level.next_level_at,
            )
        )
    scans = facts.scan_scores
    scan = (
        ScanSummary(first=scans[0], latest=scans[-1], growth=facts.scan_growth) if scans else None
    )
    awarded = []
    for award in badges.awards_of(session, user_id=user_id):
        badge = catalog.library.badges.get(award.badge_id)
        awarded.append(
            AwardedBadge(
                id=award.id,
                badge_id=award.badge_id,
                title=badge.title.get(locale) if badge else award.badge_id,
                awarded_at=award.awarded_at,
                revoked=award.revoked_at is not None,
            )
        )
    return Profile(
        competencies=competencies,
        overall=level_for(sum(facts.xp.values()), factor=OVERALL_FACTOR),
        rhythm=facts.rhythm,
        scan=scan,
        badges=awarded,
        level_thresholds=list(LEVELS),
    )
