"""A worker who forgot their password sets a new one from the login page, in Chromium at
360 px, with the mail read from a real SMTP server the test starts (aiosmtpd)."""

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from ..servers import start_server
from ..smtp_server import SmtpServer, html_of, text_of
from .flows import register
from .test_entry_flow import fits_sideways, phone_page

pytestmark = pytest.mark.browser

NEW_PASSWORD = "mijn nieuwe wachtwoord voor de vroege dienst"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_server(tmp_path, sqlite_url, smtp):
    env = {
        "GAME_SMTP_HOST": "127.0.0.1",
        "GAME_SMTP_PORT": str(smtp.port),
        "GAME_SMTP_STARTTLS": "0",
    }
    server = start_server(sqlite_url, tmp_path / "instance", env=env)
    yield server
    server.stop()


def _mail_to(smtp, address, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := smtp.inbox.to(address):
            return found
        time.sleep(0.2)
    raise AssertionError(f"no mail for {address} within {timeout} s")


def test_a_forgotten_password_is_reset_from_the_login_page(browser, mail_server, smtp):
    base = mail_server.url
    email = f"rana-{uuid.uuid4().hex[:8]}@example.nl"
    page = phone_page(browser)
    register(page, base, "Rana", email)
    page.context.clear_cookies()  # another day, another phone: logged out

    page.goto(base + "/login")
    page.get_by_test_id("forgot-password").click()
    expect(page.get_by_role("heading", name="Wachtwoord vergeten?")).to_be_visible()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_role("button", name="Stuur me een link").click()
    expect(page.get_by_test_id("reset-sent")).to_contain_text("komt er een link")
    assert fits_sideways(page)

    [message] = _mail_to(smtp, email)  # sent at once, not at the next round
    assert message["Subject"] == "Kies een nieuw wachtwoord voor Loopbaan Quest"
    link = re.search(r"http://\S+/password/reset/\S+", text_of(message)).group(0)
    assert link.startswith(base)
    mail_page = phone_page(browser)  # how the mail looks on a phone
    mail_page.set_content(html_of(message))
    expect(mail_page.get_by_role("link", name="Kies een nieuw wachtwoord")).to_have_attribute(
        "href", link
    )
    assert fits_sideways(mail_page)
    mail_page.screenshot(path="test-results/mail-password-reset.png", full_page=True)

    page.goto(link)
    page.get_by_label("Nieuw wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Nieuw wachtwoord opslaan").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("p.notice")).to_contain_text("Je nieuwe wachtwoord is klaar")
    page.screenshot(path="test-results/password-reset-done.png", full_page=True)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/home$"))

    page.goto(link)  # the link is spent
    expect(page.get_by_test_id("reset-gone")).to_be_visible()
