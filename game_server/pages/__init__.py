"""HTML pages: thin views that render web/templates around the same services as the API."""

from datetime import datetime

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..services.progress.progression import LOCAL_TIME

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


@pages.app_template_global("competency_icon")
def _competency_icon(competency: str):
    from .badge_art import competency_icon

    return competency_icon(str(competency))


@pages.app_template_global("answer_text")
def _answer_text(answer, reader: str) -> str:
    """An answer (with quest_id, step_id, value) as its step type writes it for `reader`."""
    from ..content.steps import Reader, text_of
    from ..current import catalog, locale

    quest = catalog().quest(answer.quest_id)
    step = quest.step(answer.step_id) if quest else None
    return text_of(step, answer.value, Reader(reader), locale())


@pages.app_template_global("occupation_name")
def _occupation_name(occupation_id: str) -> str:
    """An occupation's Dutch name from the catalog (the id itself when it is not there)."""
    from ..services.explore.occupations import catalog

    found = catalog().get(occupation_id)
    return found.name if found else occupation_id


@pages.app_template_filter("localdate")
def _local_date(moment: datetime) -> str:
    """A moment as the Dutch calendar date people expect (dd-mm-yyyy)."""
    return moment.astimezone(LOCAL_TIME).strftime("%d-%m-%Y")


from . import (  # noqa: E402,F401
    account,
    badges,
    bookings,
    challenges,
    checkins,
    coach_answers,
    coaching,
    editor,
    fund,
    groups,
    home,
    live,
    occupations,
    outreach,
    plan,
    play,
    preview,
    profile,
    two_factor,
    wallet,
)
