"""A live session in Chromium: a host screen and two phones, one of which reloads midway."""

import re

import pytest
from playwright.sync_api import expect

from .log_in import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}
PROJECTOR = {"width": 1280, "height": 800}
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
    assert host.locator("img.join-qr").evaluate("img => img.complete && img.naturalWidth > 0")

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

    # Step 1: information.
    host.get_by_role("button", name="Beginnen").click()
    for phone in phones:
        expect(phone.get_by_test_id("phone-prompt")).to_have_text("Welkom!")
        phone.get_by_role("button", name="Oké, duidelijk").click()
        expect(phone.get_by_test_id("phone-sent")).to_be_visible()

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
    for phone in phones:
        expect(phone.get_by_text("Bedankt voor het meedoen!")).to_be_visible()
        expect(phone.get_by_test_id("claim-link")).to_be_visible()  # guests keep their XP
    ayla.get_by_test_id("follow-up-career_conversation").click()
    expect(ayla.get_by_test_id("follow-up-sent")).to_be_visible()
    host.goto(f"{base}/live/{code}/follow-ups")
    expect(host.get_by_test_id("follow-ups")).to_contain_text("Ayla")
    host.screenshot(path="test-results/live-follow-ups.png")
