"""My plan (persoonlijk ontwikkelingsplan) over JSON: read it, write my goal, put jobs on it,
share it with a linked coach; and a coach's read of a plan shared with them."""

from typing import Literal

from flask_login import current_user
from pydantic import Field

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..models import PlanOccupationKind, Role
from ..services.guidance import development_plan
from ..services.guidance.development_plan import DevelopmentPlanView
from . import api
from .spec import Strict, endpoint

COACH = access.roles(Role.COACH)


class PlanGoalIn(Strict):
    goal: str | None = Field(default=None, max_length=development_plan.GOAL_MAX)


class PlanOccupationIn(Strict):
    occupation_id: str = Field(min_length=1, max_length=60)
    # "hidden" is how a job taken off stays off; it is not put on a plan.
    kind: Literal[PlanOccupationKind.CURRENT, PlanOccupationKind.LOOKING] = (
        PlanOccupationKind.LOOKING
    )
    note: str | None = Field(default=None, max_length=development_plan.NOTE_MAX)


def _mine() -> DevelopmentPlanView:
    return development_plan.view(get_session(), catalog(), user_id=current_user.id, locale=locale())


@api.get("/me/plan")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="My plan: goal, values, strengths, interests, work, actions, courses, badges",
    response=DevelopmentPlanView,
)
def get_my_plan():
    return _mine()


@api.put("/me/plan/goal")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Write (or clear) the goal on my plan", body=PlanGoalIn, response=DevelopmentPlanView
)
def set_plan_goal(body: PlanGoalIn):
    development_plan.set_goal(get_session(), user_id=current_user.id, goal=body.goal)
    return _mine()


@api.post("/me/plan/occupations")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Put an occupation on my plan (as my work now, or work I look at)",
    body=PlanOccupationIn,
    response=DevelopmentPlanView,
)
def add_plan_occupation(body: PlanOccupationIn):
    development_plan.add_job(
        get_session(),
        user_id=current_user.id,
        occupation_id=body.occupation_id,
        kind=body.kind,
        note=body.note,
    )
    return _mine()


@api.delete("/me/plan/occupations/<occupation_id>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Take an occupation off my plan", status=204)
def remove_plan_occupation(occupation_id: str):
    development_plan.remove_job(get_session(), user_id=current_user.id, occupation_id=occupation_id)


@api.put("/me/coaches/<int:link_id>/plan")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Share my plan with this coach (who sees it if I allowed answers)", status=204)
def share_plan_with_coach(link_id: int):
    development_plan.share_with_coach(
        get_session(), worker_id=current_user.id, link_id=link_id, shared=True
    )


@api.delete("/me/coaches/<int:link_id>/plan")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Stop sharing my plan with this coach", status=204)
def unshare_plan_with_coach(link_id: int):
    development_plan.share_with_coach(
        get_session(), worker_id=current_user.id, link_id=link_id, shared=False
    )


@api.get("/coach/clients/<int:worker_id>/plan")
@access.allow(COACH)
@endpoint(
    summary="Coach: a linked worker's plan, if they shared it (the read is audited)",
    response=DevelopmentPlanView,
)
def client_plan(worker_id: int):
    return development_plan.for_coach(
        get_session(), catalog(), coach_id=current_user.id, worker_id=worker_id, locale=locale()
    )
