"""A worker on a phone: register, log out, log in, switch language, log out — in Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    page.set_default_timeout(10_000)
    return page


def test_register_log_in_switch_language_and_log_out(phone: Page, live_server):
    base = live_server.url
    # A blocked script or socket (CSP, wrong path) shows up as a console error.
    console_errors = []
    phone.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    phone.goto(base + "/")
    expect(phone.locator("html")).to_have_attribute("lang", "nl")
    phone.get_by_role("link", name="Account maken").first.click()

    phone.get_by_label("Je naam").fill("Fatima")
    phone.get_by_label("E-mailadres").fill("fatima@example.nl")
    phone.get_by_label("Wachtwoord").fill("kort")
    phone.get_by_role("button", name="Account maken").click()
    expect(phone.get_by_test_id("error-summary")).to_be_visible()

    phone.get_by_label("Wachtwoord").fill("ik maak de kantoren schoon om zes uur")
    phone.get_by_role("button", name="Account maken").click()
    expect(phone).to_have_url(re.compile(r"/home$"))
    expect(phone.get_by_test_id("greeting")).to_contain_text("Fatima")
    # The vendored Socket.IO client connects with the login cookie.
    expect(phone.get_by_test_id("live-status")).to_be_visible()

    phone.get_by_role("button", name="Uitloggen").click()
    expect(phone).to_have_url(base + "/")
    phone.goto(base + "/home")
    expect(phone).to_have_url(re.compile(r"/login\?next=/home"))

    phone.get_by_label("E-mailadres").fill("fatima@example.nl")
    phone.get_by_label("Wachtwoord").fill("ik maak de kantoren schoon om zes uur")
    phone.get_by_role("button", name="Inloggen").click()
    expect(phone).to_have_url(re.compile(r"/home$"))

    phone.get_by_role("button", name="English").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_test_id("greeting")).to_contain_text("Hello Fatima")
    phone.reload()
    expect(phone.locator("html")).to_have_attribute("lang", "en")

    phone.get_by_role("button", name="Log out").click()
    expect(phone.get_by_role("link", name="Log in").first).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    # The form with a short password was answered 422 on purpose; nothing else may fail.
    unexpected = [e for e in console_errors if "422" not in e]
    assert unexpected == []


def test_logging_out_on_one_device_sends_the_other_to_login(browser, live_server):
    """Two phones, one account: logout on one, and the other's open home page leaves too."""
    base = live_server.url
    first = browser.new_context(viewport=PHONE).new_page()
    first.goto(base + "/register")
    first.get_by_label("Je naam").fill("Bram")
    first.get_by_label("E-mailadres").fill("bram@example.nl")
    first.get_by_label("Wachtwoord").fill("de bus naar het depot rijdt om vijf uur")
    first.get_by_role("button", name="Account maken").click()
    expect(first.get_by_test_id("live-status")).to_be_visible()

    second = browser.new_context(viewport=PHONE).new_page()
    second.goto(base + "/login")
    second.get_by_label("E-mailadres").fill("bram@example.nl")
    second.get_by_label("Wachtwoord").fill("de bus naar het depot rijdt om vijf uur")
    second.get_by_role("button", name="Inloggen").click()
    expect(second.get_by_test_id("live-status")).to_be_visible()

    second.get_by_role("button", name="Uitloggen").click()
    expect(first).to_have_url(re.compile(r"/login"), timeout=10_000)


def test_buttons_and_fields_are_large_enough_to_tap(phone: Page, live_server):
    phone.goto(live_server.url + "/register")
    for element in phone.locator("button, input:not([type=hidden]), a.button").all():
        if not element.is_visible():
            continue  # not there to tap on a phone (the header's code field is for wide screens)
        box = element.bounding_box()
        assert box and box["height"] >= 44, f"{element.evaluate('e => e.outerHTML')} is too small"
