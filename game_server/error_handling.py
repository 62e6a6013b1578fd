"""One place that turns every failure into an answer: the JSON envelope or a friendly page.

No stack trace ever leaves the server; unexpected errors are logged with an id that the
answer repeats, so a user's report can be matched to the log.
"""

import logging
import secrets

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import db
from .api.errors import ApiError, ErrorBody, ErrorEnvelope, from_domain
from .services.common.errors import DomainError
from .wording import said

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}

MESSAGES = {
    400: "The request could not be understood.",
    401: "Log in first.",
    403: "You are not allowed to do this.",
    404: "This page or item does not exist.",
    405: "This method is not allowed here.",
    413: "The request is too large.",
    429: "Too many attempts. Wait a moment and try again.",
    500: "Something went wrong on our side. We have logged it.",
    503: "The service is briefly unavailable. Try again in a minute.",
}


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/.well-known/")) or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _envelope(status: int, body: ErrorBody, headers=None):
    response = jsonify(ErrorEnvelope(error=body).model_dump(mode="json", exclude_none=True))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


CSRF_MESSAGE = "The CSRF token is missing or expired. Reload the page, or send X-CSRFToken."


def _page(status: int, message: str):
    return render_template("error.html", status=status, message=message), status


def _translated(status: int) -> str:
    # Spelled out so the message extractor sees each string.
    return {
        400: _("Something in the request was not right. Go back and try again."),
        401: _("Log in first."),
        403: _("You are not allowed to do this."),
        404: _("This page or item does not exist."),
        405: _("This does not work here. Go back and try again."),
        413: _("The request is too large."),
        429: _("Too many attempts. Wait a moment and try again."),
        500: _("Something went wrong on our side. We have logged it."),
        503: _("The service is briefly unavailable. Try again in a minute."),
    }.get(status, _("Something went wrong."))


def handle_http(exc: HTTPException):
    status = exc.code or 500
    if status == 401 and g.get("redirect_to_login"):
        return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
    # Keep what the exception says about itself (Allow on 405), not its HTML content type.
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    csrf_failed = isinstance(exc, CSRFError)
    if csrf_failed:
        status, code, message = 403, "csrf_failed", CSRF_MESSAGE
    else:
        code = HTTP_CODES.get(status, "error")
        message = MESSAGES.get(status, exc.description or "Error.")
    if wants_json():
        return _envelope(status, ErrorBody(code=code, message=message), headers)
    shown = (
        _("This form has expired. Go back, reload the page and try again.")
        if csrf_failed
        else _translated(status)
    )
    body, status = _page(status, shown)
    return body, status, headers


def handle_api_error(exc: ApiError):
    return _envelope(exc.status, exc.body)


def handle_domain_error(exc: DomainError):
    api_error = from_domain(exc)
    if wants_json():
        return _envelope(api_error.status, api_error.body)
    # Pages catch the errors they expect and word them; anything else says its own message.
    return _page(api_error.status, said(exc))


def handle_unexpected(exc: Exception):
    if db.database_unavailable(exc):
        return handle_database_unavailable(exc)
    incident = secrets.token_hex(4)
    log.exception("unhandled error (incident %s) on %s %s", incident, request.method, request.path)
    message = f"{MESSAGES[500]} Incident {incident}."
    if wants_json():
        return _envelope(500, ErrorBody(code="internal_error", message=message))
    return _page(500, f"{_translated(500)} ({incident})")


def handle_database_unavailable(exc: Exception):
    """The database is away (stopped, restarting, unreachable): a 503 to retry, not a 500.

    Nothing was half-written: every write is one transaction, rolled back when the request's
    session closes. The pool replaces the dead connections once it is back (db.py)."""
    log.warning("database unavailable on %s %s: %s", request.method, request.path, exc)
    headers = {"Retry-After": str(db.RETRY_AFTER_SECONDS)}
    # Show the page as to a visitor: loading the signed-in user (for the menu and the
    # language) would ask the absent database again and turn this 503 into a 500.
    g._login_user = current_app.login_manager.anonymous_user()
    if wants_json():
        return _envelope(503, ErrorBody(code="unavailable", message=MESSAGES[503]), headers)
    body, status = _page(503, _translated(503))
    return body, status, headers


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)
