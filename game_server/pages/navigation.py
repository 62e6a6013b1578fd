"""Where a page sends the browser next."""

from collections.abc import Collection

from flask import url_for

from ..models import Role


def is_safe_next(target: str | None) -> bool:
    """A path on this site, never another host (`//host`, `/\\host`) or a full URL."""
    return bool(
        target and target.startswith("/") and not target.startswith("//") and "\\" not in target
    )


def safe_next(target: str | None, default: str | None = None) -> str:
    """Follow `next` only to a path on this site; otherwise `default` (the worker's home)."""
    if is_safe_next(target):
        return target
    return default or url_for("pages.home")


def start_page(roles: Collection[Role], next_target: str | None = None) -> str:
    """Where someone lands after logging in: a safe `next` if one was given, otherwise the
    start page of their role (a coach's clients, a fund's challenges, an editor's content
    preview, everyone else's home; an admin has no pages of their own and starts at home,
    where live sessions start)."""
    if Role.COACH in roles:
        own = url_for("pages.coach_home")
    elif Role.FUND in roles:
        own = url_for("pages.fund_home")
    elif Role.EDITOR in roles and Role.ADMIN not in roles:
        own = url_for("pages.preview_index")
    else:
        own = url_for("pages.home")
    return safe_next(next_target, default=own)
