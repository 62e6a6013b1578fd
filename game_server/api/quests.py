"""The quest catalog and solo play over JSON."""

from typing import Any

from flask import request
from flask_login import current_user
from pydantic import BaseModel, Field

from .. import access
from ..content.schema import Competency, Mode, Quest
from ..current import catalog, locale
from ..db import get_session
from ..services.common.errors import N_, NotFound
from ..services.play import ratings, runs
from ..services.play.ratings import RatingIn, RatingView
from ..services.play.runs import RunView
from . import api
from .spec import Query, Strict, endpoint


class QuestFilter(Query):
    competency: Competency | None = None
    mode: Mode | None = None
    sector: str | None = Field(default=None, max_length=60)
    locale: str | None = Field(default=None, pattern="^(nl|en)$")


class QuestSummary(BaseModel):
    id: str
    title: str
    summary: str
    competencies: dict[str, int]
    minutes: int
    modes: list[str]
    sectors: list[str]
    requires: list[str]
    public: bool
    steps: int


class AnswerIn(Strict):
    step_id: str = Field(max_length=60)
    value: Any = None


class LocaleQuery(Query):
    locale: str | None = Field(default=None, pattern="^(nl|en)$")


def _summary(quest: Quest, lang: str) -> QuestSummary:
    return QuestSummary(
        id=quest.id,
        title=quest.title.get(lang),
        summary=quest.summary.get(lang),
        competencies={str(c): xp for c, xp in quest.competencies.items()},
        minutes=quest.minutes,
        modes=[str(m) for m in quest.modes],
        sectors=quest.sectors,
        requires=quest.requires,
        public=quest.public,
        steps=len(quest.steps),
    )


@api.get("/quests")
@access.allow(access.PUBLIC)
@endpoint(summary="The quest catalog", query=QuestFilter, response=list[QuestSummary])
def list_quests(query: QuestFilter):
    found = catalog().find(competency=query.competency, mode=query.mode, sector=query.sector)
    return [_summary(quest, locale()) for quest in found]


@api.get("/quests/<quest_id>")
@access.allow(access.PUBLIC)
@endpoint(summary="One quest", query=LocaleQuery, response=QuestSummary)
def get_quest(quest_id: str, query: LocaleQuery):
    quest = catalog().quest(quest_id)
    if quest is None:
        raise NotFound(N_("No such quest."))
    return _summary(quest, locale())


@api.post("/quests/<quest_id>/runs")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Start (or resume) a run of this quest", response=RunView, status=201, also=(200,)
)
def start_run(quest_id: str):
    view, new = runs.start_or_resume(
        get_session(), catalog(), user_id=current_user.id, quest_id=quest_id, locale=locale()
    )
    return view, 201 if new else 200


@api.get("/runs/<int:run_id>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="One of my runs", query=LocaleQuery, response=RunView)
def get_run(run_id: int, query: LocaleQuery):
    return runs.get_run(get_session(), run_id=run_id, user_id=current_user.id, locale=locale())


@api.post("/runs/<int:run_id>/answers")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Answer the current step (send an Idempotency-Key header)",
    body=AnswerIn,
    response=RunView,
)
def answer(run_id: int, body: AnswerIn):
    return runs.answer_step(
        get_session(),
        catalog(),
        user_id=current_user.id,
        run_id=run_id,
        step_id=body.step_id,
        value=body.value,
        idempotency_key=request.headers.get("Idempotency-Key"),
        locale=locale(),
    )


@api.post("/runs/<int:run_id>/back")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Go back one step to change an answer", response=RunView)
def go_back(run_id: int):
    return runs.go_back(get_session(), user_id=current_user.id, run_id=run_id, locale=locale())


@api.post("/runs/<int:run_id>/abandon")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Stop this run", response=RunView)
def abandon(run_id: int):
    return runs.abandon(get_session(), user_id=current_user.id, run_id=run_id, locale=locale())


class RatingBody(RatingIn, Strict):
    """1 (not useful) to 5 (very useful), and a short comment if you like."""


@api.post("/runs/<int:run_id>/rating")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Say whether this finished quest was useful (again: change it)",
    body=RatingBody,
    response=RatingView,
)
def rate_run(run_id: int, body: RatingBody):
    return ratings.rate(get_session(), run_id=run_id, user_id=current_user.id, rating=body)


@api.get("/runs/<int:run_id>/rating")
@access.allow(access.SIGNED_IN)
@endpoint(summary="My rating of this run (null: not rated yet)", response=RatingView | None)
def run_rating(run_id: int):
    return ratings.rating_of(get_session(), run_id=run_id, user_id=current_user.id)
