"""Every route declares who may call it, and everyone else is refused (401 or 403).

Later issues add their routes to EXPECTED; a route missing from it fails the suite, so no
route can appear without someone deciding, in this file, who may use it.
"""

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from game_server import access
from game_server.db import session_scope
from game_server.models import User

from .factories import CSRF_META, Personas, make_user

EVERYONE = {"anonymous", "guest", "worker", "coach", "fund", "admin"}
SIGNED_IN = EVERYONE - {"anonymous"}
FULL_ACCOUNTS = SIGNED_IN - {"guest"}

# (method, rule) -> who may call it
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("GET", "/static/<path:filename>"): EVERYONE,
    ("GET", "/healthz"): EVERYONE,
    ("GET", "/"): EVERYONE,
    ("GET", "/home"): SIGNED_IN,
    ("GET", "/login"): EVERYONE,
    ("POST", "/login"): EVERYONE,
    ("GET", "/register"): EVERYONE,
    ("POST", "/register"): EVERYONE,
    ("GET", "/guest"): EVERYONE,
    ("POST", "/guest"): EVERYONE,
    ("POST", "/logout"): SIGNED_IN,
    ("POST", "/language"): EVERYONE,
    ("GET", "/quests"): EVERYONE,
    ("GET", "/quests/<quest_id>"): EVERYONE,
    ("POST", "/quests/<quest_id>/start"): SIGNED_IN,
    ("GET", "/runs/<int:run_id>"): SIGNED_IN,
    ("POST", "/runs/<int:run_id>/answer"): SIGNED_IN,
    ("POST", "/runs/<int:run_id>/back"): SIGNED_IN,
    ("POST", "/runs/<int:run_id>/abandon"): SIGNED_IN,
    ("GET", "/profile"): SIGNED_IN,
    ("GET", "/account/password"): FULL_ACCOUNTS,
    ("POST", "/account/password"): FULL_ACCOUNTS,
    # Two-factor authentication: the code step belongs to a half-done login (nobody is
    # signed in yet); the rest is the account holder's own.
    ("GET", "/login/code"): EVERYONE,
    ("POST", "/login/code"): EVERYONE,
    ("GET", "/account/two-factor"): FULL_ACCOUNTS,
    ("GET", "/account/two-factor/setup"): FULL_ACCOUNTS,
    ("POST", "/account/two-factor/setup"): FULL_ACCOUNTS,
    ("POST", "/account/two-factor/disable"): FULL_ACCOUNTS,
    ("POST", "/account/two-factor/recovery-codes"): FULL_ACCOUNTS,
    ("GET", "/api/v1/openapi.json"): EVERYONE,
    ("POST", "/api/v1/auth/register"): EVERYONE,
    ("POST", "/api/v1/auth/token"): EVERYONE,
    ("POST", "/api/v1/auth/guest"): EVERYONE,
    ("GET", "/api/v1/auth/tokens"): SIGNED_IN,
    ("DELETE", "/api/v1/auth/token"): SIGNED_IN,
    ("DELETE", "/api/v1/auth/tokens/<int:token_id>"): SIGNED_IN,
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("POST", "/api/v1/me/upgrade"): SIGNED_IN,
    ("GET", "/api/v1/me/profile"): SIGNED_IN,
    ("GET", "/api/v1/me/xapi"): SIGNED_IN,
    ("PUT", "/api/v1/admin/lrs"): {"admin"},
    ("POST", "/api/v1/me/password"): FULL_ACCOUNTS,
    ("PUT", "/api/v1/me/locale"): SIGNED_IN,
    ("GET", "/api/v1/quests"): EVERYONE,
    ("GET", "/api/v1/quests/<quest_id>"): EVERYONE,
    ("POST", "/api/v1/quests/<quest_id>/runs"): SIGNED_IN,
    ("GET", "/api/v1/runs/<int:run_id>"): SIGNED_IN,
    ("POST", "/api/v1/runs/<int:run_id>/answers"): SIGNED_IN,
    ("POST", "/api/v1/runs/<int:run_id>/back"): SIGNED_IN,
    ("POST", "/api/v1/runs/<int:run_id>/abandon"): SIGNED_IN,
    ("GET", "/api/v1/admin/organisations"): {"admin"},
    ("POST", "/api/v1/admin/organisations"): {"admin"},
    ("POST", "/api/v1/admin/organisations/<int:organisation_id>/members"): {"admin"},
    # Open Badges credentials: public to read and verify; revoking is the worker's or an admin's.
    ("GET", "/api/v1/me/badges"): SIGNED_IN,
    ("POST", "/api/v1/me/badges/<award_id>/revoke"): SIGNED_IN,
    ("POST", "/api/v1/admin/badges/<award_id>/revoke"): {"admin"},
    ("POST", "/api/v1/admin/issuer-keys/rotate"): {"admin"},
    ("GET", "/api/v1/admin/content"): {"admin"},
    ("POST", "/api/v1/admin/content/reload"): {"admin"},
    ("GET", "/api/v1/credentials/<award_id>"): EVERYONE,
    ("GET", "/api/v1/credentials/<award_id>/jwt"): EVERYONE,
    ("GET", "/api/v1/issuer"): EVERYONE,
    ("GET", "/.well-known/jwks.json"): EVERYONE,
    ("GET", "/badges/<award_id>"): EVERYONE,
    ("POST", "/badges/<award_id>"): EVERYONE,
    ("POST", "/badges/<award_id>/revoke"): SIGNED_IN,
    ("GET", "/badges/<badge_id>/image.svg"): EVERYONE,
    # Peer groups: guests may join and play, only full accounts start a group; everything
    # about one group is for its members (others get 404 from the service, not a refusal).
    ("POST", "/api/v1/groups"): FULL_ACCOUNTS,
    ("GET", "/api/v1/groups"): SIGNED_IN,
    ("POST", "/api/v1/groups/join"): SIGNED_IN,
    ("GET", "/api/v1/groups/<int:group_id>"): SIGNED_IN,
    ("POST", "/api/v1/groups/<int:group_id>/leave"): SIGNED_IN,
    ("DELETE", "/api/v1/groups/<int:group_id>/members/<int:user_id>"): SIGNED_IN,
    ("POST", "/api/v1/groups/<int:group_id>/invite-code"): SIGNED_IN,
    ("PUT", "/api/v1/groups/<int:group_id>/goal"): SIGNED_IN,
    ("POST", "/api/v1/groups/<int:group_id>/quests/<quest_id>/runs"): SIGNED_IN,
    ("GET", "/api/v1/groups/<int:group_id>/answers"): SIGNED_IN,
    ("POST", "/api/v1/groups/<int:group_id>/shares"): SIGNED_IN,
    ("DELETE", "/api/v1/groups/<int:group_id>/shares/<int:answer_id>"): SIGNED_IN,
    ("GET", "/groups"): SIGNED_IN,
    ("GET", "/groups/new"): FULL_ACCOUNTS,
    ("POST", "/groups/new"): FULL_ACCOUNTS,
    ("POST", "/groups/join"): SIGNED_IN,
    ("GET", "/groups/join/<code>"): SIGNED_IN,
    ("GET", "/groups/<int:group_id>"): SIGNED_IN,
    ("GET", "/groups/<int:group_id>/live"): SIGNED_IN,
    ("GET", "/groups/<int:group_id>/leave"): SIGNED_IN,
    ("POST", "/groups/<int:group_id>/leave"): SIGNED_IN,
    ("POST", "/groups/<int:group_id>/members/<int:user_id>/remove"): SIGNED_IN,
    ("POST", "/groups/<int:group_id>/goal"): SIGNED_IN,
    ("POST", "/groups/<int:group_id>/code"): SIGNED_IN,
    ("POST", "/groups/<int:group_id>/answers/<int:answer_id>/share"): SIGNED_IN,
    ("POST", "/groups/<int:group_id>/answers/<int:answer_id>/unshare"): SIGNED_IN,
    ("POST", "/groups/<int:group_id>/quests/<quest_id>/start"): SIGNED_IN,
    ("GET", "/groups/<int:group_id>/runs/<int:run_id>"): SIGNED_IN,
    ("POST", "/groups/<int:group_id>/runs/<int:run_id>/answer"): SIGNED_IN,
    ("POST", "/groups/<int:group_id>/runs/<int:run_id>/back"): SIGNED_IN,
    # Live sessions: coaches start them, and group owners for their group (the service
    # decides; a guest may own a group); anyone with the code joins, as a guest if need be;
    # the host's pages are the host's (others get 404 from the service).
    ("GET", "/live/new"): {"coach", "admin"},
    ("POST", "/live/new"): {"coach", "admin"},
    ("POST", "/groups/<int:group_id>/live"): SIGNED_IN,
    ("GET", "/live/<code>/host"): SIGNED_IN,
    ("GET", "/live/<code>/qr.svg"): SIGNED_IN,
    ("GET", "/live/<code>/follow-ups"): SIGNED_IN,
    ("GET", "/live/<code>"): SIGNED_IN,
    ("GET", "/join"): EVERYONE,
    ("POST", "/join"): EVERYONE,
    ("GET", "/join/<code>"): EVERYONE,
    ("POST", "/join/<code>"): EVERYONE,
    ("POST", "/api/v1/live"): SIGNED_IN,
    ("GET", "/api/v1/live/<code>"): SIGNED_IN,
    ("GET", "/api/v1/live/<code>/follow-ups"): SIGNED_IN,
    # Coach links: coaches make invites and read their clients (the service answers 404 for
    # a worker who is not linked); workers accept, list and withdraw their own links.
    ("POST", "/api/v1/coach/invites"): {"coach"},
    ("GET", "/api/v1/coach/clients"): {"coach"},
    ("GET", "/api/v1/coach/clients/<int:worker_id>"): {"coach"},
    ("POST", "/api/v1/me/coaches"): SIGNED_IN,
    ("GET", "/api/v1/me/coaches"): SIGNED_IN,
    ("DELETE", "/api/v1/me/coaches/<int:link_id>"): SIGNED_IN,
    ("PUT", "/api/v1/me/coaches/<int:link_id>/answers/<int:answer_id>"): SIGNED_IN,
    ("DELETE", "/api/v1/me/coaches/<int:link_id>/answers/<int:answer_id>"): SIGNED_IN,
    ("GET", "/api/v1/me/audit"): SIGNED_IN,
    ("GET", "/api/v1/me/export"): SIGNED_IN,
    ("GET", "/api/v1/me/reminders"): SIGNED_IN,
    ("POST", "/api/v1/me/reminders/<int:reminder_id>/read"): SIGNED_IN,
    ("GET", "/api/v1/me/checkins/<int:answer_id>"): SIGNED_IN,
    ("POST", "/api/v1/me/checkins/<int:answer_id>"): SIGNED_IN,
    ("GET", "/api/v1/live"): SIGNED_IN,
    ("POST", "/api/v1/challenges"): {"fund"},
    ("GET", "/api/v1/challenges"): {"fund"},
    ("POST", "/api/v1/challenges/join"): SIGNED_IN,
    ("GET", "/api/v1/me/challenges"): SIGNED_IN,
    ("POST", "/api/v1/challenges/<int:challenge_id>/rewards/<int:reward_id>/claim"): SIGNED_IN,
    ("GET", "/api/v1/challenges/<int:challenge_id>/dashboard"): {"fund"},
    ("GET", "/api/v1/challenges/<int:challenge_id>/dashboard.csv"): {"fund"},
    ("POST", "/api/v1/offers"): {"fund", "coach"},
    ("GET", "/api/v1/offers/mine"): {"fund", "coach"},
    ("GET", "/api/v1/offers/<int:offer_id>/signups"): {"fund", "coach"},
    ("DELETE", "/api/v1/offers/<int:offer_id>/signup"): SIGNED_IN,
    ("POST", "/api/v1/offers/<int:offer_id>/signup"): SIGNED_IN,
    ("GET", "/live/<code>/offers"): SIGNED_IN,
    ("POST", "/live/<code>/offers/<int:offer_id>/signup"): SIGNED_IN,
    ("GET", "/checkins/<int:answer_id>"): SIGNED_IN,
    ("GET", "/c/<code>"): EVERYONE,
    ("POST", "/c/<code>"): EVERYONE,
    ("GET", "/challenges"): SIGNED_IN,
    ("GET", "/challenges/<int:challenge_id>"): SIGNED_IN,
    ("POST", "/challenges/<int:challenge_id>/rewards/<int:reward_id>/claim"): SIGNED_IN,
    ("GET", "/fund"): {"fund"},
    ("GET", "/fund/challenges/new"): {"fund"},
    ("POST", "/fund/challenges/new"): {"fund"},
    ("GET", "/fund/challenges/<int:challenge_id>"): {"fund"},
    ("GET", "/offers/new"): {"fund", "coach"},
    ("POST", "/offers/new"): {"fund", "coach"},
    ("GET", "/offers"): {"fund", "coach"},
    ("GET", "/offers/<int:offer_id>/signups"): {"fund", "coach"},
    ("POST", "/checkins/<int:answer_id>"): SIGNED_IN,
    ("POST", "/reminders/<int:reminder_id>/read"): SIGNED_IN,
    ("DELETE", "/api/v1/me"): SIGNED_IN,
    ("POST", "/api/v1/coach/assignments"): {"coach"},
    ("GET", "/api/v1/coach/assignments"): {"coach"},
    ("GET", "/api/v1/me/assignments"): SIGNED_IN,
    ("POST", "/api/v1/coach/clients/<int:worker_id>/answers/<int:answer_id>/feedback"): {"coach"},
    ("GET", "/api/v1/me/feedback"): SIGNED_IN,
    ("POST", "/api/v1/me/answers/<int:answer_id>/feedback"): SIGNED_IN,
    ("GET", "/coaches"): SIGNED_IN,
    ("POST", "/coaches"): SIGNED_IN,
    ("GET", "/coaches/join/<code>"): SIGNED_IN,
    ("POST", "/coaches/join/<code>"): SIGNED_IN,
    ("POST", "/coaches/<int:link_id>/withdraw"): SIGNED_IN,
    ("GET", "/coach"): {"coach"},
    ("POST", "/coach/invites"): {"coach"},
    ("GET", "/coach/clients/<int:worker_id>"): {"coach"},
    ("GET", "/coaches/<int:link_id>/answers"): SIGNED_IN,
    ("POST", "/coaches/<int:link_id>/answers/<int:answer_id>/share"): SIGNED_IN,
    ("POST", "/coaches/<int:link_id>/answers/<int:answer_id>/unshare"): SIGNED_IN,
    ("POST", "/feedback/<int:answer_id>/reply"): SIGNED_IN,
    ("POST", "/coach/clients/<int:worker_id>/answers/<int:answer_id>/feedback"): {"coach"},
    ("POST", "/coach/clients/<int:worker_id>/assign"): {"coach"},
    ("POST", "/coach/clients/<int:worker_id>/notes"): {"coach"},
}


def routes(app: Flask):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule


def concrete_path(rule) -> str:
    values = {
        name: 1 if isinstance(rule._converters[name], IntegerConverter) else "site.css"
        for name in rule.arguments
    }
    return rule.build(values, append_unknown=False)[1]


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
            body = response.get_data(as_text=True).lower()
            seen.append(path)
            assert not any(m.lower() in body for m in markers), f"{path}{query} shows a worker"
    assert f"/api/v1/challenges/{challenge_id}/dashboard" in seen
    assert (
        f"/api/v1/offers/{offer_id}/signups" in seen and f"/fund/challenges/{challenge_id}" in seen
    )
