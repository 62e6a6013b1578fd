"""Failed logins are slowed per account and per address, without a permanent lockout."""

import time

import pytest

from ..conftest import need_redis
from ..factories import PASSWORD, make_user


def token_login(client, email, password):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


def test_failed_logins_on_one_account_are_throttled(app_factory):
    app = app_factory(login_limit_per_account="3 per minute", login_limit_per_ip="100 per minute")
    user = make_user(app)
    client = app.test_client()
    for _ in range(3):
        assert token_login(client, user.email, "wrong-password").status_code == 401
    throttled = token_login(client, user.email, PASSWORD)
    assert throttled.status_code == 429
    assert throttled.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in throttled.headers
    # Another account from the same address is not affected by this account's limit.
    other = make_user(app)
    assert token_login(client, other.email, PASSWORD).status_code == 201


def test_successful_logins_do_not_count(app_factory):
    app = app_factory(login_limit_per_account="2 per minute", login_limit_per_ip="100 per minute")
    user = make_user(app)
    client = app.test_client()
    for _ in range(4):
        assert token_login(client, user.email, PASSWORD).status_code == 201


def test_failed_logins_from_one_address_are_throttled_across_accounts(app_factory):
    app = app_factory(login_limit_per_account="100 per minute", login_limit_per_ip="3 per minute")
    client = app.test_client()
    for n in range(3):
        assert token_login(client, f"guess{n}@example.nl", "wrong-password").status_code == 401
    assert token_login(client, "another@example.nl", "wrong-password").status_code == 429


def test_the_login_page_shares_the_count_with_the_token_endpoint(app_factory):
    from ..factories import login

    app = app_factory(login_limit_per_account="2 per minute", login_limit_per_ip="100 per minute")
    user = make_user(app)
    client = app.test_client()
    assert token_login(client, user.email, "wrong-password").status_code == 401
    assert login(client, user, password="wrong-password").status_code == 422
    assert login(client, user).status_code == 429


def test_throttling_ends_by_itself(app_factory):
    app = app_factory(
        login_limit_per_account="2 per 2 seconds", login_limit_per_ip="100 per minute"
    )
    user = make_user(app)
    client = app.test_client()
    for _ in range(2):
        token_login(client, user.email, "wrong-password")
    assert token_login(client, user.email, PASSWORD).status_code == 429
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if token_login(client, user.email, PASSWORD).status_code == 201:
            return
        time.sleep(0.2)
    pytest.fail("the account stayed locked after the window had passed")


def test_counts_live_in_redis_and_are_shared_by_every_process(app_factory, sqlite_url):
    redis_url = need_redis()
    import uuid

    limits = {"login_limit_per_account": "2 per minute", "login_limit_per_ip": "100 per minute"}
    email = f"{uuid.uuid4().hex[:10]}@example.nl"
    first = app_factory(sqlite_url, redis_url=redis_url, **limits)
    second = app_factory(sqlite_url, redis_url=redis_url, **limits)
    assert token_login(first.test_client(), email, "wrong-password").status_code == 401
    assert token_login(second.test_client(), email, "wrong-password").status_code == 401
    assert token_login(first.test_client(), email, "wrong-password").status_code == 429


def test_a_workplace_of_phones_behind_one_address_can_all_join_as_guests(app_factory):
    """Two hundred phones on one Wi-Fi share an address; the default limit lets them in."""
    app = app_factory()
    client = app.test_client()
    statuses = {
        client.post("/api/v1/auth/guest", json={"nickname": f"p{n}"}).status_code
        for n in range(200)
    }
    assert statuses == {201}


def test_mass_guest_creation_from_one_address_is_throttled(app_factory):
    app = app_factory(guest_limit_per_ip="5 per hour")
    client = app.test_client()
    for n in range(5):
        assert client.post("/api/v1/auth/guest", json={"nickname": f"p{n}"}).status_code == 201
    assert client.post("/api/v1/auth/guest", json={"nickname": "one too many"}).status_code == 429
