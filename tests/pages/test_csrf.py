"""Every write that a cookie authenticates needs the CSRF token; tokens need none."""

from game_server.models import User

from ..factories import bearer_for, count, csrf_token, login, make_user


def test_logout_without_a_csrf_token_is_refused_and_changes_nothing(client, app):
    user = make_user(app)
    login(client, user)
    response = client.post("/logout")
    assert response.status_code == 403
    assert client.get("/home").status_code == 200


def test_a_cross_site_login_form_is_refused(client, app):
    user = make_user(app)
    response = client.post("/login", data={"email": user.email, "password": "x"})
    assert response.status_code == 403


def test_a_cross_site_register_form_is_refused(client, app):
    client.get("/login")  # the browser has our cookie
    response = client.post(
        "/register",
        data={"display_name": "X", "email": "x@example.nl", "password": "lang genoeg wachtwoord"},
    )
    assert response.status_code == 403
    assert count(app, User) == 0


def test_json_write_with_cookie_needs_the_csrf_header(client, app):
    user = make_user(app)
    login(client, user)
    body = {"locale": "en"}
    refused = client.put("/api/v1/me/locale", json=body)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    token = csrf_token(client, "/home")
    accepted = client.put("/api/v1/me/locale", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert accepted.get_json()["locale"] == "en"


def test_a_bearer_token_needs_no_csrf_token(client, app):
    user = make_user(app)
    response = client.put("/api/v1/me/locale", json={"locale": "en"}, headers=bearer_for(app, user))
    assert response.status_code == 200


def test_a_bearer_header_is_never_helped_by_a_cookie(client, app):
    user = make_user(app)
    login(client, user)
    token = csrf_token(client, "/home")
    response = client.put(
        "/api/v1/me/locale",
        json={"locale": "en"},
        headers={"Authorization": "Bearer lq_wrong", "X-CSRFToken": token},
    )
    assert response.status_code == 401
