"""No dead ends, through the pages: each role starts on its own page, an invite survives
logging in, registering and playing as a guest, the coach consent page says who asks and what
they will see, and a guest is warned before logging out what is lost.

The tests whose names end in `_in_dutch` read new Dutch text: they pass once the new messages
are in the Dutch catalog (until then the page shows the English msgid).
"""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import CoachLink, Role, User
from game_server.services.guidance import coaching
from game_server.services.identity import organisations
from game_server.services.play import groups
from game_server.services.progress import badges
from game_server.services.progress.progression import PlayerFacts

from ..challenge_fixtures import make_challenge, make_fund_member
from ..factories import (
    PASSWORD,
    Personas,
    bearer_for,
    count,
    csrf_token,
    login,
    make_group,
    make_user,
    totp_code,
)


def _href(html: str, testid: str) -> str:
    match = re.search(rf'<a [^>]*href="([^"]+)"[^>]*data-testid="{testid}"', html)
    assert match, f"no link {testid}"
    return unescape(match.group(1))


def _next_of(url: str) -> str | None:
    return parse_qs(urlsplit(url).query).get("next", [None])[0]


def _invite_code(app, owner) -> tuple[int, str]:
    group_id = make_group(app, owner, name="Depot Oost")
    with session_scope(app) as session:
        return group_id, groups.group_state(
            session, group_id=group_id, user_id=owner.id, online_user_ids=set(), locale="nl"
        ).invite_code


def _coach_invite(app, coach) -> str:
    with session_scope(app) as session:
        return coaching.create_invite(session, coach_id=coach.id).code


def _register(client, next_path=None, email="mira@example.nl"):
    data = {
        "csrf_token": csrf_token(client, "/register"),
        "display_name": "Mira",
        "email": email,
        "password": "de eerste rit begint om vijf uur",
    }
    if next_path is not None:
        data["next"] = next_path
    return client.post("/register", data=data)


def _as_guest(client, next_path=None, nickname="Sam"):
    data = {"csrf_token": csrf_token(client, "/guest"), "nickname": nickname}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/guest", data=data)


# -- each role lands on its own start page -------------------------------------------------


@pytest.mark.parametrize(
    ("role", "start"),
    [(Role.WORKER, "/home"), (Role.COACH, "/coach"), (Role.FUND, "/fund"), (Role.ADMIN, "/home")],
)
def test_after_login_each_role_lands_on_its_own_start_page(app, client, role, start):
    user = make_fund_member(app) if role == Role.FUND else make_user(app, role)
    response = login(client, user)  # passes the code step for coach, fund and admin
    assert response.status_code == 302 and response.headers["Location"] == start
    assert client.get(start).status_code == 200


def test_a_safe_next_wins_over_the_start_page(app, client):
    coach = make_user(app, Role.COACH)
    token = csrf_token(client, "/login?next=/quests")
    client.post(
        "/login",
        data={"email": coach.email, "password": PASSWORD, "csrf_token": token, "next": "/quests"},
    )
    response = client.post(
        "/login/code",
        data={"code": totp_code(app, coach), "csrf_token": csrf_token(client, "/login/code")},
    )
    assert response.headers["Location"] == "/quests"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil.example"])
def test_an_unsafe_next_falls_back_to_the_start_page(app, client, target):
    fund = make_user(app, Role.FUND, second_factor=False)
    with session_scope(app) as session:
        session.get(User, fund.id).demo = True  # exempt from two-factor outside production
    response = client.post(
        "/login",
        data={
            "email": fund.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(client),
            "next": target,
        },
    )
    assert response.headers["Location"] == "/fund"


def test_home_sends_a_coach_and_a_fund_member_to_their_page_and_keeps_workers_and_admins(app):
    personas = Personas(app)
    expected = {"coach": "/coach", "fund": "/fund", "editor": "/editor/preview"}
    for kind in ("guest", "worker", "coach", "fund", "admin", "editor"):
        response = personas.cookie_client(kind).get("/home")
        if kind in expected:
            assert (response.status_code, response.headers["Location"]) == (302, expected[kind])
        else:
            assert response.status_code == 200, kind


def test_a_coach_who_must_enrol_is_still_sent_to_enrolment_first(app, client):
    coach = make_user(app, Role.COACH, second_factor=False)
    token = csrf_token(client)
    response = client.post(
        "/login", data={"email": coach.email, "password": PASSWORD, "csrf_token": token}
    )
    location = response.headers["Location"]
    assert location.startswith("/account/two-factor/setup")
    assert _next_of(location) == "/coach"  # and after enrolling, on to the coach's page


# -- invites survive logging in, registering and playing as a guest ------------------------


def test_a_group_invite_opened_logged_out_leads_to_login_register_and_guest_with_next(app):
    _group_id, code = _invite_code(app, make_user(app))
    client = app.test_client()
    invite = f"/groups/join/{code}"
    response = client.get(invite)
    assert response.status_code == 302 and _next_of(response.headers["Location"]) == invite
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="carry-on"' in page
    assert _next_of(_href(page, "to-register")) == invite
    assert _next_of(_href(page, "to-guest")) == invite
    assert f'name="next" type="hidden" value="{invite}"' in page


def test_registering_from_a_group_invite_lands_back_on_the_invite_and_joins(app, client):
    group_id, code = _invite_code(app, make_user(app))
    invite = f"/groups/join/{code}"
    form = client.get(f"/register?next={invite}").get_data(as_text=True)
    assert f'name="next" type="hidden" value="{invite}"' in form
    assert _next_of(_href(form, "to-login")) == invite
    response = _register(client, next_path=invite)
    assert response.status_code == 302 and response.headers["Location"] == invite
    page = client.get(invite).get_data(as_text=True)
    assert "Depot Oost" in page
    joined = client.post(
        "/groups/join", data={"csrf_token": csrf_token(client, invite), "code": code}
    )
    assert joined.headers["Location"] == f"/groups/{group_id}"


def test_playing_as_a_guest_from_a_group_invite_lands_back_on_the_invite(app, client):
    _group_id, code = _invite_code(app, make_user(app))
    invite = f"/groups/join/{code}"
    page = client.get(f"/guest?next={invite}").get_data(as_text=True)
    assert _next_of(_href(page, "to-login")) == invite
    response = _as_guest(client, next_path=invite)
    assert response.status_code == 302 and response.headers["Location"] == invite
    assert client.get(invite).status_code == 200


def test_logging_in_from_a_coach_invite_lands_back_on_the_consent_page(app, client):
    coach, worker = make_user(app, Role.COACH, display_name="Karim"), make_user(app)
    invite = f"/coaches/join/{_coach_invite(app, coach)}"
    first = client.get(invite)
    assert _next_of(first.headers["Location"]) == invite
    response = client.post(
        "/login",
        data={
            "email": worker.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(client, first.headers["Location"]),
            "next": invite,
        },
    )
    assert response.headers["Location"] == invite
    assert "Karim" in client.get(invite).get_data(as_text=True)


def test_registering_from_a_coach_invite_lands_back_on_the_consent_page(app, client):
    coach = make_user(app, Role.COACH, display_name="Karim")
    invite = f"/coaches/join/{_coach_invite(app, coach)}"
    response = _register(client, next_path=invite)
    assert response.headers["Location"] == invite
    assert client.get(invite).status_code == 200


def test_a_challenge_landing_offers_login_and_register_that_come_back(app, client):
    _challenge_id, code = make_challenge(app, make_fund_member(app))
    landing = f"/c/{code}"
    page = client.get(landing).get_data(as_text=True)
    assert _next_of(_href(page, "challenge-login")) == landing
    assert _next_of(_href(page, "challenge-register")) == landing
    response = _register(client, next_path=landing)
    assert response.headers["Location"] == landing
    assert 'data-testid="join-challenge"' in client.get(landing).get_data(as_text=True)


def test_a_guest_who_registers_with_next_keeps_the_account_and_goes_on(app, client):
    _as_guest(client)
    with session_scope(app) as session:
        (guest_id,) = session.exec(select(User.id)).all()
    response = _register(client, next_path="/groups")
    assert response.headers["Location"] == "/groups"
    with session_scope(app) as session:
        user = session.get(User, guest_id)
        assert not user.is_guest and user.email == "mira@example.nl"
    assert count(app, User) == 1


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil.example"])
def test_register_never_follows_a_next_to_another_site(client, target):
    page = client.get("/register", query_string={"next": target}).get_data(as_text=True)
    assert "evil" not in _href(page, "to-login")
    response = _register(client, next_path=target)
    assert response.headers["Location"] == "/home"


# -- the consent page says who asks and what they will see ---------------------------------


def _coach_of(app, organisation: str | None = None):
    coach = make_user(app, Role.COACH, display_name="Karim")
    if organisation:
        with session_scope(app) as session:
            row = organisations.create(session, name=organisation, kind="coaching")
            organisations.add_member(session, organisation_id=row.id, user_id=coach.id)
    return coach


def _heading(html: str) -> str:
    return unescape(re.search(r'<h1 data-testid="inviter">(.*?)</h1>', html, re.S).group(1))


def test_the_consent_page_names_the_coach_and_the_organisation(app, client):
    code = _coach_invite(app, _coach_of(app, "Coaching Noord"))
    login(client, make_user(app))
    heading = _heading(client.get(f"/coaches/join/{code}").get_data(as_text=True))
    assert "Karim" in heading and "Coaching Noord" in heading


def test_the_consent_page_says_coach_van_organisation_in_dutch(app, client):
    code = _coach_invite(app, _coach_of(app, "Coaching Noord"))
    login(client, make_user(app))
    heading = _heading(client.get(f"/coaches/join/{code}").get_data(as_text=True))
    assert heading == "Karim van Coaching Noord wil je coach worden"


def test_a_coach_without_an_organisation_is_named_alone_in_dutch(app, client):
    code = _coach_invite(app, _coach_of(app))
    login(client, make_user(app))
    heading = _heading(client.get(f"/coaches/join/{code}").get_data(as_text=True))
    assert heading == "Karim wil je coach worden"


def test_the_consent_page_lists_what_each_choice_lets_the_coach_see(app, client):
    code = _coach_invite(app, _coach_of(app))
    login(client, make_user(app))
    page = client.get(f"/coaches/join/{code}").get_data(as_text=True)
    for level in ("progress", "progress_and_answers"):
        # Each radio points at its own list, which says what the coach then sees.
        assert re.search(rf'value="{level}" aria-describedby="sees-{level}"', page)
        items = re.search(rf'id="sees-{level}"[^>]*>(.*?)</ul>', page, re.S).group(1)
        assert items.count("<li>") >= 2
    assert 'data-testid="never-sees"' in page


def test_the_consent_page_lists_the_share_levels_in_dutch(app, client):
    code = _coach_invite(app, _coach_of(app))
    login(client, make_user(app))
    page = unescape(client.get(f"/coaches/join/{code}").get_data(as_text=True))
    assert "Je XP en je niveau per onderdeel" in page
    assert "De scores van je zelfscan" in page
    assert "Geen antwoorden: wat je schrijft, blijft van jou" in page
    assert "En alleen de antwoorden die je zelf kiest" in page
    assert "Je dagboek" in page or "je dagboek" in page


def test_opening_the_consent_page_uses_nothing_up_and_yes_links(app, client):
    coach = _coach_of(app, "Coaching Noord")
    code = _coach_invite(app, coach)
    worker = make_user(app)
    login(client, worker)
    path = f"/coaches/join/{code}"
    client.get(path)
    client.get(path)
    response = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), "code": code, "share": "progress"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/coaches"
    assert count(app, CoachLink) == 1


def test_a_used_coach_invite_says_so_on_the_page(app, client):
    coach = _coach_of(app)
    code = _coach_invite(app, coach)
    with session_scope(app) as session:
        coaching.accept(session, worker_id=make_user(app).id, code=code)
    login(client, make_user(app))
    response = client.get(f"/coaches/join/{code}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Deze code werkt niet. Vraag je coach om een nieuwe." in page
    assert "Karim" not in page


def test_reading_an_invite_names_every_organisation_of_the_coach(app):
    coach = _coach_of(app, "Coaching Noord")
    with session_scope(app) as session:
        employer = organisations.create(session, name="Transport Zuid", kind="employer")
        organisations.add_member(session, organisation_id=employer.id, user_id=coach.id)
    code = _coach_invite(app, coach)
    with session_scope(app) as session:
        found = coaching.invite_from(session, code=code.lower())
    assert found.coach.name == "Karim"
    assert found.organisations == ["Coaching Noord", "Transport Zuid"]


# -- a guest is warned before logging out --------------------------------------------------


OPEN_ANSWERS = {"who": ["family"], "note": "Mijn zus kent veel mensen."}


def _guest_who_played(app) -> tuple[User, int, int]:
    guest = make_user(app, guest=True, display_name="Sam")
    client, headers = app.test_client(), bearer_for(app, guest)
    run = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    for step_id, value in OPEN_ANSWERS.items():
        client.post(
            f"/api/v1/runs/{run['run_id']}/answers",
            json={"step_id": step_id, "value": value},
            headers=headers,
        )
    with session_scope(app) as session:
        xp = sum(PlayerFacts(session, guest.id).xp.values())
        held = len(badges.held_badge_ids(session, user_id=guest.id))
    assert xp > 0
    return guest, xp, held


def _cookie_client(app, user):
    personas = Personas(app)
    personas.users["guest"] = user
    return personas.cookie_client("guest")


def test_a_guests_header_leads_to_the_logout_warning_not_straight_out(app):
    guest, _xp, _held = _guest_who_played(app)
    html = _cookie_client(app, guest).get("/quests").get_data(as_text=True)
    assert 'href="/logout" class="header-link" data-testid="guest-logout"' in html
    assert 'action="/logout"' not in html


def test_a_workers_header_still_logs_out_with_one_press(app, client):
    login(client, make_user(app))
    html = client.get("/quests").get_data(as_text=True)
    assert 'action="/logout"' in html and 'data-testid="guest-logout"' not in html


def test_the_logout_page_tells_a_guest_their_xp_and_badges_and_offers_an_account(app):
    guest, xp, held = _guest_who_played(app)
    page = _cookie_client(app, guest).get("/logout")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    warning = re.search(r'data-testid="guest-logout-warning">(.*?)</div>', html, re.S).group(1)
    assert f"{xp} XP" in warning and f" {held} badge" in warning
    assert _href(html, "keep-progress") == "/register"
    assert re.search(r'<form method="post" action="/logout">', html)
    assert 'data-testid="logout-anyway"' in html


def test_the_guest_logout_page_warns_in_dutch(app):
    guest, xp, held = _guest_who_played(app)
    html = unescape(_cookie_client(app, guest).get("/logout").get_data(as_text=True))
    assert "Wil je echt uitloggen?" in html
    assert f"Je hebt nu {xp} XP en {held} badge" in html
    assert "Als je uitlogt, ben je je XP en badges kwijt." in html
    assert ">Account maken<" in html and "Toch uitloggen" in html


def test_account_maken_from_the_logout_page_keeps_the_guests_progress(app):
    guest, xp, _held = _guest_who_played(app)
    client = _cookie_client(app, guest)
    form = client.get("/register").get_data(as_text=True)
    assert 'value="Sam"' in form  # the guest's own account, upgraded in place
    response = _register(client)
    assert response.headers["Location"] == "/home"
    with session_scope(app) as session:
        assert not session.get(User, guest.id).is_guest
        assert sum(PlayerFacts(session, guest.id).xp.values()) == xp


def test_toch_uitloggen_logs_the_guest_out(app):
    guest, _xp, _held = _guest_who_played(app)
    client = _cookie_client(app, guest)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    assert response.headers["Location"] == "/"
    assert client.get("/home").status_code == 302


def test_a_worker_with_an_account_gets_no_guest_warning(app, client):
    login(client, make_user(app))
    html = client.get("/logout").get_data(as_text=True)
    assert 'data-testid="guest-logout-warning"' not in html
    assert re.search(r'<form method="post" action="/logout">', html)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    assert response.headers["Location"] == "/"
