"""The web side of two-factor authentication: the half-done login and the enrolment gate.

After a right password, an account with two-factor authentication is NOT logged in: the
browser's (signed) session only remembers who passed the password, for a few minutes, and
the code page finishes the login. An account whose role requires two-factor authentication
but has not set it up is logged in, but every page sends it to the enrolment page, the API
answers 403 `two_factor_setup_required` to its cookie, and its sockets are refused. Bearer
tokens are not gated: creating one already demands the code (or refuses the account).
"""

import hashlib
import hmac
import time

from flask import current_app, redirect, request, session, url_for
from flask_login import current_user

from .auth import end_session, start_session
from .db import get_session
from .models import User
from .services.common.errors import N_, TwoFactorSetupRequired
from .services.identity import two_factor

PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 5 * 60
# What an account that must enrol may still reach: the enrolment itself and the way out.
OPEN_DURING_ENROLMENT = frozenset(
    {
        "static",
        "pages.healthz",
        "pages.two_factor_setup",
        "pages.logout",
        "pages.switch_language",
    }
)


def secret_key() -> str:
    return current_app.config["SECRET_KEY"]


def _digest(session_token: str) -> str:
    return hashlib.sha256(session_token.encode()).hexdigest()


def begin_pending(user: User, next_path: str) -> None:
    """Remember that `user` passed the password; nobody is logged in yet."""
    end_session()
    session[PENDING_KEY] = {
        "user_id": user.id,
        # A password change or logout-everywhere in between voids the half-done login. Only a
        # digest: the session cookie is signed, not encrypted, and its holder has no login yet.
        "session_token": _digest(user.session_token),
        "until": time.time() + PENDING_SECONDS,
        "next": next_path,
    }


def pending_user() -> tuple[User, str] | None:
    """The user halfway through logging in on this browser, and where they were going."""
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict) or state.get("until", 0) < time.time():
        session.pop(PENDING_KEY, None)
        return None
    user = get_session().get(User, state.get("user_id"))
    if (
        user is None
        or not user.is_active
        or not hmac.compare_digest(_digest(user.session_token), str(state.get("session_token")))
    ):
        session.pop(PENDING_KEY, None)
        return None
    return user, state.get("next") or url_for("pages.home")


def finish_login(user: User) -> None:
    session.pop(PENDING_KEY, None)
    start_session(user)


def required_for(db, user_id: int) -> bool:
    """Whether this account must use two-factor authentication here: demo accounts are
    exempt outside production."""
    demo_exempt = not current_app.config["GAME_SETTINGS"].is_production
    return two_factor.requires(db, user_id=user_id, demo_exempt=demo_exempt)


def needs_enrolment(account) -> bool:
    """Whether this cookie-authenticated account must set up two-factor authentication first."""
    if not account.is_authenticated or account.via != "cookie" or account.is_guest:
        return False
    db = get_session()
    if two_factor.is_enabled(db, user_id=account.id):
        return False
    return required_for(db, account.id)


def enforce_enrolment():
    if request.endpoint in OPEN_DURING_ENROLMENT or not needs_enrolment(current_user):
        return None
    if request.blueprint == "api":
        raise TwoFactorSetupRequired(
            N_("Set up two-factor authentication on the website before using this account.")
        )
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("pages.two_factor_setup", next=target), code=303)
