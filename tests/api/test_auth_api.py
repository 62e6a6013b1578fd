"""Registering, tokens and guests over the JSON API."""

import json
from datetime import timedelta

from sqlmodel import select

from game_server.db import session_scope
from game_server.models import ApiToken, User, utcnow

from ..factories import PASSWORD, bearer_for, count, make_user

REGISTRATION = {
    "email": "Sanne@Example.nl",
    "password": "mijn fiets staat bij de kantine",
    "display_name": "Sanne",
    "locale": "nl",
}


def test_register_creates_a_worker_and_returns_it(client):
    response = client.post("/api/v1/auth/register", json=REGISTRATION)
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "sanne@example.nl"
    assert body["roles"] == ["worker"]
    assert body["is_guest"] is False
    assert "password" not in json.dumps(body)


def test_register_twice_with_the_same_address_is_a_conflict(client, app):
    assert client.post("/api/v1/auth/register", json=REGISTRATION).status_code == 201
    again = client.post("/api/v1/auth/register", json={**REGISTRATION, "email": "sanne@example.NL"})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "email_taken"
    assert count(app, User) == 1


def test_register_with_a_common_password_is_refused_and_stores_nothing(client, app):
    response = client.post("/api/v1/auth/register", json={**REGISTRATION, "password": "Password1"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "weak_password"
    assert error["fields"][0]["field"] == "password"
    assert count(app, User) == 0


def test_register_with_an_unknown_field_is_refused(client, app):
    response = client.post("/api/v1/auth/register", json={**REGISTRATION, "is_admin": True})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert fields == [{"field": "is_admin", "message": "Unknown field: remove it."}]
    assert count(app, User) == 0


def test_register_with_a_wrong_type_is_refused(client, app):
    response = client.post("/api/v1/auth/register", json={**REGISTRATION, "password": 12345678})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][0]["field"] == "password"
    assert count(app, User) == 0


def test_register_with_a_bad_address_names_the_field(client, app):
    response = client.post("/api/v1/auth/register", json={**REGISTRATION, "email": "sanne@"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][0]["field"] == "email"
    assert count(app, User) == 0


def test_token_for_right_credentials_lets_the_client_in(client, app):
    user = make_user(app)
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
    token = response.get_json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["id"] == user.id


def test_token_is_stored_only_as_a_hash(client, app):
    user = make_user(app)
    token = client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}
    ).get_json()["token"]
    with session_scope(app) as session:
        stored = session.exec(select(ApiToken.token_hash)).all()
    assert stored and token not in stored and all(token not in value for value in stored)


def test_token_for_a_wrong_password_is_refused(client, app):
    user = make_user(app)
    response = client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": "nope-nope"}
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"
    assert count(app, ApiToken) == 0


def test_unknown_address_and_wrong_password_get_the_same_answer(client, app):
    user = make_user(app)
    wrong_password = client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": "wrong-password"}
    )
    unknown = client.post(
        "/api/v1/auth/token", json={"email": "nobody@example.nl", "password": "wrong-password"}
    )
    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.get_json() == unknown.get_json()


def test_an_expired_token_is_refused(client, app):
    user = make_user(app)
    headers = bearer_for(app, user)
    with session_scope(app) as session:
        for row in session.exec(select(ApiToken)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
            session.add(row)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_revoked_token_is_refused(client, app):
    user = make_user(app)
    headers = bearer_for(app, user)
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_token_can_revoke_another_of_my_tokens_but_not_someone_elses(client, app):
    me, other = make_user(app), make_user(app)
    mine, second = bearer_for(app, me), bearer_for(app, me)
    theirs = bearer_for(app, other)
    listed = client.get("/api/v1/auth/tokens", headers=mine).get_json()
    second_id = next(t["id"] for t in listed if not t["current"])
    their_id = client.get("/api/v1/auth/tokens", headers=theirs).get_json()[0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{their_id}", headers=mine).status_code == 404
    assert client.get("/api/v1/me", headers=theirs).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{second_id}", headers=mine).status_code == 204
    assert client.get("/api/v1/me", headers=second).status_code == 401
    assert client.get("/api/v1/me", headers=mine).status_code == 200


def test_a_garbage_bearer_token_is_refused_even_on_public_routes(client):
    headers = {"Authorization": "Bearer lq_not-a-real-token"}
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert (
        client.post("/api/v1/auth/guest", json={"nickname": "x"}, headers=headers).status_code
        == 401
    )


def test_a_guest_gets_a_token_with_only_a_nickname(client):
    response = client.post("/api/v1/auth/guest", json={"nickname": "  Truck   Tom "})
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["is_guest"] is True
    assert body["user"]["display_name"] == "Truck Tom"
    assert body["user"]["email"] is None
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.get_json()["id"] == body["user"]["id"]


def test_an_empty_nickname_is_refused(client, app):
    response = client.post("/api/v1/auth/guest", json={"nickname": "   "})
    assert response.status_code == 422
    assert count(app, User) == 0


def test_a_guest_becomes_a_full_account_and_keeps_the_same_identity(client, app):
    guest = client.post("/api/v1/auth/guest", json={"nickname": "Tom"}).get_json()
    headers = {"Authorization": f"Bearer {guest['token']}"}
    upgraded = client.post(
        "/api/v1/me/upgrade",
        json={"email": "tom@example.nl", "password": "de route via zwolle is mooi"},
        headers=headers,
    )
    assert upgraded.status_code == 200
    assert upgraded.get_json()["id"] == guest["user"]["id"]
    assert upgraded.get_json()["is_guest"] is False
    assert upgraded.get_json()["display_name"] == "Tom"
    token = client.post(
        "/api/v1/auth/token",
        json={"email": "tom@example.nl", "password": "de route via zwolle is mooi"},
    )
    assert token.status_code == 201
    assert count(app, User) == 1


def test_a_guest_cannot_take_an_address_that_is_in_use(client, app):
    taken = make_user(app)
    guest = client.post("/api/v1/auth/guest", json={"nickname": "Tom"}).get_json()
    response = client.post(
        "/api/v1/me/upgrade",
        json={"email": taken.email, "password": "de route via zwolle is mooi"},
        headers={"Authorization": f"Bearer {guest['token']}"},
    )
    assert response.status_code == 409
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {guest['token']}"}).get_json()[
            "is_guest"
        ]
        is True
    )


def test_changing_the_password_revokes_every_token(client, app):
    user = make_user(app)
    headers, other = bearer_for(app, user), bearer_for(app, user)
    response = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "een nieuw en lang wachtwoord"},
        headers=headers,
    )
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=other).status_code == 401
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_changing_the_password_needs_the_current_one(client, app):
    user = make_user(app)
    headers = bearer_for(app, user)
    response = client.post(
        "/api/v1/me/password",
        json={
            "current_password": "not-my-password",
            "new_password": "een nieuw en lang wachtwoord",
        },
        headers=headers,
    )
    assert response.status_code == 401
    assert client.get("/api/v1/me", headers=headers).status_code == 200
