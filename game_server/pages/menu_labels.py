"""Words for the fixed menus a participant chooses from and a fund's dashboard breaks down by."""

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

SECTOR_LABELS = {
    "transport": _l("Transport and logistics"),
    "cleaning": _l("Cleaning"),
    "retail": _l("Shops and retail"),
    "care": _l("Care and welfare"),
    "construction": _l("Construction and installation"),
    "hospitality": _l("Hotels, restaurants and catering"),
    "industry": _l("Industry and metal"),
    "agriculture": _l("Agriculture and green spaces"),
    "public": _l("Government and education"),
    "other": _l("Other"),
}
AGE_BAND_LABELS = {
    "u25": _l("under 25"),
    "25-34": _l("25 to 34"),
    "35-44": _l("35 to 44"),
    "45-54": _l("45 to 54"),
    "55plus": _l("55 or older"),
}
# Province names are the same in Dutch and English.
REGION_LABELS = {
    "DR": "Drenthe",
    "FL": "Flevoland",
    "FR": "Friesland",
    "GE": "Gelderland",
    "GR": "Groningen",
    "LI": "Limburg",
    "NB": "Noord-Brabant",
    "NH": "Noord-Holland",
    "OV": "Overijssel",
    "UT": "Utrecht",
    "ZE": "Zeeland",
    "ZH": "Zuid-Holland",
}
BREAKDOWN_LABELS = {
    "sector": _l("Sector"),
    "age_band": _l("Age"),
    "region": _l("Province"),
    "week": _l("Week of joining"),
}
UNKNOWN_LABEL = _l("Not given")


def label_of(breakdown: str | None, value: str) -> str:
    if value == "unknown":
        return str(UNKNOWN_LABEL)
    table = {"sector": SECTOR_LABELS, "age_band": AGE_BAND_LABELS, "region": REGION_LABELS}
    if breakdown in table:
        return str(table[breakdown].get(value, value))
    return value


def choices(labels: dict, empty) -> list[SelectChoice]:
    return [SelectChoice("", empty), *(SelectChoice(key, label) for key, label in labels.items())]
