"""Two-factor authentication through the pages: the code step, enrolment, and what a
half-done login or an account that has not enrolled yet can (not) reach."""

import re

import pytest
from sqlmodel import select

from game_server.db import session_scope
from game_server.extensions import socketio
from game_server.models import Role, User

from ..access_matrix import concrete_path, routes
from ..factories import (
    CSRF_META,
    PASSWORD,
    csrf_token,
    enrol_two_factor,
    login,
    make_user,
    totp_code,
    totp_secret,
)

SECRET_TEXT = re.compile(r'data-testid="two-factor-secret">([A-Z2-7 ]+)<')
CODES = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


def password_step(client, user, password=PASSWORD):
    token = csrf_token(client)
    return client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token}
    )


def code_step(client, code):
    return client.post(
        "/login/code", data={"code": code, "csrf_token": csrf_token(client, "/login/code")}
    )


def post_code(client, path, code, page="/account/two-factor"):
    return client.post(path, data={"code": code, "csrf_token": csrf_token(client, page)})


def test_a_worker_without_two_factor_logs_in_with_the_password_alone(client, app):
    worker = make_user(app)
    response = password_step(client, worker)
    assert response.headers["Location"] == "/home"
    assert client.get("/home").status_code == 200


def test_with_two_factor_on_the_password_alone_does_not_log_in(client, app):
    coach = make_user(app, Role.COACH)
    response = password_step(client, coach)
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert client.get("/coach").headers["Location"].startswith("/login?next=")
    assert client.get("/api/v1/me").status_code == 401
    socket = socketio.test_client(app, flask_test_client=client)
    assert not socket.is_connected()
    page = client.get("/login/code")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.get_data(as_text=True)
    # Logged in, a coach starts on their own page.
    assert code_step(client, totp_code(app, coach)).headers["Location"] == "/coach"
    assert client.get("/coach").status_code == 200
    assert socketio.test_client(app, flask_test_client=client).is_connected()


def test_the_code_step_returns_to_where_the_user_was_going(sqlite_app):
    client = sqlite_app.test_client()
    app = sqlite_app  # about the web layer, not the database
    coach = make_user(app, Role.COACH)
    client.get("/coach")
    token = csrf_token(client)
    client.post(
        "/login",
        data={"email": coach.email, "password": PASSWORD, "csrf_token": token, "next": "/coach"},
    )
    assert code_step(client, totp_code(app, coach)).headers["Location"] == "/coach"


def test_a_wrong_code_is_refused_and_says_so(client, app):
    coach = make_user(app, Role.COACH)
    password_step(client, coach)
    response = code_step(client, "000000" if totp_code(app, coach) != "000000" else "111111")
    assert response.status_code == 422
    assert 'id="code-error"' in response.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401


def test_a_code_used_once_cannot_log_in_again(app):
    coach = make_user(app, Role.COACH)
    code = totp_code(app, coach)
    first, second = app.test_client(), app.test_client()
    password_step(first, coach)
    assert code_step(first, code).status_code == 302
    password_step(second, coach)
    assert code_step(second, code).status_code == 422
    assert second.get("/api/v1/me").status_code == 401


def test_a_recovery_code_logs_in_once_and_tells_how_many_are_left(app):
    worker = make_user(app)
    codes = enrol_two_factor(app, worker)
    client = app.test_client()
    password_step(client, worker)
    response = code_step(client, codes[0])
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je hebt een herstelcode gebruikt. Je hebt er nog 9." in page
    other = app.test_client()
    password_step(other, worker)
    assert code_step(other, codes[0]).status_code == 422


def test_code_attempts_are_rate_limited(app_factory):
    app = app_factory(otp_limit_per_account="3 per minute")
    coach = make_user(app, Role.COACH)
    client = app.test_client()
    password_step(client, coach)
    for _ in range(3):
        assert code_step(client, "abcdef").status_code == 422
    assert code_step(client, totp_code(app, coach)).status_code == 429
    assert client.get("/api/v1/me").status_code == 401
    # Starting over with the password does not reset the count.
    password_step(client, coach)
    assert code_step(client, totp_code(app, coach)).status_code == 429


def test_a_half_done_login_expires(sqlite_app):
    client = sqlite_app.test_client()
    app = sqlite_app  # about the web layer, not the database
    coach = make_user(app, Role.COACH)
    password_step(client, coach)
    token = csrf_token(client, "/login/code")
    with client.session_transaction() as session:
        session["two_factor_pending"] = {**session["two_factor_pending"], "until": 0}
    code = totp_code(app, coach)
    response = client.post("/login/code", data={"code": code, "csrf_token": token})
    assert response.headers["Location"] == "/login"
    assert client.get("/api/v1/me").status_code == 401


def test_a_password_change_voids_a_half_done_login(sqlite_app):
    client = sqlite_app.test_client()
    app = sqlite_app  # about the web layer, not the database
    coach = make_user(app, Role.COACH)
    password_step(client, coach)
    token = csrf_token(client, "/login/code")
    with session_scope(app) as session:
        session.get(User, coach.id).session_token = "rotated-elsewhere"
    code = totp_code(app, coach)
    response = client.post("/login/code", data={"code": code, "csrf_token": token})
    assert response.headers["Location"] == "/login"


def test_a_half_done_login_cannot_be_forged_into_a_cookie(sqlite_app):
    """The pending state names the user, but the signed session cannot be edited into a login."""
    client = sqlite_app.test_client()
    app = sqlite_app  # about the web layer, not the database
    coach = make_user(app, Role.COACH)
    password_step(client, coach)
    cookie = client.get_cookie("lq_session").value
    thief = app.test_client()
    thief.set_cookie("lq_session", cookie)
    assert thief.get("/api/v1/me").status_code == 401
    assert thief.get("/home").status_code == 302
    assert not socketio.test_client(app, flask_test_client=thief).is_connected()


@pytest.fixture
def unenrolled_coach(app):
    coach = make_user(app, Role.COACH, second_factor=False)
    client = app.test_client()
    response = password_step(client, coach)
    assert response.headers["Location"].startswith("/account/two-factor/setup")
    return coach, client


def test_an_unenrolled_coach_is_sent_to_enrolment_from_every_page(app, unenrolled_coach):
    _coach, client = unenrolled_coach
    allowed = {"/static/<path:filename>", "/healthz", "/account/two-factor/setup"}
    wrong = []
    for method, rule in routes(app):
        if method != "GET" or rule.rule in allowed:
            continue
        path = concrete_path(rule)
        response = client.get(path)
        if rule.rule.startswith("/api/"):
            body = response.get_json() or {}
            if (response.status_code, body.get("error", {}).get("code")) != (
                403,
                "two_factor_setup_required",
            ):
                wrong.append(f"{path}: {response.status_code}")
        elif response.status_code != 303 or not response.headers["Location"].startswith(
            "/account/two-factor/setup"
        ):
            wrong.append(f"{path}: {response.status_code}")
    assert wrong == []
    # Writes too, and sockets.
    token = csrf_token(client, "/account/two-factor/setup")
    assert client.post("/coach/invites", data={"csrf_token": token}).status_code == 303
    assert not socketio.test_client(app, flask_test_client=client).is_connected()


def test_enrolment_shows_a_qr_and_the_key_and_then_the_codes_once(app, unenrolled_coach):
    coach, client = unenrolled_coach
    page = client.get("/account/two-factor/setup?next=/coach")
    html = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html
    secret = SECRET_TEXT.search(html).group(1).replace(" ", "")
    assert secret == totp_secret(app, coach)
    token = CSRF_META.search(html).group(1)
    wrong = client.post(
        "/account/two-factor/setup?next=/coach", data={"code": "12345", "csrf_token": token}
    )
    assert wrong.status_code == 422
    code = totp_code(app, coach)
    done = client.post(
        "/account/two-factor/setup?next=/coach", data={"code": code, "csrf_token": token}
    )
    assert done.status_code == 200
    codes = CODES.findall(done.get_data(as_text=True))
    assert len(codes) == 10
    assert 'href="/coach"' in done.get_data(as_text=True)
    assert client.get("/coach").status_code == 200
    # Shown once: the setup page now leads to the settings, which show no codes.
    again = client.get("/account/two-factor/setup")
    assert again.headers["Location"] == "/account/two-factor"
    assert not CODES.findall(client.get("/account/two-factor").get_data(as_text=True))


def test_enabling_logs_out_every_other_device(app):
    worker = make_user(app)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, worker)
    login(phone, worker)
    phone.get("/account/two-factor/setup")
    code = totp_code(app, worker)
    assert (
        post_code(phone, "/account/two-factor/setup", code, "/account/two-factor/setup").status_code
        == 200
    )
    assert phone.get("/home").status_code == 200
    assert laptop.get("/home").status_code == 302


def test_a_worker_turns_it_on_and_off(client, app):
    worker = make_user(app)
    login(client, worker)
    assert "two-factor-on" not in client.get("/account/two-factor").get_data(as_text=True)
    client.get("/account/two-factor/setup")
    post_code(
        client, "/account/two-factor/setup", totp_code(app, worker), "/account/two-factor/setup"
    )
    assert "two-factor-on" in client.get("/account/two-factor").get_data(as_text=True)
    assert post_code(client, "/account/two-factor/disable", "000000").status_code == 422
    response = post_code(client, "/account/two-factor/disable", totp_code(app, worker))
    assert response.status_code == 302
    assert "two-factor-on" not in client.get("/account/two-factor").get_data(as_text=True)
    fresh = app.test_client()
    assert password_step(fresh, worker).headers["Location"] == "/home"


def test_a_coach_cannot_turn_it_off(sqlite_app):
    client = sqlite_app.test_client()
    app = sqlite_app  # about the web layer, not the database
    coach = make_user(app, Role.COACH)
    login(client, coach)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "/account/two-factor/disable" not in page
    response = post_code(client, "/account/two-factor/disable", totp_code(app, coach))
    assert response.status_code == 422
    assert "two-factor-on" in response.get_data(as_text=True)


def test_new_recovery_codes_need_a_code(sqlite_app):
    client = sqlite_app.test_client()
    app = sqlite_app  # about the web layer, not the database
    coach = make_user(app, Role.COACH)
    login(client, coach)
    assert post_code(client, "/account/two-factor/recovery-codes", "nonsense").status_code == 422
    response = post_code(client, "/account/two-factor/recovery-codes", totp_code(app, coach))
    assert len(CODES.findall(response.get_data(as_text=True))) == 10


def test_the_throttle_for_codes_is_per_account(app_factory):
    app = app_factory(otp_limit_per_account="2 per minute")
    first, second = make_user(app, Role.COACH), make_user(app, Role.COACH)
    one, two = app.test_client(), app.test_client()
    password_step(one, first)
    for _ in range(2):
        code_step(one, "999999x")
    password_step(two, second)
    assert code_step(two, totp_code(app, second)).status_code == 302
    with session_scope(app) as session:
        assert session.exec(select(User).where(User.id == second.id)).one().last_login_at


def _demo_login(app, email):
    from game_server.cli import DEMO_PASSWORD

    client = app.test_client()
    token = csrf_token(client)
    response = client.post(
        "/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    return client, response


@pytest.mark.parametrize(
    "email, page",
    [("coach@demo.loopbaanquest.nl", "/coach"), ("fund@demo.loopbaanquest.nl", "/fund")],
)
def test_the_demo_coach_and_fund_can_be_tried_without_an_authenticator_app(app, email, page):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    client, response = _demo_login(app, email)
    assert not response.headers["Location"].startswith("/account/two-factor")
    assert client.get(page).status_code == 200
    assert socketio.test_client(app, flask_test_client=client).is_connected()


def test_every_other_coach_fund_and_admin_still_must_enrol(app):
    """Only the accounts seed-demo made are exempt: the same roles made any other way, and
    the demo admin, are sent to enrolment as before."""
    from game_server.services.identity import organisations

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    fund_member = make_user(app, second_factor=False)
    with session_scope(app) as db:
        fund = next(o for o in organisations.list_all(db) if o.kind == "fund")
        organisations.add_member(db, organisation_id=fund.id, user_id=fund_member.id)
    others = [
        make_user(app, Role.COACH, second_factor=False),
        make_user(app, Role.ADMIN, second_factor=False),
        fund_member,
    ]
    for user in others:
        client = app.test_client()
        response = password_step(client, user)
        assert response.headers["Location"].startswith("/account/two-factor/setup"), user.email
    client, response = _demo_login(app, "admin@demo.loopbaanquest.nl")
    assert response.headers["Location"].startswith("/account/two-factor/setup")


def test_in_production_a_demo_account_must_enrol_too(app_factory, sqlite_url):
    """Demo data is refused in production; should such a row exist, it is not exempt there."""
    development = app_factory(sqlite_url)
    assert development.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    production = app_factory(sqlite_url, env="production")
    client, response = _demo_login(production, "coach@demo.loopbaanquest.nl")
    assert response.headers["Location"].startswith("/account/two-factor/setup")
