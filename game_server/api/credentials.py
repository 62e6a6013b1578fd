"""Open Badges credentials over JSON: my badges, the public credentials, revocation."""

from typing import Any

from flask import Response, jsonify
from flask_login import current_user

from .. import access
from ..current import catalog, credential_urls
from ..db import get_session
from ..models import Role
from ..services.progress import awards, credentials, issuer_keys
from ..services.progress.awards import MyBadge
from ..services.progress.credentials import SiteUrls
from . import api
from .spec import endpoint


def site_urls() -> SiteUrls:
    return credential_urls()


def public(response: Response) -> Response:
    """Public documents: any site may fetch them to verify a credential in the browser."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@api.get("/me/badges")
@access.allow(access.SIGNED_IN)
@endpoint(summary="My awarded badges, with links to their credentials", response=list[MyBadge])
def my_badges():
    return awards.my_badges(get_session(), user_id=current_user.id, urls=site_urls())


@api.post("/me/badges/<award_id>/revoke")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Revoke one of my badges; its credential then verifies as revoked", response=MyBadge
)
def revoke_my_badge(award_id: str):
    award = awards.revoke(get_session(), award_id=award_id, owner_id=current_user.id)
    return awards.my_badge(award, site_urls())


@api.post("/admin/badges/<award_id>/revoke")
@access.allow(access.roles(Role.ADMIN))
@endpoint(summary="Revoke anyone's badge", response=MyBadge)
def revoke_badge(award_id: str):
    award = awards.revoke(get_session(), award_id=award_id)
    return awards.my_badge(award, site_urls())


@api.get("/credentials/<award_id>")
@access.allow(access.PUBLIC)
@endpoint(summary="An Open Badges 3.0 credential (JSON-LD, unsigned)", response=dict[str, Any])
def credential(award_id: str):
    document = credentials.credential(get_session(), catalog(), award_id=award_id, urls=site_urls())
    return public(jsonify(document))


@api.get("/credentials/<award_id>/jwt")
@access.allow(access.PUBLIC)
@endpoint(summary="The same credential as a compact VC-JWT (application/jwt)")
def credential_jwt(award_id: str):
    token = credentials.credential_jwt(
        get_session(), catalog(), award_id=award_id, urls=site_urls()
    )
    return public(Response(token, mimetype="application/jwt"))


@api.get("/issuer")
@access.allow(access.PUBLIC)
@endpoint(summary="The issuer profile named in every credential", response=dict[str, Any])
def issuer():
    profile = {"@context": credentials.CONTEXT, **credentials.issuer_profile(site_urls())}
    return public(jsonify(profile))


@api.post("/admin/issuer-keys/rotate")
@access.allow(access.roles(Role.ADMIN))
@endpoint(
    summary="Start signing with a new issuer key; earlier credentials keep verifying",
    response=dict[str, Any],
    status=201,
)
def rotate_issuer_key():
    return issuer_keys.public_jwk(issuer_keys.rotate_issuer_key(get_session()))
