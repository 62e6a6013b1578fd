"""Request-scoped accessors for the thin layers (api, pages, realtime); never for services."""

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

from .content.catalog import Catalog


def catalog() -> Catalog:
    return current_app.extensions["catalog_source"].current()


def site():
    """Our public address as xAPI and credentials name it (the setting, never the request)."""
    from .services.xapi import Site

    return Site(root=current_app.config["GAME_SETTINGS"].site_root)


def locale() -> str:
    """The language to answer in: ?locale=, else the user's choice, else the page's."""
    asked = request.args.get("locale")
    if asked in ("nl", "en"):
        return asked
    if current_user.is_authenticated:
        return current_user.user.locale
    return str(get_locale() or "nl")
