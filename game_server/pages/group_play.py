"""Playing a quest in a group: one step per screen, poll totals, peer steps, sharing."""

import contextlib
import uuid

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..services.common.errors import Conflict, InvalidInput
from ..services.play import group_play, groups, ratings, runs
from ..services.play.group_views import SHAREABLE_TYPES
from ..wording import said
from . import pages


@pages.post("/groups/<int:group_id>/quests/<quest_id>/start")
@access.allow(access.SIGNED_IN)
def start_group_quest(group_id: int, quest_id: str):
    view, _new = group_play.start_run(
        get_session(),
        catalog(),
        group_id=group_id,
        user_id=current_user.id,
        quest_id=quest_id,
        locale=locale(),
    )
    return redirect(url_for("pages.group_run", group_id=group_id, run_id=view.run_id))


def _render(group_id: int, view, error: str | None = None, status: int = 200):
    session = get_session()
    state = groups.group_state(session, group_id=group_id, user_id=current_user.id)
    quest = catalog().quest(view.quest_id)
    badges = catalog().library.badges
    return (
        render_template(
            "group_play.html",
            group=state,
            run=view,
            title=quest.title.get(locale()) if quest else view.quest_id,
            error=error,
            idempotency_key=uuid.uuid4().hex,
            shareable=view.step is not None and view.step.type in SHAREABLE_TYPES,
            badge_titles=[
                badges[b].title.get(locale()) for b in view.badges_awarded or [] if b in badges
            ],
            last_poll=_last_poll(view),
            rating=(
                ratings.rating_of(session, run_id=view.run_id, user_id=current_user.id)
                if view.status == "completed"
                else None
            ),
        ),
        status,
    )


def _last_poll(view):
    """The totals of the poll step just answered, shown above the next step."""
    if not view.poll_results:
        return None
    wanted = request.args.get("poll")
    return next((p for p in view.poll_results if p.step_id == wanted), None)


@pages.get("/groups/<int:group_id>/runs/<int:run_id>")
@access.allow(access.SIGNED_IN)
def group_run(group_id: int, run_id: int):
    session = get_session()
    group_play.group_run(session, group_id=group_id, run_id=run_id, user_id=current_user.id)
    view = runs.get_run(session, run_id=run_id, user_id=current_user.id, locale=locale())
    return _render(group_id, view)


@pages.post("/groups/<int:group_id>/runs/<int:run_id>/answer")
@access.allow(access.SIGNED_IN)
def group_answer(group_id: int, run_id: int):
    session = get_session()
    group_play.group_run(session, group_id=group_id, run_id=run_id, user_id=current_user.id)
    view = runs.get_run(session, run_id=run_id, user_id=current_user.id, locale=locale())
    if view.step is None or view.step.id != request.form.get("step_id"):
        return redirect(url_for("pages.group_run", group_id=group_id, run_id=run_id))
    step_type, step_id = view.step.type, view.step.id
    try:
        value = runs.answer_from_form(
            session, run_id=run_id, user_id=current_user.id, step_id=step_id, form=request.form
        )
        view = group_play.answer(
            session,
            catalog(),
            group_id=group_id,
            run_id=run_id,
            user_id=current_user.id,
            step_id=step_id,
            value=value,
            idempotency_key=request.form.get("idempotency_key") or None,
            share=request.form.get("share") == "1",
            locale=locale(),
        )
    except InvalidInput as error:
        view.step.answer = None
        message = _("Please check your answer: %(reason)s", reason=said(error))
        return _render(group_id, view, error=message, status=422)
    except Conflict:
        pass  # the run moved on elsewhere (another tab); show where it stands now
    args = {"poll": step_id} if step_type == "poll" else {}
    return redirect(url_for("pages.group_run", group_id=group_id, run_id=run_id, **args))


@pages.post("/groups/<int:group_id>/runs/<int:run_id>/back")
@access.allow(access.SIGNED_IN)
def group_back(group_id: int, run_id: int):
    session = get_session()
    group_play.group_run(session, group_id=group_id, run_id=run_id, user_id=current_user.id)
    with contextlib.suppress(Conflict):
        runs.go_back(session, user_id=current_user.id, run_id=run_id, locale=locale())
    return redirect(url_for("pages.group_run", group_id=group_id, run_id=run_id))
