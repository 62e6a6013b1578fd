"""HTML pages: thin views that render web/templates around the same services as the API."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

pages = Blueprint("pages", __name__)

COMPETENCY_NAMES = {
    "reflecting": _l("Reflecting"),
    "exploring": _l("Exploring"),
    "steering": _l("Steering"),
    "networking": _l("Networking"),
}


@pages.app_context_processor
def _competency_names() -> dict:
    return {"competency_names": COMPETENCY_NAMES}


from . import (  # noqa: E402,F401
    account,
    badges,
    checkins,
    coach_answers,
    coaching,
    groups,
    home,
    live,
    play,
    profile,
)
