"""Answers between a worker and their coach: sharing chosen answers, feedback and replies."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..models import Role
from ..services.common.errors import InvalidInput
from ..services.guidance import assignments, coach_sharing, coaching, feedback
from . import pages


@pages.get("/coaches/<int:link_id>/answers")
@access.allow(access.SIGNED_IN)
def coach_answers(link_id: int):
    """My answers in my own words, each with a button to show it to this coach or not."""
    session = get_session()
    answers = coach_sharing.shareable_answers(session, worker_id=current_user.id, link_id=link_id)
    link = next(
        found
        for found in coaching.my_coaches(session, worker_id=current_user.id)
        if found.id == link_id
    )
    books = catalog()
    titles = {
        a.quest_id: books.quest(a.quest_id).title.get(locale())
        for a in answers
        if books.quest(a.quest_id)
    }
    return render_template("coach_answers.html", link=link, answers=answers, titles=titles)


@pages.post("/coaches/<int:link_id>/answers/<int:answer_id>/share")
@access.allow(access.SIGNED_IN)
def share_with_coach(link_id: int, answer_id: int):
    coaching.share_answer(
        get_session(), worker_id=current_user.id, link_id=link_id, answer_id=answer_id
    )
    flash(_("Your coach can read this answer now."))
    return redirect(url_for("pages.coach_answers", link_id=link_id))


@pages.post("/coaches/<int:link_id>/answers/<int:answer_id>/unshare")
@access.allow(access.SIGNED_IN)
def unshare_with_coach(link_id: int, answer_id: int):
    coaching.unshare_answer(
        get_session(), worker_id=current_user.id, link_id=link_id, answer_id=answer_id
    )
    flash(_("Your coach can no longer read this answer."))
    return redirect(url_for("pages.coach_answers", link_id=link_id))


@pages.post("/feedback/<int:answer_id>/reply")
@access.allow(access.SIGNED_IN)
def reply_feedback(answer_id: int):
    try:
        feedback.reply(
            get_session(),
            worker_id=current_user.id,
            answer_id=answer_id,
            text=request.form.get("text", ""),
        )
    except InvalidInput:
        flash(_("Write a reply of at most 2000 characters."))
    else:
        flash(_("Your reply is sent."))
    return redirect(url_for("pages.my_coaches") + "#feedback")


@pages.post("/coach/clients/<int:worker_id>/answers/<int:answer_id>/feedback")
@access.allow(access.roles(Role.COACH))
def give_feedback(worker_id: int, answer_id: int):
    try:
        feedback.give(
            get_session(),
            coach_id=current_user.id,
            worker_id=worker_id,
            answer_id=answer_id,
            text=request.form.get("text", ""),
        )
    except InvalidInput:
        flash(_("Write feedback of at most 2000 characters."))
    else:
        flash(_("Your feedback is sent."))
    return redirect(url_for("pages.coach_client", worker_id=worker_id))


@pages.post("/coach/clients/<int:worker_id>/assign")
@access.allow(access.roles(Role.COACH))
def assign_quest(worker_id: int):
    """Assign one quest to this client, with an optional date and message."""
    due = request.form.get("due") or None
    try:
        assignments.assign(
            get_session(),
            catalog(),
            coach_id=current_user.id,
            quest_id=request.form.get("quest_id") or None,
            worker_ids=[worker_id],
            due=date.fromisoformat(due) if due else None,
            message=request.form.get("message") or None,
            locale=locale(),
        )
    except (InvalidInput, ValueError):
        flash(_("Choose a quest, and a date from today on (or no date)."))
    else:
        flash(_("The quest is assigned."))
    return redirect(url_for("pages.coach_client", worker_id=worker_id))
