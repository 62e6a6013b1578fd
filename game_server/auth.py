"""Who is calling: login cookies, bearer tokens, CSRF and the access-policy gate.

A login cookie carries "<user id>:<session token>"; rotating the user's session token (logout,
password change) makes every cookie of that user worthless at once. A request that carries an
Authorization header is judged by that header alone, never by a cookie, so CSRF protection is
only needed (and always applied) where a cookie is what authenticates.
"""

import logging
from functools import cached_property

from flask import Flask, abort, current_app, g, request, session
from flask_login import AnonymousUserMixin, current_user, login_user, logout_user

from . import access
from .db import get_session
from .extensions import csrf, login_manager
from .models import Role, User
from .services.identity import accounts, tokens

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Account:
    """The signed-in caller as Flask-Login sees it.

    A cookie login has read the user row already; a bearer token carries only what every
    request needs (id, guest or not, language), and the row is read when a view asks."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(
        self,
        *,
        user_id: int,
        via: str,
        is_guest: bool,
        locale: str,
        token_id: int | None = None,
        user: User | None = None,
    ):
        self.id = user_id
        self.via = via  # "cookie" or "token"
        self.is_guest = is_guest
        self.locale = locale
        self.token_id = token_id
        self._user = user

    @classmethod
    def of_cookie(cls, user: User) -> "Account":
        return cls(
            user_id=user.id, via="cookie", is_guest=user.is_guest, locale=user.locale, user=user
        )

    @property
    def user(self) -> User:
        if self._user is None:
            self._user = get_session().get(User, self.id)
        return self._user

    def get_id(self) -> str:
        return f"{self.id}:{self.user.session_token}"

    @cached_property
    def roles(self) -> frozenset[Role]:
        # Read only when a route's policy asks: most requests never need them.
        return frozenset(accounts.roles_of(get_session(), self.id))

    def has_role(self, role: Role) -> bool:
        return role in self.roles


class Anonymous(AnonymousUserMixin):
    roles = frozenset()
    is_guest = False
    id = None

    def has_role(self, role: Role) -> bool:
        return False


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def account_for_token(token: str) -> Account | None:
    bearer = tokens.resolve(get_session(), token)
    if bearer is None:
        return None
    return Account(
        user_id=bearer.user_id,
        via="token",
        is_guest=bearer.is_guest,
        locale=bearer.locale,
        token_id=bearer.token_id,
    )


@login_manager.user_loader
def _load_from_cookie(cookie_id: str) -> Account | None:
    if "Authorization" in request.headers:
        return None
    user_id, _, session_token = cookie_id.partition(":")
    if not user_id.isdigit() or not session_token:
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.is_active or user.session_token != session_token:
        return None
    return Account.of_cookie(user)


@login_manager.request_loader
def _load_from_header(req) -> Account | None:
    token = bearer_token()
    return account_for_token(token) if token else None


def start_session(user: User) -> None:
    """Log `user` in on this browser with a fresh session (no fixation)."""
    session.clear()
    login_user(Account.of_cookie(user))
    session.permanent = True


def end_session() -> None:
    logout_user()
    session.clear()


SIGNED_LINK_ENDPOINTS = frozenset({"pages.unsubscribe"})


def _enforce_csrf() -> None:
    if request.method not in WRITE_METHODS or "Authorization" in request.headers:
        return
    if request.endpoint in SIGNED_LINK_ENDPOINTS:
        # The signed token in the address is the authority, never the login cookie; mail
        # programs send the one-click unsubscribe (RFC 8058) without any cookie or form.
        return
    if request.endpoint is None:
        # No route (404) or not this method (405): nothing runs, so nothing to protect, and
        # a CSRF refusal would hide the answer that says what is wrong with the request.
        return
    if request.blueprint == "api" and not request.cookies.get(
        current_app.config["SESSION_COOKIE_NAME"]
    ):
        # No cookie and no token: an anonymous API call (register, token, guest). Nothing
        # ambient authenticates it, so there is nothing for a forged request to ride on.
        return
    csrf.protect()


def _enforce_access_policy() -> None:
    if request.endpoint is None:
        return  # no route: the 404/405 handlers answer
    view = current_app.view_functions.get(request.endpoint)
    policy = access.policy_of(view)
    if policy is None:
        log.error("route %s has no access policy; refusing", request.endpoint)
        abort(403)
    if "Authorization" in request.headers and not current_user.is_authenticated:
        # A wrong, expired or revoked token is an authentication failure even on public routes.
        abort(401)
    refusal = policy.refusal(current_user)
    if refusal == "unauthorized":
        if request.blueprint == "pages" and request.method == "GET":
            g.redirect_to_login = True
        abort(401)
    if refusal == "forbidden":
        abort(403)


def init_app(app: Flask, *, enforce_enrolment) -> None:
    """`enforce_enrolment` (two_factor's, which builds on this module) runs after the CSRF
    check and before the access policy: an account that must enrol sees the enrolment
    page, not a 403."""
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.session_protection = None  # the session token does this job, for all devices
    app.before_request(_enforce_csrf)
    app.before_request(enforce_enrolment)
    app.before_request(_enforce_access_policy)
