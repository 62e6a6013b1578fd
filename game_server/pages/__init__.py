"""HTML pages: thin views that render web/templates around the same services as the API."""

from datetime import datetime

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..services.progression import LOCAL_TIME

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


@pages.app_template_filter("localdate")
def _local_date(moment: datetime) -> str:
    """A moment as the Dutch calendar date people expect (dd-mm-yyyy)."""
    return moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y")


from . import (  # noqa: E402,F401
    account,
    badges,
    challenges,
    checkins,
    coach_answers,
    coaching,
    fund,
    groups,
    home,
    live,
    play,
    profile,
    two_factor,
)
