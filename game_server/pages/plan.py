"""My plan (persoonlijk ontwikkelingsplan): the worker's page, its PDF, and a coach's view."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..models import PlanOccupationKind, Role
from ..services.common.errors import DomainError
from ..services.guidance import development_plan
from ..wording import said
from . import pages
from .navigation import safe_next
from .plan_pdf import PlanSection, PrintablePlan, plan_pdf

COACH = access.roles(Role.COACH)
# The quest that fills each empty part of the plan (the page links to it).
SUGGESTED = {
    "values": "values-cards",
    "strengths": "proud-moment",
    "interests": "interest-profile",
    "actions": "one-step-this-month",
    "courses": "find-a-course",
}


def _suggested() -> dict[str, tuple[str, str]]:
    books, lang = catalog(), locale()
    found = {}
    for part, quest_id in SUGGESTED.items():
        quest = books.quest(quest_id)
        title = quest.title.get(lang) if quest else quest_id
        found[part] = (
            url_for("pages.quest_detail", quest_id=quest_id),
            _("Play “%(quest)s”.", quest=title),
        )
    return found


@pages.get("/me/plan")
@access.allow(access.SIGNED_IN)
def my_plan():
    plan = development_plan.view(get_session(), catalog(), user_id=current_user.id, locale=locale())
    return render_template(
        "plan.html", plan=plan, goal_max=development_plan.GOAL_MAX, suggested=_suggested()
    )


@pages.post("/me/plan/goal")
@access.allow(access.SIGNED_IN)
def set_plan_goal():
    try:
        development_plan.set_goal(
            get_session(), user_id=current_user.id, goal=request.form.get("goal", "")
        )
    except DomainError as error:
        flash(said(error))
    else:
        flash(_("Your goal is on your plan."))
    return redirect(url_for("pages.my_plan") + "#goal")


@pages.post("/me/plan/jobs")
@access.allow(access.SIGNED_IN)
def add_plan_job():
    """From an occupation's page: "this is my work" or "put it on my plan"."""
    occupation_id = request.form.get("occupation_id", "")
    kind = (
        PlanOccupationKind.CURRENT
        if request.form.get("kind") == PlanOccupationKind.CURRENT
        else PlanOccupationKind.LOOKING
    )
    try:
        development_plan.add_job(
            get_session(), user_id=current_user.id, occupation_id=occupation_id, kind=kind
        )
    except DomainError as error:
        flash(said(error))
    else:
        flash(
            _("Saved as your work now. See the jobs close to it below.")
            if kind == PlanOccupationKind.CURRENT
            else _("It is on your plan.")
        )
    return redirect(safe_next(request.form.get("next"), url_for("pages.my_plan") + "#jobs"))


@pages.post("/me/plan/jobs/<occupation_id>/remove")
@access.allow(access.SIGNED_IN)
def remove_plan_job(occupation_id: str):
    development_plan.remove_job(get_session(), user_id=current_user.id, occupation_id=occupation_id)
    flash(_("Taken off your plan."))
    return redirect(url_for("pages.my_plan") + "#jobs")


@pages.post("/me/plan/coaches/<int:link_id>")
@access.allow(access.SIGNED_IN)
def share_plan(link_id: int):
    shared = request.form.get("shared") == "yes"
    development_plan.share_with_coach(
        get_session(), worker_id=current_user.id, link_id=link_id, shared=shared
    )
    flash(
        _("Your coach can now read your plan.")
        if shared
        else _("Your coach no longer sees your plan.")
    )
    return redirect(url_for("pages.my_plan") + "#share")


@pages.get("/me/plan.pdf")
@access.allow(access.SIGNED_IN)
def my_plan_pdf():
    plan = development_plan.view(get_session(), catalog(), user_id=current_user.id, locale=locale())
    return _pdf(plan, "mijn-plan.pdf" if locale() == "nl" else "my-plan.pdf")


@pages.get("/coach/clients/<int:worker_id>/plan")
@access.allow(COACH)
def coach_client_plan(worker_id: int):
    plan = development_plan.for_coach(
        get_session(), catalog(), coach_id=current_user.id, worker_id=worker_id, locale=locale()
    )
    return render_template(
        "plan.html", plan=plan, coach_view=True, worker_id=worker_id, suggested=_suggested()
    )


def _pdf(plan, filename: str) -> Response:
    return Response(
        plan_pdf(printable(plan)),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            # Personal data: never kept by a shared cache or proxy.
            "Cache-Control": "private, no-store",
        },
    )


def printable(plan) -> PrintablePlan:
    """The plan as the PDF shows it: the same sections as the page, in the reader's words."""
    outcomes = {"done": _("done"), "partly": _("partly done"), "not_yet": _("not yet")}

    def action_line(action) -> str:
        line = _("%(text)s (by %(date)s)", text=action.text, date=action.due.strftime("%d-%m-%Y"))
        return f"{line}: {outcomes[action.outcome]}" if action.outcome else line

    jobs = [_("My work now: %(job)s", job=plan.current_job.name)] if plan.current_job else []
    jobs += [job.name + (f" ({job.note})" if job.note else "") for job in plan.jobs]
    sections = (
        PlanSection(
            _("What I find important"),
            tuple(line.text for line in plan.values),
            _("Nothing yet. Play the quest about your values."),
        ),
        PlanSection(
            _("What I am good at"),
            tuple(line.text for line in plan.strengths),
            _("Nothing yet. Play a quest about your strengths."),
        ),
        PlanSection(
            _("What I like doing"),
            tuple(line.text for line in plan.interests),
            _("Nothing yet. Play “What do you like doing?”."),
        ),
        PlanSection(
            _("Work I am looking at"),
            tuple(jobs),
            _("Nothing yet. Look up jobs and put them on your plan."),
        ),
        PlanSection(
            _("What I am going to do"),
            tuple(action_line(action) for action in plan.actions),
            _("Nothing yet. Plan a step in a quest."),
        ),
        PlanSection(
            _("Courses and offers"),
            tuple(line.text for line in plan.courses) + tuple(o.title for o in plan.offers),
            _("Nothing yet."),
        ),
        PlanSection(
            _("Badges I earned"),
            tuple(badge.title for badge in plan.badges),
            _("No badges yet."),
        ),
    )
    return PrintablePlan(
        title=_("My development plan"),
        owner=plan.owner or _("Guest"),
        made_on=_today(),
        goal=plan.goal,
        sections=sections,
        footer=_(
            "Made with Loopbaan Quest. Jobs: ESCO © European Union; sectors and preparation: "
            "Nesta, Mapping Career Causeways (MIT)."
        ),
        labels={"page": _("Page"), "of": _("of"), "goal": _("My goal")},
    )


def _today() -> str:
    from datetime import datetime

    from ..services.progress.progression import LOCAL_TIME

    return datetime.now(LOCAL_TIME).strftime("%d-%m-%Y")
