"""Log in through the /login form in a browser, passing the two-factor steps as a person would.

The one helper every browser test uses: a coach, fund or admin is sent to enrolment at the
first login (the helper reads the key off the page, as a person would type it into an app),
and asked for a code at later logins. Keys and codes are shared with the API helper in
tests/two_factor_client.py, so a replayed code is never sent by accident.
"""

from playwright.sync_api import Page

from game_server.testing.two_factor_client import KEYS, code_for


def enrol(page: Page, base: str, email: str) -> list[str]:
    """On the enrolment page: scan (read the key), confirm with a code; the recovery codes."""
    KEYS[(base, email)] = page.get_by_test_id("two-factor-secret").inner_text().replace(" ", "")
    page.locator("#code").fill(code_for(base, email))
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
        enrol(page, base, email)
    elif "/login/code" in page.url:
        page.locator("#code").fill(code_for(base, email))
        page.get_by_test_id("code-log-in").click()
        page.wait_for_url(lambda url: "/login" not in url)
