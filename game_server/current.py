"""Request-scoped accessors for the thin layers (api, pages, realtime); never for services."""

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

from .content.catalog import Catalog


def catalog() -> Catalog:
    return current_app.extensions["catalog_source"].current()


def site_root() -> str:
    """Our public address (the setting, never the request's Host header): the same from a
    request, a socket event or a background job, and not a visitor's to choose."""
    return current_app.config["GAME_SETTINGS"].site_root


def site():
    """Our public address as xAPI names it."""
    from .services.progress.xapi import Site

    return Site(root=site_root())


def credential_urls():
    """Our public address as signed credentials name it."""
    from .services.progress.credentials import SiteUrls

    return SiteUrls(site_root())


def locale() -> str:
    """The language to answer in: ?locale=, else the user's choice, else the page's."""
    asked = request.args.get("locale")
    if asked in ("nl", "en"):
        return asked
    if current_user.is_authenticated:
        return current_user.locale
    return str(get_locale() or "nl")
