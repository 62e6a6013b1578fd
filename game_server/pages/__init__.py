"""HTML pages: thin views that render web/templates around the same services as the API."""

from flask import Blueprint

pages = Blueprint("pages", __name__)

from . import account, home  # noqa: E402,F401
