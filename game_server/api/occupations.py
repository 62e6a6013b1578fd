"""The occupation catalog over JSON (ESCO's Dutch occupations with Nesta's data): search,
one occupation, the occupations near it, and the sectors. Public, like the pages."""

from pydantic import BaseModel, Field

from .. import access
from ..current import locale
from ..services.common.errors import N_, NotFound
from ..services.explore.occupations import ATTRIBUTION, Occupation, catalog
from . import api
from .spec import Query, endpoint


class OccupationQuery(Query):
    q: str | None = Field(default=None, max_length=80)
    sector: str | None = Field(default=None, max_length=10)
    limit: int = Field(default=10, ge=1, le=50)
    locale: str | None = Field(default=None, pattern="^(nl|en)$")


class LocaleOnly(Query):
    locale: str | None = Field(default=None, pattern="^(nl|en)$")


class OccupationSummary(BaseModel):
    id: str
    name: str
    # The name that matched a search (an alternative name), when it is not `name`.
    matched_name: str | None = None
    job_zone: int | None


class OccupationDetail(BaseModel):
    id: str
    code: str
    isco_group: str
    name: str
    alt_names: list[str]
    description: str
    sector: str | None
    sub_sector: str | None
    # Preparation needed, 1 (little) to 5 (a lot); null where the data has none.
    job_zone: int | None
    # The data puts this work at high risk of automation (tasks, not people).
    high_risk: bool | None
    attribution: str


class NearOccupation(OccupationSummary):
    reasons: list[str]


class SectorView(BaseModel):
    code: str
    name: str
    size: int
    parent: str | None


def _summary(occupation: Occupation, matched: str | None = None) -> OccupationSummary:
    return OccupationSummary(
        id=occupation.id,
        name=occupation.name,
        matched_name=matched if matched and matched != occupation.name else None,
        job_zone=occupation.job_zone,
    )


@api.get("/occupations")
@access.allow(access.PUBLIC)
@endpoint(
    summary="Search occupations by any Dutch name (typos allowed), or list a sector's",
    query=OccupationQuery,
    response=list[OccupationSummary],
)
def search_occupations(query: OccupationQuery):
    found = catalog()
    words = (query.q or "").strip()
    if words:
        matches = found.search(words, limit=query.limit, sector=query.sector)
        return [_summary(m.occupation, m.matched_name) for m in matches]
    if query.sector:
        return [_summary(o) for o in found.in_sector(query.sector)[: query.limit]]
    return []


@api.get("/occupations/sectors")
@access.allow(access.PUBLIC)
@endpoint(summary="The sectors and their sub-sectors", query=LocaleOnly, response=list[SectorView])
def occupation_sectors(query: LocaleOnly):
    found, lang = catalog(), locale()
    views = []
    for sector in found.sectors():
        for one in (sector, *found.sub_sectors(sector.code)):
            views.append(
                SectorView(code=one.code, name=one.name(lang), size=one.size, parent=one.parent)
            )
    return views


def _known(occupation_id: str) -> Occupation:
    occupation = catalog().get(occupation_id)
    if occupation is None:
        raise NotFound(N_("No such occupation."))
    return occupation


@api.get("/occupations/<occupation_id>")
@access.allow(access.PUBLIC)
@endpoint(summary="One occupation", query=LocaleOnly, response=OccupationDetail)
def get_occupation(occupation_id: str, query: LocaleOnly):
    occupation, found, lang = _known(occupation_id), catalog(), locale()

    def name_of(code):
        sector = found.sector(code) if code else None
        return sector.name(lang) if sector else None

    return OccupationDetail(
        id=occupation.id,
        code=occupation.code,
        isco_group=occupation.isco,
        name=occupation.name,
        alt_names=list(occupation.alt_names),
        description=occupation.description,
        sector=name_of(occupation.sector),
        sub_sector=name_of(occupation.sub_sector),
        job_zone=occupation.job_zone,
        high_risk=occupation.high_risk,
        attribution=ATTRIBUTION,
    )


@api.get("/occupations/<occupation_id>/near")
@access.allow(access.PUBLIC)
@endpoint(
    summary="Occupations close to this one, nearest first, with why",
    response=list[NearOccupation],
)
def near_occupations(occupation_id: str):
    _known(occupation_id)
    return [
        NearOccupation(**_summary(n.occupation).model_dump(), reasons=[str(r) for r in n.reasons])
        for n in catalog().near(occupation_id, limit=10)
    ]
