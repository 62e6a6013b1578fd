"""Pages for content editors: where players stop in each quest, in anonymous figures.

Every figure comes from services.play.drop_off, hidden below ten people the same way as in
the JSON API (and as on a fund's dashboard).
"""

from flask import render_template

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..services.common import disclosure
from ..services.play import drop_off
from . import pages


@pages.get("/editor/quests")
@access.allow(access.EDITORS)
def editor_quests():
    quests = drop_off.overview(get_session(), catalog(), locale=locale())
    return render_template(
        "editor_quests.html",
        quests=quests,
        stale_days=drop_off.STALE_AFTER.days,
        min_people=disclosure.MIN_PEOPLE,
    )


@pages.get("/editor/quests/<quest_id>")
@access.allow(access.EDITORS)
def editor_quest(quest_id: str):
    figures = drop_off.drop_off(get_session(), catalog(), quest_id=quest_id, locale=locale())
    return render_template("editor_quest.html", quest=figures)
