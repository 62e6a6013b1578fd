"""A coach's first login sends them to set up two-factor authentication; later logins ask for
the code from the app (computed here with pyotp from the key on the enrolment page)."""

import re

import pytest
from playwright.sync_api import expect

from game_server.testing.two_factor_client import KEYS, code_for

from .axe_check import serious_violations
from .flows import image_loaded
from .log_in import log_in

pytestmark = pytest.mark.browser

PASSWORD = "koffie in de kantine om zeven"


def test_a_coach_enrols_at_the_first_login_and_logs_in_with_a_code_later(browser, live_server):
    base = live_server.url
    email = "noor@example.nl"
    live_server.flask("users", "create", email, "--role", "coach", input=f"{PASSWORD}\n" * 2)
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)

    page.goto(base + "/login?next=/coach")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/setup"))
    # Nothing else opens before enrolling.
    page.goto(base + "/coach")
    expect(page).to_have_url(re.compile(r"/account/two-factor/setup\?next=/coach"))
    qr = page.get_by_test_id("two-factor-qr")
    assert image_loaded(qr)
    KEYS[(base, email)] = page.get_by_test_id("two-factor-secret").inner_text().replace(" ", "")
    page.locator("#code").fill("12345")  # one digit short: never right
    page.get_by_test_id("two-factor-confirm").click()
    expect(page.locator("#code-error")).to_be_visible()
    problems = serious_violations(page, "setup with an error")
    page.locator("#code").fill(code_for(base, email))
    page.get_by_test_id("two-factor-confirm").click()
    expect(page.get_by_test_id("recovery-codes").locator("code")).to_have_count(10)
    problems += serious_violations(page, "recovery codes")
    page.get_by_test_id("codes-saved").click()
    expect(page).to_have_url(re.compile(r"/coach$"))

    page.get_by_role("button", name="Uitloggen").click()
    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    problems += serious_violations(page, "the code step")
    assert problems == [], "\n".join(problems)
    page.goto(base + "/coach")  # the password alone opens nothing
    expect(page).to_have_url(re.compile(r"/login\?next=/coach"))

    other = browser.new_context().new_page()
    other.set_default_timeout(10_000)
    log_in(other, base, email, PASSWORD)
    other.goto(base + "/coach")
    expect(other).to_have_url(re.compile(r"/coach$"))
