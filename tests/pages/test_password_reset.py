"""A forgotten password, end to end through the pages and a real SMTP server: the same
answer for any address, a link that works once and for an hour, every session and token
ended, the change audited, and two-factor login still asking for its code."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from game_server import jobs
from game_server.db import session_scope
from game_server.models import AuditEntry, PasswordReset, User
from game_server.services.identity import tokens

from ..factories import PASSWORD, bearer_for, csrf_token, login, make_user
from ..smtp_server import SmtpServer, text_of

NEW_PASSWORD = "een-nieuw-wachtwoord-voor-de-bus"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app_factory, sqlite_url, smtp):
    # No mail from the request itself: the tests run the job, as the background loop does.
    return app_factory(
        sqlite_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_starttls=False,
        mail_delivery=False,
    )


def _ask(client, email):
    token = csrf_token(client, "/password/forgot")
    return client.post("/password/forgot", data={"email": email, "csrf_token": token})


def _link(smtp, email) -> str:
    [message] = smtp.inbox.to(email)
    return re.search(r"http://localhost(/password/reset/\S+)", text_of(message)).group(1)


def _set(client, path, password):
    token = csrf_token(client, path)
    return client.post(path, data={"new_password": password, "csrf_token": token})


def test_a_worker_resets_a_forgotten_password_and_every_old_login_ends(mail_app, smtp):
    worker = make_user(mail_app)
    old_device = mail_app.test_client()
    assert login(old_device, worker).status_code == 302
    api = bearer_for(mail_app, worker)
    client = mail_app.test_client()
    asked = _ask(client, worker.email.upper())  # as typed, in capitals
    assert asked.status_code == 200
    assert "Kijk in je mail" in asked.get_data(as_text=True)
    assert jobs.deliver_mail(mail_app) == 1
    [message] = smtp.inbox.to(worker.email)
    assert message["Subject"] == "Kies een nieuw wachtwoord voor Loopbaan Quest"
    assert "List-Unsubscribe" not in message  # asked for: not something to switch off
    link = _link(smtp, worker.email)
    with session_scope(mail_app) as session:  # the link is stored nowhere in plain text
        stored = session.exec(select(PasswordReset)).one()
        assert link.rsplit("/", 1)[1] not in (stored.token_hash, stored.nonce)
    weak = _set(client, link, "kort")
    assert weak.status_code == 422
    done = _set(client, link, NEW_PASSWORD)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert old_device.get("/home").status_code == 302  # logged out there
    assert mail_app.test_client().get("/api/v1/me", headers=api).status_code == 401
    assert login(mail_app.test_client(), worker).status_code == 422  # the old password
    assert login(mail_app.test_client(), worker, NEW_PASSWORD).status_code == 302
    again = client.get(link)
    assert again.status_code == 410 and "werkt niet meer" in again.get_data(as_text=True)
    with session_scope(mail_app) as session:
        audited = session.exec(select(AuditEntry).where(AuditEntry.subject_id == worker.id)).all()
        assert [(a.item, a.reason) for a in audited] == [("password", "reset_by_email")]
        assert tokens.list_for(session, user_id=worker.id) == [] or all(
            t.revoked_at for t in tokens.list_for(session, user_id=worker.id)
        )


def test_an_unknown_address_gets_the_same_answer_and_no_mail(mail_app, smtp):
    worker = make_user(mail_app)
    known = _ask(mail_app.test_client(), worker.email).get_data(as_text=True)
    unknown = _ask(mail_app.test_client(), "niemand@example.nl").get_data(as_text=True)
    strip = re.compile(r'(content|value|nonce)="[^"]+"')
    assert strip.sub("", known) == strip.sub("", unknown)
    guest = make_user(mail_app, guest=True)
    assert guest.email is None
    jobs.deliver_mail(mail_app)
    assert [m["To"] for m in smtp.inbox.messages] == [worker.email]


def test_only_the_newest_link_works_and_none_after_an_hour(mail_app, smtp):
    worker = make_user(mail_app)
    client = mail_app.test_client()
    _ask(client, worker.email)
    jobs.deliver_mail(mail_app)
    first = _link(smtp, worker.email)
    _ask(client, worker.email)
    jobs.deliver_mail(mail_app)
    second = re.search(
        r"http://localhost(/password/reset/\S+)", text_of(smtp.inbox.to(worker.email)[1])
    ).group(1)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    with session_scope(mail_app) as session:
        for row in session.exec(select(PasswordReset)).all():
            row.expires_at = row.created_at - timedelta(seconds=1)
            session.add(row)
        session.commit()
    assert client.get(second).status_code == 410


def test_after_a_reset_two_factor_login_still_asks_for_the_code(mail_app, smtp):
    worker = make_user(mail_app, second_factor=True)
    client = mail_app.test_client()
    _ask(client, worker.email)
    jobs.deliver_mail(mail_app)
    _set(client, _link(smtp, worker.email), NEW_PASSWORD)
    fresh = mail_app.test_client()
    token = csrf_token(fresh)
    step = fresh.post(
        "/login", data={"email": worker.email, "password": NEW_PASSWORD, "csrf_token": token}
    )
    assert step.status_code == 302 and step.headers["Location"] == "/login/code"


def test_asking_too_often_for_one_address_is_slowed_down(mail_app, smtp):
    worker = make_user(mail_app)
    client = mail_app.test_client()
    statuses = [_ask(client, worker.email).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    jobs.deliver_mail(mail_app)
    # Asked three times before the job ran: only the newest link works, so only it goes.
    assert len(smtp.inbox.to(worker.email)) == 1


def test_the_api_answers_the_same_for_any_address(mail_app, smtp):
    worker = make_user(mail_app)
    client = mail_app.test_client()
    known = client.post("/api/v1/auth/password-reset", json={"email": worker.email})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "x@example.nl"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    jobs.deliver_mail(mail_app)
    token = _link(smtp, worker.email).rsplit("/", 1)[1]
    confirm = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert confirm.status_code == 204
    reused = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert reused.status_code == 422
    with session_scope(mail_app) as session:
        assert session.get(User, worker.id).password_hash != PASSWORD


def test_one_client_asking_for_many_addresses_is_slowed_down(app_factory, sqlite_url):
    app = app_factory(sqlite_url, reset_limit_per_ip="2 per hour", mail_delivery=False)
    client = app.test_client()
    statuses = [_ask(client, f"iemand{n}@example.nl").status_code for n in range(3)]
    assert statuses == [200, 200, 429]  # the same for addresses with and without an account
