"""Where a page sends the browser next."""

from flask import url_for


def safe_next(target: str | None) -> str:
    """Follow `next` only to a path on this site, never to another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.home")
