"""Open Badges 3.0 credentials: built from real awards, expanded by pyld against the published
contexts (offline), signed with joserfc and verified by PyJWT, a different JOSE library."""

import base64
import hashlib
import json

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from pyld import jsonld
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import BadgeAward, IssuerKey, User
from game_server.services.progress import awards as award_records
from game_server.services.progress import credentials, issuer_keys
from game_server.services.progress.credentials import SiteUrls
from game_server.standards import CONTEXT_FILES, document_loader

from ..factories import bearer_for, count, make_user, play_open_to_all

URLS = SiteUrls("http://localhost/")  # what the test client's requests see as their root


def books(app):
    return app.extensions["catalog_source"].current()


def earn(app, *, guest: bool = False) -> tuple[User, dict[str, str]]:
    """A worker plays the quest that awards `first-quest` and `open-networker`."""
    user = make_user(app, guest=guest)
    play_open_to_all(app.test_client(), bearer_for(app, user))
    with session_scope(app) as session:
        awards = session.exec(select(BadgeAward).where(BadgeAward.user_id == user.id)).all()
        return user, {award.badge_id: award.id for award in awards}


def build(app, award_id: str, urls: SiteUrls = URLS) -> dict:
    with session_scope(app) as session:
        return credentials.credential(session, books(app), award_id=award_id, urls=urls)


def sign(app, award_id: str) -> str:
    with session_scope(app) as session:
        return credentials.credential_jwt(session, books(app), award_id=award_id, urls=URLS)


def verify(app, token: str, urls: SiteUrls = URLS) -> credentials.Verification:
    with session_scope(app) as session:
        return credentials.verify_jwt(session, token, urls=urls)


def published_keys(app) -> dict:
    with session_scope(app) as session:
        return issuer_keys.jwks(session)


def pyjwt_decode(app, token: str) -> dict:
    """Verify with PyJWT against the published JWK set only (joserfc signed it)."""
    kid = pyjwt.get_unverified_header(token)["kid"]
    key = pyjwt.PyJWKSet.from_dict(published_keys(app))[kid]
    return pyjwt.decode(token, key.key, algorithms=["ES256"], issuer=URLS.issuer)


# -- the credential ------------------------------------------------------------------------


def test_the_credential_has_the_open_badges_shape(app):
    user, awards = earn(app)
    doc = build(app, awards["open-networker"])
    assert doc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["id"] == f"http://localhost/api/v1/credentials/{awards['open-networker']}"
    assert doc["issuer"] == {
        "id": "http://localhost/api/v1/issuer",
        "type": ["Profile"],
        "name": "Loopbaan Quest",
        "url": "http://localhost/",
    }
    assert doc["validFrom"].endswith("Z") and doc["name"] == "Open netwerker"
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["criteria"]["narrative"].startswith("XP (Netwerken): 8")
    assert achievement["image"]["id"] == "http://localhost/badges/open-networker/image.svg"
    [alignment] = achievement["alignment"]
    assert alignment["targetName"] == "Netwerken" and alignment["targetType"] == "ext:Competency"
    assert alignment["targetUrl"].startswith("http://localhost/")
    [evidence] = doc["evidence"]
    assert evidence["id"] == "http://localhost/quests/open-to-all"
    assert evidence["name"] == "Voor iedereen"
    # The answers of the quest ("family", "Familie helpt.") never travel in a credential.
    assert "amilie" not in json.dumps(doc) and "family" not in json.dumps(doc)


def test_a_badge_without_a_competency_aligns_with_what_the_evidence_trained(app):
    _user, awards = earn(app)
    achievement = build(app, awards["first-quest"])["credentialSubject"]["achievement"]
    assert [a["targetCode"] for a in achievement["alignment"]] == ["networking"]
    assert achievement["criteria"]["narrative"] == "Afgeronde quests: 1."


def test_the_recipient_is_a_salted_hash_never_the_address(app):
    user, awards = earn(app)
    doc = build(app, awards["first-quest"])
    [identity] = doc["credentialSubject"]["identifier"]
    assert identity["type"] == "IdentityObject" and identity["hashed"] is True
    assert identity["identityType"] == "emailAddress"
    expected = hashlib.sha256((user.email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    token = sign(app, awards["first-quest"])
    payload = base64.urlsafe_b64decode(token.split(".")[1] + "==").decode()
    local_part = user.email.split("@")[0]
    for text in (json.dumps(doc), payload, token):
        assert user.email not in text and local_part not in text
    other = build(app, awards["open-networker"])["credentialSubject"]["identifier"][0]
    assert other["salt"] != identity["salt"] and other["identityHash"] != identity["identityHash"]


def test_a_guest_is_known_by_a_hashed_user_uri(app):
    user, awards = earn(app, guest=True)
    [identity] = build(app, awards["first-quest"])["credentialSubject"]["identifier"]
    assert identity["identityType"] == "systemId" and identity["hashed"] is True
    uri = f"urn:loopbaan-quest:user:{user.id}"
    assert identity["identityHash"] == (
        "sha256$" + hashlib.sha256((uri + identity["salt"]).encode()).hexdigest()
    )


# -- JSON-LD: nothing is dropped against the published contexts ----------------------------


def _keys(node, found: list) -> list:
    """Every property name of the compact document, recursively (not @context/id/type)."""
    if isinstance(node, list):
        for item in node:
            _keys(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in ("@context", "id", "type"):
                found.append(key)
                _keys(value, found)
    return found


def _iris(node, found: list) -> list:
    """Every property IRI of the expanded document, and every type IRI."""
    if isinstance(node, list):
        for item in node:
            _iris(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@type" and "@value" not in node:
                found.extend(("type", t) for t in value)
            elif not key.startswith("@"):
                found.append(("property", key))
                _iris(value, found)
    return found


def test_the_offline_loader_serves_only_the_published_contexts():
    assert set(CONTEXT_FILES) == {
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    }
    with pytest.raises(LookupError):
        document_loader("https://example.org/other-context.json")


@pytest.mark.parametrize("badge_id", ["first-quest", "open-networker"])
def test_every_property_survives_json_ld_expansion(app, badge_id):
    _user, awards = earn(app, guest=badge_id == "first-quest")
    doc = build(app, awards[badge_id])
    dropped = []
    expanded = jsonld.expand(
        doc, {"documentLoader": document_loader}, on_property_dropped=dropped.append
    )
    assert dropped == []
    iris = _iris(expanded, [])
    properties = [iri for kind, iri in iris if kind == "property"]
    assert len(properties) == len(_keys(doc, []))  # one expanded property per compact key
    assert all(iri.startswith(("https://", "http://")) for _kind, iri in iris), iris
    vocab = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
    assert ("type", vocab + "OpenBadgeCredential") in iris
    assert ("property", vocab + "identityHash") in iris
    assert ("property", "https://schema.org/targetName") in iris
    assert ("property", "https://www.w3.org/2018/credentials#evidence") in iris


def test_the_issuer_profile_expands_too(client):
    profile = client.get("/api/v1/issuer").get_json()
    dropped = []
    jsonld.expand(profile, {"documentLoader": document_loader}, on_property_dropped=dropped.append)
    assert dropped == []


# -- signing and verifying -----------------------------------------------------------------


def test_the_jwt_verifies_with_another_jose_library(app):
    _user, awards = earn(app)
    token = sign(app, awards["first-quest"])
    header = pyjwt.get_unverified_header(token)
    assert header["alg"] == "ES256" and header["typ"] == "JWT"
    assert header["kid"] in {key["kid"] for key in published_keys(app)["keys"]}
    claims = pyjwt_decode(app, token)
    assert claims["iss"] == "http://localhost/api/v1/issuer"
    assert claims["jti"] == claims["vc"]["id"] == URLS.credential(awards["first-quest"])
    assert claims["sub"] == claims["vc"]["credentialSubject"]["identifier"][0]["identityHash"]
    assert isinstance(claims["nbf"], int)
    assert claims["vc"] == build(app, awards["first-quest"])
    assert verify(app, token) == credentials.Verification(
        valid=True, award_id=awards["first-quest"]
    )


@pytest.mark.parametrize("segment", [0, 1, 2])
def test_a_changed_byte_makes_verification_fail(app, segment):
    _user, awards = earn(app)
    token = sign(app, awards["first-quest"])
    parts = token.split(".")
    middle = len(parts[segment]) // 2
    replacement = "A" if parts[segment][middle] != "A" else "B"
    parts[segment] = parts[segment][:middle] + replacement + parts[segment][middle + 1 :]
    changed = ".".join(parts)
    assert changed != token
    result = verify(app, changed)
    assert not result.valid and result.reason in ("tampered", "unknown_key")
    with pytest.raises(pyjwt.PyJWTError):
        pyjwt_decode(app, changed)


def test_a_credential_signed_by_another_key_fails(app):
    _user, awards = earn(app)
    genuine = sign(app, awards["first-quest"])
    claims = pyjwt.decode(genuine, options={"verify_signature": False})
    our_kid = pyjwt.get_unverified_header(genuine)["kid"]
    forger = ec.generate_private_key(ec.SECP256R1())
    forged_jwk = json.loads(pyjwt.algorithms.ECAlgorithm.to_jwk(forger.public_key()))
    # Claiming our key id: the signature does not match our key.
    with_our_kid = pyjwt.encode(
        claims, forger, algorithm="ES256", headers={"kid": our_kid, "jwk": forged_jwk}
    )
    assert verify(app, with_our_kid).reason == "tampered"
    # Its own key id, with the key in the header: we trust only our published keys.
    with_own_kid = pyjwt.encode(
        claims, forger, algorithm="ES256", headers={"kid": "forger", "jwk": forged_jwk}
    )
    assert verify(app, with_own_kid).reason == "unknown_key"
    assert not verify(app, "not a jwt at all").valid


def test_another_issuer_is_refused(app):
    _user, awards = earn(app)
    token = sign(app, awards["first-quest"])
    assert verify(app, token, urls=SiteUrls("https://elsewhere.example/")).reason == (
        "wrong_issuer"
    )


def test_revoked_credentials_still_resolve_but_verify_as_revoked(app):
    _user, awards = earn(app)
    award_id = awards["first-quest"]
    token = sign(app, award_id)
    with session_scope(app) as session:
        first = award_records.revoke(session, award_id=award_id).revoked_at
    with session_scope(app) as session:  # revoking twice keeps the first moment
        assert award_records.revoke(session, award_id=award_id).revoked_at == first
    assert verify(app, token) == credentials.Verification(
        valid=False, reason="revoked", award_id=award_id
    )
    assert build(app, award_id)["id"] == URLS.credential(award_id)
    assert verify(app, sign(app, award_id)).reason == "revoked"


def test_an_erased_award_is_not_found(app):
    user, awards = earn(app)
    token = sign(app, awards["first-quest"])
    with session_scope(app) as session:
        session.delete(session.get(User, user.id))
    assert verify(app, token).reason == "not_found"


def test_the_issuer_key_is_made_once_and_kept(app):
    assert count(app, IssuerKey) == 0
    with session_scope(app) as session:
        first = issuer_keys.signing_key(session).kid
    with session_scope(app) as session:
        assert issuer_keys.signing_key(session).kid == first
    assert count(app, IssuerKey) == 1
    [published] = published_keys(app)["keys"]
    assert published["kid"] == first and published["crv"] == "P-256"
    assert "d" not in published  # the private half is never published
    with session_scope(app) as session:
        assert "PRIVATE" not in repr(session.get(IssuerKey, first))


def test_rotation_keeps_old_credentials_verifiable(app):
    _user, awards = earn(app)
    before = sign(app, awards["first-quest"])
    with session_scope(app) as session:
        old_kid = issuer_keys.signing_key(session).kid
        new_kid = issuer_keys.rotate_issuer_key(session).kid
    after = sign(app, awards["first-quest"])
    assert pyjwt.get_unverified_header(before)["kid"] == old_kid != new_kid
    assert pyjwt.get_unverified_header(after)["kid"] == new_kid
    assert {key["kid"] for key in published_keys(app)["keys"]} == {old_kid, new_kid}
    for token in (before, after):
        assert verify(app, token).valid
        assert pyjwt_decode(app, token)["jti"] == URLS.credential(awards["first-quest"])
    with session_scope(app) as session:
        assert session.get(IssuerKey, old_kid).retired_at is not None
