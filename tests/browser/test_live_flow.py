"""A live session in Chromium: a host screen and two phones, one of which reloads midway."""

import re

import pytest
from playwright.sync_api import expect

from .flows import image_loaded
from .log_in import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}
PROJECTOR = {"width": 1280, "height": 720}
PASSWORD = "koffie in de kantine om zeven"


def test_a_host_and_two_phones_play_a_three_step_session(browser, live_server):
    base = live_server.url
    live_server.flask(
        "users", "create", "coach@example.nl", "--role", "coach", input=f"{PASSWORD}\n" * 2
    )
    host = browser.new_context(viewport=PROJECTOR).new_page()
    host.set_default_timeout(15_000)
    log_in(host, base, "coach@example.nl", PASSWORD)
    host.goto(base + "/live/new")
    host.get_by_test_id("start-live-at-the-depot").click()
    expect(host).to_have_url(re.compile(r"/live/[A-Z0-9]{6}/host$"))
    code = host.get_by_test_id("join-code").inner_text().strip()
    expect(host.locator("img.join-qr")).to_be_visible()
    assert image_loaded(host.locator("img.join-qr"))

    phones = []
    for name in ("Ayla", "Bram"):
        phone = browser.new_context(viewport=PHONE).new_page()
        phone.set_default_timeout(15_000)
        phone.goto(f"{base}/join/{code}")
        expect(phone.get_by_label("Code")).to_have_value(code)
        phone.get_by_label("Je naam in deze sessie").fill(name)
        if name == "Ayla":
            phone.get_by_label("Laat mijn naam zien op het grote scherm").check()
        phone.get_by_role("button", name="Doe mee").click()
        expect(phone.get_by_test_id("phone-message")).to_have_text(
            "Wacht op de eerste vraag op het grote scherm."
        )
        phones.append(phone)
    ayla, bram = phones
    expect(host.get_by_test_id("participant-count")).to_have_text("2 mensen doen mee")
    expect(host.get_by_test_id("names")).to_have_text("Ayla")  # Bram chose not to be shown
    # A projector, not a site page: no menu, no name, no "log out", and nothing below the fold.
    expect(host.locator(".site-header")).to_have_count(0)
    expect(host.get_by_role("button", name="Uitloggen")).to_have_count(0)
    host.screenshot(path="test-results/live-projector-lobby.png")
    _fits_the_screen(host, "join-code", "next")

    # Step 1: information: the phones point at the big screen, nothing to tap.
    host.get_by_role("button", name="Beginnen").click()
    for phone in phones:
        expect(phone.get_by_test_id("phone-prompt")).to_have_text("Welkom!")
        expect(phone.get_by_test_id("phone-look")).to_have_text("Kijk naar het grote scherm.")
        expect(phone.get_by_test_id("phone-buttons").get_by_role("button")).to_have_count(0)

    # Step 2: a poll; Bram reloads his phone after answering.
    host.get_by_role("button", name="Volgende vraag").click()
    expect(host.get_by_test_id("host-prompt")).to_have_text("Wat wil je leren?")
    ayla.get_by_label("Plannen").check()  # the poll's own partial, as on the pages
    ayla.get_by_role("button", name="Verstuur mijn antwoord").click()
    expect(ayla.get_by_test_id("phone-sent")).to_contain_text("Je antwoord is binnen")
    bram.get_by_label("Rijden").check()
    bram.get_by_role("button", name="Verstuur mijn antwoord").click()
    expect(bram.get_by_test_id("phone-sent")).to_contain_text("Je antwoord is binnen")
    bram.reload()
    expect(bram.get_by_test_id("phone-prompt")).to_have_text("Wat wil je leren?")
    expect(bram.get_by_label("Rijden")).to_be_checked()  # his answer, back on his phone
    bram.screenshot(path="test-results/live-phone-poll.png")
    assert bram.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(bram.get_by_test_id("phone-sent")).to_be_visible()
    expect(host.get_by_test_id("answer-count")).to_have_text("2 antwoorden")
    expect(host.get_by_test_id("bars")).to_contain_text("Plannen")
    host.screenshot(path="test-results/live-projector-poll.png")
    _fits_the_screen(host, "host-prompt", "bars", "next")

    # Step 3: a reflection; only the shared one reaches the screen.
    host.get_by_role("button", name="Volgende vraag").click()
    expect(ayla.get_by_test_id("phone-prompt")).to_have_text("Waarom?")
    ayla.get_by_label("Waarom?").fill("planning trekt mij")
    ayla.get_by_role("button", name="Versturen en op het scherm laten zien").click()
    expect(ayla.get_by_test_id("phone-sent")).to_be_visible()
    bram.get_by_label("Waarom?").fill("geheim van bram")
    bram.screenshot(path="test-results/live-phone-reflection.png")
    bram.get_by_role("button", name="Versturen, alleen voor mij").click()
    expect(bram.get_by_test_id("phone-sent")).to_be_visible()
    expect(host.get_by_test_id("answer-count")).to_have_text("2 antwoorden")
    expect(host.get_by_test_id("words")).to_contain_text("planning")
    expect(host.get_by_test_id("words")).not_to_contain_text("geheim")

    host.get_by_role("button", name="Sessie afsluiten").click()
    # The recap, on the wall and on every phone: who took part, the XP, what the room chose.
    expect(host.get_by_test_id("recap-took-part")).to_have_text("2 mensen deden mee")
    expect(host.get_by_test_id("recap-xp")).to_have_text(re.compile(r"^\+\d+$"))
    expect(host.get_by_test_id("recap-highlights")).to_contain_text("Wat wil je leren?")
    host.screenshot(path="test-results/live-projector-recap.png")
    _fits_the_screen(host, "recap-highlights")
    for phone in phones:
        expect(phone.get_by_text("Bedankt voor het meedoen!")).to_be_visible()
        expect(phone.get_by_test_id("phone-recap-took-part")).to_have_text("2 mensen deden mee")
        expect(phone.get_by_test_id("phone-recap-highlights")).to_contain_text("Wat wil je leren?")
        expect(phone.get_by_test_id("claim-link")).to_be_visible()  # guests keep their XP
    ayla.screenshot(path="test-results/live-phone-recap.png", full_page=True)
    ayla.get_by_test_id("follow-up-career_conversation").click()
    expect(ayla.get_by_test_id("follow-up-sent")).to_be_visible()
    host.goto(f"{base}/live/{code}/follow-ups")
    expect(host.get_by_test_id("follow-ups")).to_contain_text("Ayla")
    host.screenshot(path="test-results/live-follow-ups.png")


def _fits_the_screen(page, *test_ids):
    """Each part is on the screen whole: nothing below the fold, nothing under the controls,
    and the page itself does not scroll."""
    height = page.viewport_size["height"]
    assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")
    controls = page.locator(".host-controls").bounding_box()
    for test_id in test_ids:
        box = page.get_by_test_id(test_id).bounding_box()
        assert box is not None, f"{test_id} is not shown"
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, f"{test_id} is cut off"
        if test_id not in ("next",):
            assert box["y"] + box["height"] <= controls["y"] + 1, f"{test_id} is under the controls"
