"""The occupation catalog: ESCO's Dutch occupations with Nesta's skills-based sectors, job
zones and automation risk, loaded once per process from game_server/data/occupations.json.gz
(built by scripts/build_occupations.py)."""

import functools
import gzip
import json
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .search import LabelIndex

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "occupations.json.gz"
ATTRIBUTION = (
    "Occupations: ESCO © European Union (reuse with acknowledgement, Decision 2011/833/EU). "
    "Sectors, preparation and automation: Nesta, Mapping Career Causeways (MIT licence)."
)


@dataclass(frozen=True)
class Occupation:
    id: str
    code: str
    isco: str
    name: str
    alt_names: tuple[str, ...]
    description: str
    sector: str | None
    sub_sector: str | None
    job_zone: int | None
    high_risk: bool | None
    remote_share: float | None


@dataclass(frozen=True)
class Sector:
    """A skills-based sector, or a sub-sector of one (`parent` is then the sector's code)."""

    code: str
    name_nl: str
    name_en: str
    size: int
    parent: str | None = None

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_nl


class Reason(StrEnum):
    SAME_SUB_SECTOR = "same_sub_sector"
    SAME_SECTOR = "same_sector"
    SIMILAR_PREPARATION = "similar_preparation"
    SAME_ISCO_GROUP = "same_isco_group"
    SAME_ISCO_MINOR_GROUP = "same_isco_minor_group"


@dataclass(frozen=True)
class Match:
    occupation: Occupation
    matched_name: str
    score: float


@dataclass(frozen=True)
class Nearby:
    occupation: Occupation
    reasons: tuple[Reason, ...]
    rank_score: float


class OccupationCatalog:
    def __init__(self, document: dict):
        self._occupations = [
            Occupation(
                id=o["id"],
                code=o["code"],
                isco=o["isco"],
                name=o["name"],
                alt_names=tuple(o["alt_names"]),
                description=o["description"],
                sector=o["sector"],
                sub_sector=o["sub_sector"],
                job_zone=o["job_zone"],
                high_risk=o["high_risk"],
                remote_share=o["remote_share"],
            )
            for o in document["occupations"]
        ]
        self._index_of = {o.id: i for i, o in enumerate(self._occupations)}
        self._sectors = {s["code"]: Sector(**s) for s in document["sectors"]}
        self._members: dict[str, list[int]] = defaultdict(list)
        self._by_isco: dict[str, list[int]] = defaultdict(list)
        self._by_minor: dict[str, list[int]] = defaultdict(list)
        labels = []
        for i, (o, raw) in enumerate(zip(self._occupations, document["occupations"], strict=True)):
            for code in (o.sector, o.sub_sector):
                if code:
                    self._members[code].append(i)
            self._by_isco[o.isco].append(i)
            self._by_minor[o.isco[:3]].append(i)
            labels.append((o.name, i, 0))
            labels += [(alt, i, 1) for alt in o.alt_names]
            labels += [(hidden, i, 2) for hidden in raw.get("hidden_names", [])]
        self._labels = LabelIndex(labels)
        self._member_sets = {code: frozenset(ids) for code, ids in self._members.items()}

    def get(self, occupation_id: str) -> Occupation | None:
        index = self._index_of.get(occupation_id)
        return None if index is None else self._occupations[index]

    def __contains__(self, occupation_id: object) -> bool:
        return occupation_id in self._index_of

    def __len__(self) -> int:
        return len(self._occupations)

    def search(self, query: str, limit: int = 10, sector: str | None = None) -> list[Match]:
        """One match per occupation (its best matching name), best first; [] for no words."""
        if limit <= 0:
            return []
        allowed = None if sector is None else self._member_sets.get(sector, frozenset())
        best = self._labels.find(query[:200], wanted=limit, allowed=allowed)
        ranked = sorted(best.items(), key=lambda hit: (-hit[1][0], self._occupations[hit[0]].name))
        matches = []
        for owner, (score, label) in ranked[:limit]:
            occupation = self._occupations[owner]
            hidden = self._labels.kinds[label] == 2  # searchable, never shown
            shown = occupation.name if hidden else self._labels.originals[label]
            matches.append(Match(occupation, shown, round(max(score, 0.0), 2)))
        return matches

    def near(self, occupation_id: str, limit: int = 10) -> list[Nearby]:
        """Occupations close to this one: the same sub-sector at a similar job zone first
        (closest zone first), then the same ISCO unit group, then the same ISCO minor group."""
        me = self.get(occupation_id)
        if me is None:
            return []
        candidates = set(self._by_isco[me.isco]) | set(self._by_minor[me.isco[:3]])
        if me.sub_sector:
            candidates |= set(self._members[me.sub_sector])
        found = []
        for index in candidates:
            other = self._occupations[index]
            if other.id == me.id:
                continue
            reasons, score = _closeness(me, other)
            if reasons:
                found.append(Nearby(other, reasons, score))
        found.sort(key=lambda n: (-n.rank_score, n.occupation.name))
        return found[:limit]

    def sectors(self) -> list[Sector]:
        return [s for s in self._sectors.values() if s.parent is None]

    def sub_sectors(self, sector_code: str) -> list[Sector]:
        return [s for s in self._sectors.values() if s.parent == sector_code]

    def sector(self, code: str) -> Sector | None:
        return self._sectors.get(code)

    def in_sector(self, code: str) -> list[Occupation]:
        return sorted(
            (self._occupations[i] for i in self._members.get(code, [])), key=lambda o: o.name
        )


def _closeness(me: Occupation, other: Occupation) -> tuple[tuple[Reason, ...], float]:
    """The reasons `other` is near `me`, and a score in which a higher tier always ranks
    first: the same sub-sector at a similar job zone, the same ISCO unit group, the same ISCO
    minor group. Within a tier, each further reason that applies adds a little."""
    step = (
        abs(me.job_zone - other.job_zone)
        if me.job_zone is not None and other.job_zone is not None
        else None
    )
    similar = step is not None and step <= 1
    same_sub = me.sub_sector is not None and me.sub_sector == other.sub_sector
    same_sector = me.sector is not None and me.sector == other.sector
    same_unit = me.isco == other.isco
    same_minor = me.isco[:3] == other.isco[:3]
    if same_sub and similar:
        score = 300.0 - 10 * step
    elif same_unit:
        score = 200.0
    elif same_minor:
        score = 100.0
    else:
        return (), 0.0
    reasons = []
    if same_sub:
        reasons.append(Reason.SAME_SUB_SECTOR)
        score += 4
    elif same_sector:
        reasons.append(Reason.SAME_SECTOR)
        score += 2
    if similar:
        reasons.append(Reason.SIMILAR_PREPARATION)
        score += 2 - step
    if same_unit:
        reasons.append(Reason.SAME_ISCO_GROUP)
        score += 3
    elif same_minor:
        reasons.append(Reason.SAME_ISCO_MINOR_GROUP)
        score += 1
    return tuple(reasons), score


@functools.cache
def catalog() -> OccupationCatalog:
    """The catalog, read once per process."""
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as handle:
        return OccupationCatalog(json.load(handle))
