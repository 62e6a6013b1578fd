"""JSON API under /api/v1: thin views that parse, call a service and respond."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

# Importing the view modules attaches their routes to the blueprint.
from . import (  # noqa: E402,F401
    admin,
    auth,
    bookings,
    challenges,
    coaching,
    credentials,
    editor,
    follow_up,
    groups,
    live,
    me,
    meta,
    occupations,
    outreach,
    plan,
    quests,
    wallet,
    xapi,
)
