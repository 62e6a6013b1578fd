"""Every route declares who may call it, and everyone else is refused (401 or 403).

The matrix of who may call what is in tests/access_matrix.py (EXPECTED); a route missing
from it fails the suite, so no route can appear without someone deciding who may use it.
"""

import pytest

from game_server import access
from game_server.db import session_scope
from game_server.models import User

from .access_matrix import EVERYONE, EXPECTED, concrete_path, routes
from .factories import CSRF_META, Personas, make_user


def test_every_route_declares_an_access_policy(sqlite_app):
    missing = [
        rule.rule
        for rule in sqlite_app.url_map.iter_rules()
        if access.policy_of(sqlite_app.view_functions[rule.endpoint]) is None
    ]
    assert missing == [], f"routes without @access.allow(...): {missing}"


def test_every_route_is_in_the_role_matrix(sqlite_app):
    declared = {(method, rule.rule) for method, rule in routes(sqlite_app)}
    expected = set(EXPECTED)
    assert declared - expected == set(), "add these routes to EXPECTED in tests/test_access.py"
    assert expected - declared == set(), "EXPECTED lists routes that no longer exist"


def test_a_route_without_a_policy_is_refused(sqlite_app):
    @sqlite_app.get("/forgotten")
    def forgotten():
        return "should never be served"

    response = sqlite_app.test_client().get("/forgotten")
    assert response.status_code == 403


def _call(personas: Personas, kind: str, method: str, path: str):
    if path.startswith("/api/"):
        client = personas.app.test_client()
        return client.open(path, method=method, headers=personas.headers(kind), json={})
    client = personas.cookie_client(kind)
    page = client.get("/login").get_data(as_text=True)
    token = CSRF_META.search(page).group(1)
    return client.open(path, method=method, data={"csrf_token": token})


@pytest.mark.parametrize("kind", sorted(EVERYONE))
def test_role_matrix(app, kind):
    """Each kind of caller gets through exactly the routes EXPECTED allows it."""
    personas = Personas(app)
    wrong = []
    for method, rule in routes(app):
        allowed = kind in EXPECTED[(method, rule.rule)]
        response = _call(personas, kind, method, concrete_path(rule))
        refused = response.status_code in (401, 403) or _sent_to_login(response)
        if allowed and refused:
            wrong.append(f"{method} {rule.rule}: refused with {response.status_code}")
        if not allowed:
            expected = 401 if kind == "anonymous" else 403
            ok = response.status_code == expected or (
                kind == "anonymous" and method == "GET" and _sent_to_login(response)
            )
            if not ok:
                wrong.append(
                    f"{method} {rule.rule}: expected {expected}, got {response.status_code}"
                )
    assert wrong == []


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def _text_of(response) -> str:
    """What a person reads in a response: a PDF's extracted text, any other body as text."""
    if response.mimetype == "application/pdf":
        import io

        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


def test_no_route_a_fund_can_reach_gives_it_an_individual_record(app):
    """A fund member walks every GET route open to them, with the ids of their own challenge
    and offer filled in: no name, e-mail address, contact or word of a worker comes back."""
    from game_server.services.funds import rewards

    from .challenge_fixtures import complete, join, make_fund_member, make_offered_challenge

    member = make_fund_member(app)
    offer_id, challenge_id, code = make_offered_challenge(app, member)
    markers = []
    for n in range(12):
        marker = f"MERKTEKEN{n:02d}"
        worker = make_user(app, display_name=f"Naam {marker}", email=f"{marker.lower()}@example.nl")
        markers.append(marker)
        join(app, code, worker, sector="transport")
        complete(app, worker)
        with session_scope(app) as session:
            (place,) = rewards.rewards_of(session, challenge_id)
            rewards.claim(
                session,
                challenge_id=challenge_id,
                reward_id=place.id,
                user_id=worker.id,
                contact=f"06-{marker}",  # without the yes: never shown
            )
    client = app.test_client()
    with session_scope(app) as session:
        token = session.get(User, member.id).session_token
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{member.id}:{token}"
    ids = {"challenge_id": challenge_id, "offer_id": offer_id}
    seen = []
    for method, rule in routes(app):
        if method != "GET" or "fund" not in EXPECTED[(method, rule.rule)]:
            continue
        if set(rule.arguments) - set(ids):
            continue  # routes about something else (a quest, a badge, a group)
        path = rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]
        for query in ("", "?breakdown=sector", "?by=sector"):
            response = client.get(path + query)
            body = _text_of(response).lower()
            seen.append(path)
            assert not any(m.lower() in body for m in markers), f"{path}{query} shows a worker"
    assert f"/api/v1/challenges/{challenge_id}/dashboard" in seen
    assert (
        f"/api/v1/offers/{offer_id}/signups" in seen and f"/fund/challenges/{challenge_id}" in seen
    )
