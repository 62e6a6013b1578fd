"""The fixed menus a challenge dashboard breaks down by. No free filters, ever: a fund picks
one of these, and every cell is counted over people who chose from the same short list."""

from enum import StrEnum

SECTORS = (
    "transport",
    "cleaning",
    "retail",
    "care",
    "construction",
    "hospitality",
    "industry",
    "agriculture",
    "public",
    "other",
)
AGE_BANDS = ("u25", "25-34", "35-44", "45-54", "55plus")
# The twelve provinces, by their official two-letter codes.
REGIONS = ("DR", "FL", "FR", "GE", "GR", "LI", "NB", "NH", "OV", "UT", "ZE", "ZH")
# A participant who chose not to say is counted in this cell of every breakdown.
UNKNOWN = "unknown"


class Breakdown(StrEnum):
    SECTOR = "sector"
    AGE_BAND = "age_band"
    REGION = "region"
    WEEK = "week"  # the week someone joined


MENUS: dict[Breakdown, tuple[str, ...]] = {
    Breakdown.SECTOR: SECTORS,
    Breakdown.AGE_BAND: AGE_BANDS,
    Breakdown.REGION: REGIONS,
}
