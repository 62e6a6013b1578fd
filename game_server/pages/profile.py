"""The worker's own profile page: growth, rhythm, badges and journal."""

from flask import render_template
from flask_login import current_user

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..services.play import journal
from ..services.progress import profile
from ..services.progress.progression import LEVELS
from . import COMPETENCY_NAMES, pages
from .charts import radar


@pages.get("/profile")
@access.allow(access.SIGNED_IN)
def my_profile():
    session = get_session()
    lang = locale()
    data = profile.profile(session, catalog(), user_id=current_user.id, locale=lang)
    chart = radar(
        [(str(COMPETENCY_NAMES[c.competency]), c.level) for c in data.competencies],
        maximum=len(LEVELS),
    )
    return render_template(
        "profile.html",
        profile=data,
        radar=chart,
        entries=journal.entries(session, catalog(), user_id=current_user.id, locale=lang),
    )
