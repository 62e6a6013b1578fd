"""Ways in, on a small phone (360 × 740) in Chromium: from the landing page to a live session
with a code, the code in the site header, and a group invite opened while logged out that
comes back after playing as a guest. Nothing may scroll sideways."""

import re
import uuid

import pytest
import requests
from playwright.sync_api import Page, expect

from game_server.testing.two_factor_client import api_token

from ..realtime.live_clients import coach_token, screen, start_session

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1024, "height": 768}
PASSWORD = "de eerste rit begint om vijf uur"


WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")
       + " " + Math.round(e.getBoundingClientRect().right))
  .slice(0, 8)"""


def fits_sideways(page: Page) -> bool:
    """Nothing scrolls sideways; when something does, the message names what sticks out."""
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{page.url}: wider than the screen: {page.evaluate(WIDER_THAN_THE_SCREEN)}"
    return fits


def phone_page(browser, viewport=SMALL_PHONE) -> Page:
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(15_000)
    return page


def test_from_the_landing_page_a_code_and_a_name_open_a_live_session(browser, live_server):
    token = coach_token(live_server)
    code = start_session(live_server, token)
    host = screen(live_server, token)
    assert host.call("live:host", {"code": code})["ok"]

    phone = phone_page(browser)
    phone.goto(live_server.url + "/")
    assert fits_sideways(phone)
    phone.screenshot(path="test-results/landing-phone.png", full_page=True)
    entry = phone.get_by_test_id("code-entry")
    expect(entry.get_by_role("heading", name="Doe mee met een code")).to_be_visible()
    entry.get_by_label("Code").fill(code.lower())  # typed on a phone: small letters too
    entry.get_by_role("button", name="Doe mee").click()

    # The join page has the code already: only the name is left, as from the QR code.
    expect(phone).to_have_url(re.compile(r"/join\?code="))
    expect(phone.get_by_label("Code")).to_have_value(code)
    assert fits_sideways(phone)
    phone.get_by_label("Je naam in deze sessie").fill("Ayla")
    phone.get_by_test_id("join-button").click()
    expect(phone).to_have_url(re.compile(rf"/live/{code}$"))
    host.close()


def test_the_header_offers_a_code_link_on_a_phone_and_a_field_on_a_wide_screen(
    browser, live_server
):
    phone = phone_page(browser)
    phone.goto(live_server.url + "/quests")
    assert fits_sideways(phone)
    expect(phone.get_by_test_id("header-join")).to_be_hidden()
    phone.get_by_test_id("header-join-link").click()
    expect(phone).to_have_url(re.compile(r"/join$"))

    wide = phone_page(browser, DESKTOP)
    wide.goto(live_server.url + "/quests")
    expect(wide.get_by_test_id("header-join-link")).to_be_hidden()
    header = wide.get_by_test_id("header-join")
    header.get_by_label("Code").fill("ABC234")
    header.get_by_role("button", name="Meedoen").click()
    expect(wide).to_have_url(re.compile(r"/join\?code=ABC234$"))
    expect(wide.get_by_label("Code")).to_have_value("ABC234")


def test_the_longest_header_a_guest_gets_fits_a_small_phone(browser, live_server):
    phone = phone_page(browser)
    phone.goto(live_server.url + "/guest")
    phone.get_by_label("Bijnaam").fill("Samira-van-de-nachtploeg")
    phone.get_by_role("button", name="Begin met spelen").click()
    expect(phone).to_have_url(re.compile(r"/home$"))
    for path in ("/home", "/quests", "/profile", "/logout"):
        phone.goto(live_server.url + path)
        assert fits_sideways(phone), path


def _group_invite(server, name: str) -> str:
    """A worker's group, made over the API: its invite code."""
    email = f"owner-{uuid.uuid4().hex[:8]}@example.nl"
    server.flask("users", "create", email, "--role", "worker", input=f"{PASSWORD}\n" * 2)
    token = api_token(server.url, email, PASSWORD)
    response = requests.post(
        f"{server.url}/api/v1/groups",
        json={"name": name},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    return response.json()["invite_code"]


def test_a_group_invite_opened_logged_out_comes_back_after_playing_as_a_guest(browser, live_server):
    name = "Depot Oost"
    code = _group_invite(live_server, name)
    phone = phone_page(browser)
    phone.goto(f"{live_server.url}/groups/join/{code}")
    expect(phone).to_have_url(re.compile(r"/login\?next="))
    assert fits_sideways(phone)
    phone.get_by_test_id("to-guest").click()
    expect(phone).to_have_url(re.compile(r"/guest\?next="))
    phone.get_by_label("Bijnaam").fill("Bram")
    phone.get_by_role("button", name="Begin met spelen").click()

    expect(phone).to_have_url(re.compile(rf"/groups/join/{code}$"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text(name)
    phone.get_by_role("button", name="Doe mee met de groep").click()
    expect(phone).to_have_url(re.compile(r"/groups/\d+$"))
    assert fits_sideways(phone)
