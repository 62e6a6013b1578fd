"""Bearer tokens from a real server for accounts with two-factor authentication.

A coach, fund or admin must enrol on the website before the API gives them a token; this
does it the way the person would, once (log in, read the key off the enrolment page, confirm
with a code), then sends `otp` with the token request. Codes come from pyotp. Used by the
tests that run real server processes and by the benchmarks.
"""

import re
import time

import pyotp
import requests

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
KEY = re.compile(r'data-testid="two-factor-secret">([A-Z2-7 ]+)<')
STEP_SECONDS = 30

# (server url, e-mail) -> the key enrolled with, and the last time step used with it.
KEYS: dict[tuple[str, str], str] = {}
LAST_STEP: dict[tuple[str, str], int] = {}


def code_for(base_url: str, email: str) -> str:
    """The app's code, for a time step the server has not seen yet (it refuses replays)."""
    account = (base_url, email)
    deadline = time.monotonic() + 2 * STEP_SECONDS
    while True:
        now = int(time.time() // STEP_SECONDS)
        step = max(now, LAST_STEP.get(account, -1) + 1)
        if step <= now + 1:  # the server accepts one step ahead of its clock
            break
        assert time.monotonic() < deadline, "the clock does not move on"
        time.sleep(0.5)  # a third login within 30 seconds: wait for the next step
    LAST_STEP[account] = step
    return pyotp.TOTP(KEYS[account]).generate_otp(step)


def enrol_on_the_web(base_url: str, email: str, password: str) -> list[str]:
    """Log in through the pages and set up two-factor authentication; the recovery codes."""
    with requests.Session() as browser:
        page = browser.get(f"{base_url}/login", timeout=10).text
        landed = browser.post(
            f"{base_url}/login",
            data={"email": email, "password": password, "csrf_token": CSRF.search(page)[1]},
            timeout=10,
        )
        assert "/account/two-factor/setup" in landed.url, landed.url
        KEYS[(base_url, email)] = KEY.search(landed.text)[1].replace(" ", "")
        done = browser.post(
            landed.url,
            data={"code": code_for(base_url, email), "csrf_token": CSRF.search(landed.text)[1]},
            timeout=10,
        )
        assert done.status_code == 200, done.text[:500]
        return re.findall(r"<li><code>([a-z2-9-]+)</code></li>", done.text)


def api_token(base_url: str, email: str, password: str) -> str:
    """POST /api/v1/auth/token, enrolling first and sending a code when the account needs it."""

    def ask(otp: str | None = None) -> requests.Response:
        body = {"email": email, "password": password, **({"otp": otp} if otp else {})}
        return requests.post(f"{base_url}/api/v1/auth/token", json=body, timeout=10)

    response = ask()
    problem = response.json().get("error", {}).get("code") if response.status_code >= 400 else None
    if problem == "two_factor_setup_required":
        enrol_on_the_web(base_url, email, password)
        problem = "otp_required"
    if problem == "otp_required":
        response = ask(code_for(base_url, email))
    assert response.status_code == 201, response.text
    return response.json()["token"]
