"""Register, log in, log out and change the password through the pages, as a browser does."""

import re

from game_server.models import User

from ..factories import PASSWORD, count, csrf_token, login, make_user


def register(client, email="lotte@example.nl", password="zeven uur starten in de hal"):
    token = csrf_token(client, "/register")
    return client.post(
        "/register",
        data={"csrf_token": token, "display_name": "Lotte", "email": email, "password": password},
    )


def logout(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/home")})


def test_register_logs_the_new_worker_in(client, app):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    home = client.get("/home")
    assert home.status_code == 200
    assert "Lotte" in home.get_data(as_text=True)
    assert count(app, User) == 1


def test_register_with_a_short_password_shows_the_error_next_to_the_field(client, app):
    response = register(client, password="kort")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-testid="error-summary"' in html
    assert 'id="password-error"' in html
    assert count(app, User) == 0


def test_login_with_the_right_password_opens_home(client, app):
    user = make_user(app)
    response = login(client, user)
    assert response.status_code == 302
    assert client.get("/home").status_code == 200


def test_login_with_a_wrong_password_says_so_and_stays_out(client, app):
    user = make_user(app)
    response = login(client, user, password="not-the-password")
    assert response.status_code == 422
    assert 'data-testid="error-summary"' in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_password_is_case_sensitive(client, app):
    user = make_user(app)
    assert login(client, user, password=PASSWORD.upper()).status_code == 422


def test_login_follows_next_only_within_the_site(app):
    user = make_user(app)
    targets = [
        ("/account/password", "/account/password"),
        ("//evil.example/x", "/home"),
        ("https://evil.example", "/home"),
        ("/\\evil.example", "/home"),
    ]
    for target, expected in targets:
        client = app.test_client()
        token = csrf_token(client)
        response = client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": token, "next": target},
        )
        assert response.headers["Location"] == expected


def test_a_page_for_signed_in_users_sends_strangers_to_login(client):
    response = client.get("/home")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/home")


def test_login_starts_a_new_session(client, app):
    user = make_user(app)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_session_cookie_is_httponly_and_samesite(client, app):
    user = make_user(app)
    login(client, user)
    cookie = client.get_cookie("lq_session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure  # only in production


def test_session_cookie_is_secure_in_production(app_factory):
    app = app_factory(env="production")
    user = make_user(app)
    client = app.test_client()
    login(client, user)
    assert client.get_cookie("lq_session").secure


def test_logout_ends_the_session(client, app):
    user = make_user(app)
    login(client, user)
    assert logout(client).status_code == 302
    assert client.get("/home").status_code == 302


def test_logout_ends_every_other_session_of_that_user(app):
    user = make_user(app)
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login(laptop, user)
    old_cookie = laptop.get_cookie("lq_session").value
    logout(phone)
    assert laptop.get("/home").status_code == 302
    # Even a copy of the old cookie, replayed, no longer works.
    thief = app.test_client()
    thief.set_cookie("lq_session", old_cookie)
    assert thief.get("/api/v1/me").status_code == 401


def test_changing_the_password_keeps_this_session_and_ends_the_others(app):
    user = make_user(app)
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login(laptop, user)
    token = csrf_token(phone, "/account/password")
    response = phone.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "nieuw wachtwoord voor de winter",
        },
    )
    assert response.status_code == 302
    assert phone.get("/home").status_code == 200
    assert laptop.get("/home").status_code == 302
    fresh = app.test_client()
    assert login(fresh, user, password="nieuw wachtwoord voor de winter").status_code == 302


def test_a_guest_plays_with_only_a_nickname_and_keeps_progress_by_registering(client, app):
    token = csrf_token(client, "/guest")
    assert (
        client.post("/guest", data={"csrf_token": token, "nickname": "Truck Tom"}).status_code
        == 302
    )
    guest_id = client.get("/api/v1/me").get_json()["id"]
    assert register(client, email="tom@example.nl").status_code == 302
    me = client.get("/api/v1/me").get_json()
    assert me["id"] == guest_id
    assert me["is_guest"] is False
    assert count(app, User) == 1


def test_language_switch_is_remembered(client, app):
    user = make_user(app)
    assert 'lang="nl"' in client.get("/login").get_data(as_text=True)
    token = csrf_token(client)
    client.post("/language", data={"csrf_token": token, "locale": "en", "next": "/login"})
    assert 'lang="en"' in client.get("/login").get_data(as_text=True)
    login(client, user)
    token = csrf_token(client, "/home")
    client.post("/language", data={"csrf_token": token, "locale": "en", "next": "/home"})
    # The choice is stored on the account too, so another device shows it after login.
    other = app.test_client()
    login(other, user)
    assert 'lang="en"' in other.get("/home").get_data(as_text=True)
    assert re.search(r"<html lang=\"en\">", other.get("/home").get_data(as_text=True))


def test_pages_forbid_framing_sniffing_and_foreign_scripts(client):
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers


def test_production_asks_browsers_to_use_https_only(app_factory):
    headers = app_factory(env="production").test_client().get("/login").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")
