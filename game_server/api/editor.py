"""Content editors: where players stop in each quest, in anonymous figures."""

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..services.play import drop_off
from ..services.play.drop_off import QuestDropOff
from . import api
from .quests import LocaleQuery
from .spec import endpoint


@api.get("/editor/quests")
@access.allow(access.EDITORS)
@endpoint(
    summary="Every quest: players per step, where they left, ratings (under 10 hidden)",
    query=LocaleQuery,
    response=list[QuestDropOff],
)
def quest_drop_offs(query: LocaleQuery):
    return drop_off.overview(get_session(), catalog(), locale=locale())


@api.get("/editor/quests/<quest_id>")
@access.allow(access.EDITORS)
@endpoint(
    summary="One quest: players per step, where they left, ratings (under 10 hidden)",
    query=LocaleQuery,
    response=QuestDropOff,
)
def quest_drop_off(quest_id: str, query: LocaleQuery):
    return drop_off.drop_off(get_session(), catalog(), quest_id=quest_id, locale=locale())
