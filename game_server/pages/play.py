"""The catalog and the quest player: one step per screen, works without JavaScript."""

import contextlib
import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..content.schema import Competency
from ..current import catalog, locale
from ..db import get_session
from ..services.common.errors import N_, Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ..services.funds import challenge_setup, challenges
from ..services.play import payoff, ratings, run_state, runs
from ..wording import said
from . import pages
from .messages import flash_reveal


@pages.get("/quests")
@access.allow(access.PUBLIC)
def quest_catalog():
    lang = locale()
    done = set()
    if current_user.is_authenticated:
        done = runs.completed_quest_ids(get_session(), user_id=current_user.id)
    groups = [
        (competency, [q for q in catalog().find() if _main_competency(q) == competency])
        for competency in Competency
    ]
    return render_template("quests.html", groups=groups, lang=lang, done=done)


def _main_competency(quest) -> Competency:
    return max(quest.competencies.items(), key=lambda item: (item[1], item[0] == "reflecting"))[0]


@pages.get("/quests/<quest_id>")
@access.allow(access.PUBLIC)
def quest_detail(quest_id: str):
    quest = catalog().quest(quest_id)
    if quest is None:
        raise NotFound(N_("No such quest."))
    return render_template(
        "quest.html", quest=quest, lang=locale(), step_count=run_state.steps_at_start(quest)
    )


@pages.post("/quests/<quest_id>/start")
@access.allow(access.SIGNED_IN)
def start_quest(quest_id: str):
    try:
        view, _new = runs.start_or_resume(
            get_session(), catalog(), user_id=current_user.id, quest_id=quest_id, locale=locale()
        )
    except Forbidden:
        flash(_("Make an account (it is free) to play this quest. You keep what you did."))
        return redirect(url_for("pages.register"))
    except Conflict as error:
        flash(_("Play this quest first: %(titles)s", titles=_titles(error.params.get("missing"))))
        return redirect(url_for("pages.quest_detail", quest_id=quest_id))
    return redirect(url_for("pages.play", run_id=view.run_id))


def _badge_titles(badge_ids: list[str] | None) -> list[str]:
    badges = catalog().library.badges
    return [badges[b].title.get(locale()) for b in badge_ids or [] if b in badges]


def _titles(quest_ids: list[str] | None) -> str:
    lang = locale()
    found = [catalog().quest(q) for q in quest_ids or []]
    return ", ".join(q.title.get(lang) for q in found if q)


def _render_run(run_id: int, view, error: str | None = None, status: int = 200, rating_error=None):
    quest = catalog().quest(view.quest_id)
    title = quest.title.get(locale()) if quest else view.quest_id
    finished = view.status == "completed"
    return (
        render_template(
            "play.html",
            run=view,
            title=title,
            error=error,
            idempotency_key=uuid.uuid4().hex,
            badge_titles=_badge_titles(view.badges_awarded),
            counts_for=_challenges_counting(view) if finished else [],
            rating=(
                ratings.rating_of(get_session(), run_id=run_id, user_id=current_user.id)
                if finished
                else None
            ),
            rating_error=rating_error,
            payoff=(
                payoff.payoff(
                    get_session(),
                    catalog(),
                    run_id=run_id,
                    user_id=current_user.id,
                    locale=locale(),
                )
                if finished
                else None
            ),
        ),
        status,
    )


def _challenges_counting(view) -> list:
    """Open challenges of this worker that count the quest just finished: their rewards and
    offers are one tap away (the sign-up from the end of a quest)."""
    session = get_session()
    ids = challenges.open_with_quest(session, user_id=current_user.id, quest_id=view.quest_id)
    return [challenge_setup.view(session, challenges.get(session, i), locale=locale()) for i in ids]


@pages.get("/runs/<int:run_id>")
@access.allow(access.SIGNED_IN)
def play(run_id: int):
    view = runs.get_run(get_session(), run_id=run_id, user_id=current_user.id, locale=locale())
    if view.group_id is not None:  # group runs have their own player (poll results, peers)
        return redirect(url_for("pages.group_run", group_id=view.group_id, run_id=run_id))
    return _render_run(run_id, view)


@pages.post("/runs/<int:run_id>/answer")
@access.allow(access.SIGNED_IN)
def answer(run_id: int):
    session = get_session()
    view = runs.get_run(session, run_id=run_id, user_id=current_user.id, locale=locale())
    if view.step is None or view.step.id != request.form.get("step_id"):
        return redirect(url_for("pages.play", run_id=run_id))
    try:
        value = runs.answer_from_form(
            session, run_id=run_id, user_id=current_user.id, step_id=view.step.id, form=request.form
        )
        view = runs.answer_step(
            session,
            catalog(),
            user_id=current_user.id,
            run_id=run_id,
            step_id=view.step.id,
            value=value,
            idempotency_key=request.form.get("idempotency_key") or None,
            locale=locale(),
        )
    except InvalidInput as error:
        view.step.answer = None
        return _render_run(run_id, view, error=_answer_message(error), status=422)
    except Conflict:
        pass  # the run moved on elsewhere (another tab); show where it stands now
    else:
        _say_how_it_went(session, run_id, request.form.get("step_id"))
    return redirect(url_for("pages.play", run_id=run_id))


def _say_how_it_went(session, run_id: int, step_id: str) -> None:
    """After a quiz question: right, or what the right answer was, and why."""
    flash_reveal(
        runs.reveal_answer(
            session, run_id=run_id, user_id=current_user.id, step_id=step_id, locale=locale()
        )
    )


def _answer_message(error: DomainError) -> str:
    # The step types explain in English; the page gives the Dutch reader a plain instruction.
    return _("Please check your answer: %(reason)s", reason=said(error))


@pages.post("/runs/<int:run_id>/back")
@access.allow(access.SIGNED_IN)
def back(run_id: int):
    with contextlib.suppress(Conflict):
        runs.go_back(get_session(), user_id=current_user.id, run_id=run_id, locale=locale())
    return redirect(url_for("pages.play", run_id=run_id))


@pages.post("/runs/<int:run_id>/abandon")
@access.allow(access.SIGNED_IN)
def abandon(run_id: int):
    with contextlib.suppress(Conflict):
        runs.abandon(get_session(), user_id=current_user.id, run_id=run_id, locale=locale())
    flash(_("You stopped this quest. You can start it again at any time."))
    return redirect(url_for("pages.home"))


@pages.post("/runs/<int:run_id>/rating")
@access.allow(access.SIGNED_IN)
def rate(run_id: int):
    session = get_session()
    try:
        rating = ratings.parse(request.form.get("score"), request.form.get("comment"))
        ratings.rate(session, run_id=run_id, user_id=current_user.id, rating=rating)
    except InvalidInput as error:
        view = runs.get_run(session, run_id=run_id, user_id=current_user.id, locale=locale())
        if view.group_id is not None:  # the group's player shows it, as a notice
            flash(said(error))
            return redirect(url_for("pages.play", run_id=run_id, _anchor="rating"))
        problem = {"field": error.field, "message": said(error)}
        return _render_run(run_id, view, status=422, rating_error=problem)
    except Conflict:
        return redirect(url_for("pages.play", run_id=run_id))  # not finished (yet)
    flash(_("Thank you! This helps us make the quests better."))
    return redirect(url_for("pages.play", run_id=run_id, _anchor="rating"))
