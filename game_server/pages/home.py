"""The landing page, the worker's home page, the language switch and the health check."""

from flask import (
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..models import Role
from ..services.common import health
from ..services.guidance import assignments, reminders
from ..services.identity import accounts
from ..services.play import runs, track_map
from ..services.progress.progression import PlayerFacts
from . import pages
from .navigation import safe_next, start_page

LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


@pages.get("/")
@access.allow(access.PUBLIC)
def landing():
    if current_user.is_authenticated:
        return redirect("/home")
    return render_template("landing.html")


@pages.get("/home")
@access.allow(access.SIGNED_IN)
def home():
    own = start_page(current_user.roles)
    if own != url_for("pages.home"):
        return redirect(own)  # a coach or fund member starts on their own page
    session = get_session()
    lang = locale()
    books = catalog()
    active = [
        (run, books.quest(run.quest_id))
        for run in runs.active_runs(session, user_id=current_user.id)
        if books.quest(run.quest_id)
    ]
    done = runs.completed_quest_ids(session, user_id=current_user.id)
    busy = {run.quest_id for run, _quest in active}
    playable = [
        q
        for q in books.find()
        if q.id not in done
        and q.id not in busy
        and all(r in done for r in q.requires)
        and (q.public or not current_user.is_guest)
    ]
    return render_template(
        "home.html",
        active=active,
        suggestions=playable[:3],
        xp=PlayerFacts(session, current_user.id).xp,
        lang=lang,
        can_host=current_user.has_role(Role.COACH) or current_user.has_role(Role.ADMIN),
        can_coach=current_user.has_role(Role.COACH),
        reminders=reminders.unread(session, user_id=current_user.id)[:5],
        track_maps=track_map.track_maps(session, books, user_id=current_user.id, locale=lang),
        assigned=[
            a
            for a in assignments.for_worker(session, books, worker_id=current_user.id, locale=lang)
            if a.status != "done"
        ],
    )


@pages.post("/language")
@access.allow(access.PUBLIC)
def switch_language():
    locale = accounts.clean_locale(request.form.get("locale"))
    if current_user.is_authenticated:
        accounts.set_locale(get_session(), user_id=current_user.id, locale=locale)
    response = make_response(redirect(safe_next(request.form.get("next"))))
    settings = current_app.config["GAME_SETTINGS"]
    response.set_cookie(
        "lang",
        locale,
        max_age=LANGUAGE_COOKIE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.is_production,
    )
    with force_locale(locale):
        flash(_("Language changed."))
    return response


@pages.get("/healthz")
@access.allow(access.PUBLIC)
def healthz():
    content = current_app.extensions["catalog_source"].status()
    report = health.check(
        get_session(),
        redis_url=current_app.config["GAME_SETTINGS"].redis_url,
        content_ok=not content.problems,
    )
    return jsonify(report.model_dump()), 200 if report.status == "ok" else 503
