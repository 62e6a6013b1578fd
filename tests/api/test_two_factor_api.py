"""POST /api/v1/auth/token with two-factor authentication: otp, its errors, and the spec."""

from game_server.models import Role

from ..factories import PASSWORD, bearer_for, enrol_two_factor, make_user, totp_code


def token(client, user, **extra):
    return client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD, **extra}
    )


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_a_worker_without_two_factor_needs_no_otp(sqlite_app):
    client = sqlite_app.test_client()
    app = sqlite_app  # about the web layer, not the database
    assert token(client, make_user(app)).status_code == 201


def test_with_two_factor_on_a_missing_otp_is_otp_required(client, app):
    coach = make_user(app, Role.COACH)
    response = token(client, coach)
    assert response.status_code == 401 and error_code(response) == "otp_required"


def test_a_wrong_otp_is_otp_invalid(client, app):
    coach = make_user(app, Role.COACH)
    right = totp_code(app, coach)
    response = token(client, coach, otp=f"{(int(right) + 1) % 1_000_000:06d}")
    assert response.status_code == 401 and error_code(response) == "otp_invalid"


def test_a_right_otp_gives_a_token_that_works_and_cannot_be_replayed(client, app):
    coach = make_user(app, Role.COACH)
    code = totp_code(app, coach)
    response = token(client, coach, otp=code)
    assert response.status_code == 201
    headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
    assert client.get("/api/v1/coach/clients", headers=headers).status_code == 200
    again = token(client, coach, otp=code)
    assert again.status_code == 401 and error_code(again) == "otp_invalid"


def test_a_recovery_code_works_once_for_a_token(client, app):
    worker = make_user(app)
    codes = enrol_two_factor(app, worker)
    assert token(client, worker, otp=codes[0]).status_code == 201
    assert error_code(token(client, worker, otp=codes[0])) == "otp_invalid"


def test_a_wrong_password_is_refused_before_the_otp_is_looked_at(sqlite_app):
    client = sqlite_app.test_client()
    app = sqlite_app  # about the web layer, not the database
    coach = make_user(app, Role.COACH)
    response = client.post(
        "/api/v1/auth/token",
        json={"email": coach.email, "password": "wrong", "otp": totp_code(app, coach)},
    )
    assert response.status_code == 401 and error_code(response) == "invalid_credentials"


def test_a_coach_without_two_factor_gets_no_token(client, app):
    for role in (Role.COACH, Role.FUND, Role.ADMIN):
        user = make_user(app, role, second_factor=False)
        response = token(client, user)
        assert response.status_code == 403 and error_code(response) == "two_factor_setup_required"


def test_wrong_otps_count_as_failed_logins(app_factory):
    app = app_factory(login_limit_per_account="3 per minute", login_limit_per_ip="100 per minute")
    coach = make_user(app, Role.COACH)
    client = app.test_client()
    for _ in range(3):
        assert token(client, coach, otp="000000x").status_code == 401
    assert token(client, coach, otp=totp_code(app, coach)).status_code == 429


def test_an_existing_bearer_token_is_not_gated(sqlite_app):
    """Tokens are issued only after the code (or made by an operator): they are not asked again."""
    client = sqlite_app.test_client()
    app = sqlite_app  # about the web layer, not the database
    coach = make_user(app, Role.COACH, second_factor=False)
    assert client.get("/api/v1/coach/clients", headers=bearer_for(app, coach)).status_code == 200


def test_the_openapi_document_describes_otp_and_its_errors(sqlite_app):
    client = sqlite_app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/auth/token"]["post"]
    assert "otp" in spec["components"]["schemas"]["TokenIn"]["properties"]
    assert "otp_required" in operation["responses"]["401"]["description"]
    assert "otp_invalid" in operation["responses"]["401"]["description"]
    assert "two_factor_setup_required" in operation["responses"]["403"]["description"]


def test_my_export_says_two_factor_is_on_but_never_holds_the_secret(client, app):
    from ..factories import totp_secret

    worker = make_user(app)
    codes = enrol_two_factor(app, worker)
    export = client.get("/api/v1/me/export", headers=bearer_for(app, worker))
    body = export.get_data(as_text=True)
    assert export.get_json()["two_factor"]["enabled"] is True
    assert export.get_json()["two_factor"]["recovery_codes_left"] == 10
    assert totp_secret(app, worker) not in body and codes[0] not in body
