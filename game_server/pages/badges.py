"""The public badge page (anyone can verify a credential there), the badge image, and the
issuer's JWK set at /.well-known/jwks.json."""

import logging
import secrets
from urllib.parse import urlencode

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from .. import access
from ..api.errors import ErrorBody, ErrorEnvelope
from ..current import catalog, credential_urls, locale
from ..db import get_session
from ..error_handling import HTTP_CODES, MESSAGES
from ..services.common.errors import N_, NotFound
from ..services.progress import awards, credentials, issuer_keys
from ..services.progress.credentials import SiteUrls, Verification
from . import pages
from .badge_art import badge_svg

log = logging.getLogger(__name__)

MAX_PRESENTED_BYTES = 64 * 1024


def _urls() -> SiteUrls:
    return credential_urls()


def _explain(result: Verification) -> tuple[str, str]:
    """The verdict ("valid", "revoked" or "invalid") and one plain sentence about it."""
    if result.valid:
        return "valid", _("This badge was issued by Loopbaan Quest and has not been revoked.")
    if result.reason == "revoked":
        return "revoked", _("This badge was revoked. It no longer counts.")
    reasons = {
        "tampered": _("The credential was changed after it was signed."),
        "unknown_key": _("The credential was not signed by Loopbaan Quest."),
        "wrong_issuer": _("The credential names another issuer."),
    }
    return "invalid", reasons.get(result.reason, _("This badge does not exist (any more)."))


def linkedin_add_url(title: str, awarded_at, page_url: str, award_id: str) -> str:
    """LinkedIn's "Add to profile" link for a certification, filled in with this badge."""
    fields = {
        "startTask": "CERTIFICATION_NAME",
        "name": title,
        "organizationName": "Loopbaan Quest",
        "issueYear": awarded_at.year,
        "issueMonth": awarded_at.month,
        "certUrl": page_url,
        "certId": award_id,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(fields)


def _render(award_id: str, verdict: tuple[str, str], *, checked_file: bool = False):
    session = get_session()
    award = credentials.get_award(session, award_id)
    urls = _urls()
    badge = awards.public_badge(session, catalog(), award_id=award_id, locale=locale())
    page_url = urls.verify(award_id)
    return render_template(
        "badge.html",
        badge=badge,
        page_url=page_url,
        linkedin_url=linkedin_add_url(badge.title, badge.awarded_at, page_url, award_id),
        verdict=verdict[0],
        explanation=verdict[1],
        checked_file=checked_file,
        is_owner=current_user.is_authenticated and current_user.id == award.user_id,
        image_url=url_for("pages.badge_image", badge_id=award.badge_id),
        json_url=urls.credential(award_id),
        jwt_url=urls.jwt(award_id),
    )


@pages.get("/badges/<award_id>")
@access.allow(access.PUBLIC)
def badge_page(award_id: str):
    """Verify the credential as we issue it now: signature, issuer, not revoked."""
    session = get_session()
    token = credentials.credential_jwt(session, catalog(), award_id=award_id, urls=_urls())
    return _render(award_id, _explain(credentials.verify_jwt(session, token, urls=_urls())))


@pages.post("/badges/<award_id>")
@access.allow(access.PUBLIC)
def check_presented(award_id: str):
    """Verify a credential someone was given (the .jwt file, or its text pasted)."""
    upload = request.files.get("file")
    presented = upload.read(MAX_PRESENTED_BYTES) if upload and upload.filename else b""
    presented = presented.decode("utf-8", "replace") or request.form.get("credential", "")
    presented = presented.strip()[:MAX_PRESENTED_BYTES]
    result = credentials.verify_jwt(get_session(), presented, urls=_urls())
    verdict = _explain(result)
    if presented.startswith("{"):  # the JSON download carries no signature
        verdict = ("invalid", _("This file has no signature. Check the .jwt file instead."))
    elif result.award_id and result.award_id != award_id:
        verdict = ("invalid", _("This credential belongs to another badge."))
    return _render(award_id, verdict, checked_file=True)


@pages.post("/badges/<award_id>/revoke")
@access.allow(access.SIGNED_IN)
def revoke_badge(award_id: str):
    awards.revoke(get_session(), award_id=award_id, owner_id=current_user.id)
    flash(_("The badge is revoked. Anyone who checks it will see that."))
    return redirect(url_for("pages.badge_page", award_id=award_id))


@pages.get("/badges/<badge_id>/image.svg")
@access.allow(access.PUBLIC)
def badge_image(badge_id: str):
    badge = catalog().library.badges.get(badge_id)
    if badge is None:
        raise NotFound(N_("No such badge."))
    competencies = credentials.competencies_of(badge)
    svg = badge_svg(badge.id, badge.title.get(locale()), competencies[0] if competencies else None)
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


# /.well-known/ lies outside /api/v1, yet its errors are JSON: a nested blueprint of its own.
wellknown = Blueprint("wellknown", __name__)


@wellknown.get("/.well-known/jwks.json")
@access.allow(access.PUBLIC)
def jwks():
    response = jsonify(issuer_keys.jwks(get_session()))
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers in any browser
    return response


def _envelope(status: int, message: str):
    body = ErrorBody(code=HTTP_CODES.get(status, "error"), message=message)
    return jsonify(ErrorEnvelope(error=body).model_dump(mode="json", exclude_none=True)), status


@wellknown.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    status = exc.code or 500
    return _envelope(status, MESSAGES.get(status, exc.description or "Error."))


@wellknown.errorhandler(Exception)
def _unexpected(exc: Exception):
    incident = secrets.token_hex(4)
    log.exception("unhandled error (incident %s) on %s", incident, request.path)
    return _envelope(500, f"{MESSAGES[500]} Incident {incident}.")


pages.register_blueprint(wellknown)
