"""Log in through the /login form in a browser, passing the two-factor steps as a person would.

The one helper every browser test uses: a coach, fund or admin is sent to enrolment at the
first login (the helper reads the key off the page, as a person would type it into an app),
and asked for a code at later logins. Codes are computed with pyotp from that key.
"""

import time

import pyotp
from playwright.sync_api import Page

# The key each e-mail address enrolled with in this test run, and its last time step used.
ENROLLED: dict[str, str] = {}
LAST_STEP: dict[str, int] = {}


def code_for(email: str) -> str:
    """The app's code now, or the next step's if now's was used (the server allows one ahead)."""
    now = int(time.time() // 30)
    step = max(now, LAST_STEP.get(email, -1) + 1)
    assert step <= now + 1, "more than two logins in 30 seconds: the server refuses replays"
    LAST_STEP[email] = step
    return pyotp.TOTP(ENROLLED[email]).generate_otp(step)


def enrol(page: Page, email: str) -> list[str]:
    """On the enrolment page: scan (read the key), confirm with a code; the recovery codes."""
    secret = page.get_by_test_id("two-factor-secret").inner_text().replace(" ", "")
    ENROLLED[email] = secret
    page.locator("#code").fill(code_for(email))
    page.get_by_test_id("two-factor-confirm").click()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    page.get_by_test_id("codes-saved").click()
    return codes


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: not url.split("?")[0].endswith("/login"))
    if "/account/two-factor/setup" in page.url:
        enrol(page, email)
    elif "/login/code" in page.url:
        page.locator("#code").fill(code_for(email))
        page.get_by_test_id("code-log-in").click()
        page.wait_for_url(lambda url: "/login" not in url)
