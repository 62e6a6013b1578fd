"""Credentials over HTTP: my badges, the public credential and JWT, the JWK set, revocation,
and the public verification page."""

import jwt as pyjwt
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec

from game_server.db import get_engine
from game_server.models import Role

from ..factories import bearer_for, csrf_token, login, make_user, play_open_to_all

ROOT = "http://localhost"


def earn(app, client, **kwargs):
    user = make_user(app, **kwargs)
    headers = bearer_for(app, user)
    play_open_to_all(client, headers)
    mine = client.get("/api/v1/me/badges", headers=headers).get_json()
    return user, headers, {badge["badge_id"]: badge for badge in mine}


def verdict(page) -> str:
    html = page.get_data(as_text=True)
    marker = 'data-verdict="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_my_badges_link_to_their_credentials(app, client):
    _user, _headers, mine = earn(app, client)
    assert set(mine) == {"first-quest", "open-networker"}
    badge = mine["first-quest"]
    award_id = badge["id"]
    assert len(award_id) == 32 and badge["revoked"] is False
    assert badge["credential_url"] == f"{ROOT}/api/v1/credentials/{award_id}"
    assert badge["jwt_url"] == f"{ROOT}/api/v1/credentials/{award_id}/jwt"
    assert badge["verify_url"] == f"{ROOT}/badges/{award_id}"
    assert set(badge) == {
        "id",
        "badge_id",
        "awarded_at",
        "revoked",
        "credential_url",
        "jwt_url",
        "verify_url",
    }
    assert client.get("/api/v1/me/badges").status_code == 401


def test_anyone_can_read_a_credential_and_its_jwt(app, client):
    user, _headers, mine = earn(app, client)
    anonymous = app.test_client()
    badge = mine["open-networker"]
    document = anonymous.get(badge["credential_url"])
    assert document.status_code == 200 and document.mimetype == "application/json"
    assert document.get_json()["id"] == badge["credential_url"]
    token = anonymous.get(badge["jwt_url"])
    assert token.status_code == 200 and token.mimetype == "application/jwt"
    keys = anonymous.get("/.well-known/jwks.json")
    assert keys.status_code == 200 and keys.mimetype == "application/json"
    kid = pyjwt.get_unverified_header(token.get_data(as_text=True))["kid"]
    key = pyjwt.PyJWKSet.from_dict(keys.get_json())[kid]
    claims = pyjwt.decode(token.get_data(as_text=True), key.key, algorithms=["ES256"])
    assert claims["vc"] == document.get_json()
    for response in (document, token, keys):
        assert user.email not in response.get_data(as_text=True)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert all("d" not in jwk for jwk in keys.get_json()["keys"])


def test_unknown_credentials_are_404_in_the_envelope(client):
    for path in ("/api/v1/credentials/0123456789abcdef", "/api/v1/credentials/nope/jwt"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert client.get("/badges/" + "x" * 300).status_code == 404
    assert client.get("/badges/no-such-badge/image.svg").status_code == 404


def test_the_jwks_answers_failures_in_the_json_envelope(sqlite_app):
    with get_engine(sqlite_app).begin() as conn:
        conn.execute(sa.text("DROP TABLE issuer_keys"))  # a real fault, not a mock
    response = sqlite_app.test_client().get("/.well-known/jwks.json")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"


def test_a_worker_revokes_only_their_own_badge(app, client):
    _user, headers, mine = earn(app, client)
    award_id = mine["first-quest"]["id"]
    stranger = bearer_for(app, make_user(app))
    refused = client.post(f"/api/v1/me/badges/{award_id}/revoke", headers=stranger)
    assert refused.status_code == 404
    assert refused.get_json()["error"]["code"] == "not_found"
    assert client.post(f"/api/v1/me/badges/{award_id}/revoke").status_code == 401
    done = client.post(f"/api/v1/me/badges/{award_id}/revoke", headers=headers)
    assert done.status_code == 200 and done.get_json()["revoked"] is True
    again = client.post(f"/api/v1/me/badges/{award_id}/revoke", headers=headers)
    assert again.status_code == 200 and again.get_json()["revoked"] is True
    listed = {b["id"]: b for b in client.get("/api/v1/me/badges", headers=headers).get_json()}
    assert listed[award_id]["revoked"] is True
    assert listed[mine["open-networker"]["id"]]["revoked"] is False
    # Revoked credentials still resolve; the page says they are revoked.
    assert client.get(f"/api/v1/credentials/{award_id}").status_code == 200
    assert client.get(f"/api/v1/credentials/{award_id}/jwt").status_code == 200
    assert verdict(app.test_client().get(f"/badges/{award_id}")) == "revoked"


def test_an_admin_revokes_anyones_badge(app, client):
    _user, _headers, mine = earn(app, client)
    award_id = mine["open-networker"]["id"]
    worker = bearer_for(app, make_user(app))
    assert client.post(f"/api/v1/admin/badges/{award_id}/revoke", headers=worker).status_code == (
        403
    )
    admin = bearer_for(app, make_user(app, Role.ADMIN))
    done = client.post(f"/api/v1/admin/badges/{award_id}/revoke", headers=admin)
    assert done.status_code == 200 and done.get_json()["revoked"] is True
    missing = client.post("/api/v1/admin/badges/0000/revoke", headers=admin)
    assert missing.status_code == 404


def test_the_public_page_verifies_and_shows_only_the_display_name(app, client):
    user, _headers, mine = earn(app, client)
    award_id = mine["first-quest"]["id"]
    anonymous = app.test_client()
    page = anonymous.get(f"/badges/{award_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and verdict(page) == "valid"
    assert "Test person" in html and user.email not in html
    assert mine["first-quest"]["jwt_url"] in html and mine["first-quest"]["credential_url"] in html
    image = anonymous.get("/badges/first-quest/image.svg")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"


def _check(app, award_id: str, text: str):
    visitor = app.test_client()
    token = csrf_token(visitor, f"/badges/{award_id}")
    return visitor.post(f"/badges/{award_id}", data={"csrf_token": token, "credential": text})


def test_the_page_checks_a_presented_file(app, client):
    _user, _headers, mine = earn(app, client)
    award_id = mine["first-quest"]["id"]
    genuine = client.get(mine["first-quest"]["jwt_url"]).get_data(as_text=True)
    assert verdict(_check(app, award_id, genuine)) == "valid"
    head, payload, signature = genuine.split(".")
    flipped = payload[:20] + ("A" if payload[20] != "A" else "B") + payload[21:]
    tampered = _check(app, award_id, f"{head}.{flipped}.{signature}")
    assert verdict(tampered) == "invalid"
    assert "veranderd na het ondertekenen" in tampered.get_data(as_text=True)
    claims = pyjwt.decode(genuine, options={"verify_signature": False})
    forged = pyjwt.encode(claims, ec.generate_private_key(ec.SECP256R1()), algorithm="ES256")
    assert verdict(_check(app, award_id, forged)) == "invalid"
    other = client.get(mine["open-networker"]["jwt_url"]).get_data(as_text=True)
    assert "hoort bij een andere badge" in _check(app, award_id, other).get_data(as_text=True)
    assert verdict(_check(app, award_id, "{}")) == "invalid"


def test_the_owner_revokes_on_the_page(app, client):
    user, _headers, mine = earn(app, client)
    award_id = mine["first-quest"]["id"]
    browser = app.test_client()
    login(browser, user)
    page = browser.get(f"/badges/{award_id}").get_data(as_text=True)
    assert f"/badges/{award_id}/revoke" in page
    token = csrf_token(browser, f"/badges/{award_id}")
    done = browser.post(f"/badges/{award_id}/revoke", data={"csrf_token": token})
    assert done.status_code == 302
    assert verdict(browser.get(f"/badges/{award_id}")) == "revoked"
    # Someone else's badge: no button, and the route answers "not found".
    stranger = app.test_client()
    login(stranger, make_user(app))
    other = mine["open-networker"]["id"]
    assert f"/badges/{other}/revoke" not in stranger.get(f"/badges/{other}").get_data(as_text=True)
    token = csrf_token(stranger, f"/badges/{other}")
    assert stranger.post(f"/badges/{other}/revoke", data={"csrf_token": token}).status_code == 404
    assert verdict(app.test_client().get(f"/badges/{other}")) == "valid"


def test_the_openapi_document_describes_the_credential_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/credentials/{award_id}" in paths
    assert paths["/api/v1/me/badges"]["get"]["x-access-policy"] == "signed_in"


def test_an_admin_rotates_the_issuer_key(app, client):
    _user, _headers, mine = earn(app, client)
    before = client.get(mine["first-quest"]["jwt_url"]).get_data(as_text=True)
    admin = bearer_for(app, make_user(app, Role.ADMIN))
    rotated = client.post("/api/v1/admin/issuer-keys/rotate", headers=admin)
    assert rotated.status_code == 201
    new_kid = rotated.get_json()["kid"]
    assert "d" not in rotated.get_json()
    after = client.get(mine["first-quest"]["jwt_url"]).get_data(as_text=True)
    assert pyjwt.get_unverified_header(after)["kid"] == new_kid
    assert pyjwt.get_unverified_header(before)["kid"] != new_kid
    for token in (before, after):
        assert verdict(_check(app, mine["first-quest"]["id"], token)) == "valid"
    kids = {key["kid"] for key in client.get("/.well-known/jwks.json").get_json()["keys"]}
    assert len(kids) == 2 and new_kid in kids


def test_the_owner_can_share_the_badge_and_add_it_to_linkedin(app, client):
    from urllib.parse import parse_qs, urlparse

    user, _headers, badges = earn(app, client)
    award_id = badges["first-quest"]["id"]
    owner = app.test_client()
    login(owner, user)
    page = owner.get(f"/badges/{award_id}").get_data(as_text=True)
    assert 'data-testid="share-badge"' in page
    assert f'value="{ROOT}/badges/{award_id}"' in page
    start = page.index('href="https://www.linkedin.com/profile/add?') + len('href="')
    link = urlparse(page[start : page.index('"', start)].replace("&amp;", "&"))
    fields = {key: values[0] for key, values in parse_qs(link.query).items()}
    assert fields["startTask"] == "CERTIFICATION_NAME"
    assert fields["name"] == "Eerste quest" and fields["organizationName"] == "Loopbaan Quest"
    assert fields["certUrl"] == f"{ROOT}/badges/{award_id}" and fields["certId"] == award_id
    assert fields["issueYear"].isdigit() and 1 <= int(fields["issueMonth"]) <= 12
    # Others see the badge and its check, not the owner's share panel.
    assert 'data-testid="share-badge"' not in app.test_client().get(f"/badges/{award_id}").get_data(
        as_text=True
    )
