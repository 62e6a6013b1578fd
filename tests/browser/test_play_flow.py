"""Playing a quest in Chromium: one step per screen, every solo step type, no JavaScript needed."""

import re

import pytest
from playwright.sync_api import Page, expect

from .flows import register

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}


def save(page: Page) -> None:
    page.get_by_role("button", name="Opslaan en verder").click()


def next_step(page: Page) -> None:
    """Information steps only need a tap on Verder."""
    page.get_by_role("button", name="Verder", exact=True).click()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_worker_plays_every_step_type_on_a_phone(browser, live_server, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    base = live_server.url
    register(page, base, "Noor", f"noor-{javascript}@example.nl")

    page.goto(base + "/quests/every-step")
    page.get_by_role("button", name="Begin met deze quest").click()
    expect(page).to_have_url(re.compile(r"/runs/\d+$"))

    # info
    expect(page.get_by_role("heading", name="Welkom.")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "0")
    next_step(page)
    # choice (multiple): too few first, then the error summary, then right
    page.get_by_label("Vrijheid").check()
    save(page)
    expect(page.get_by_test_id("error-summary")).to_contain_text("Kies er 2 tot 3.")
    page.get_by_label("Vrijheid").check()
    page.get_by_label("Geld").check()
    save(page)
    # scale: one radio group per statement
    for statement, score in [
        ("Ik help graag klanten.", "5"),
        ("Ik werk het liefst alleen.", "1"),
        ("Ik repareer graag dingen.", "2"),
    ]:
        page.get_by_role("group", name=statement).get_by_label(score, exact=True).check()
    save(page)
    # reflection, private
    expect(page.get_by_text("Alleen jij ziet dit antwoord")).to_be_visible()
    page.locator("textarea[name=text]").fill("Ik wil zelf mijn dag indelen.")
    save(page)
    # go back, see the earlier answer, and continue
    page.get_by_role("button", name="Vorige stap").click()
    expect(page.locator("textarea[name=text]")).to_have_value("Ik wil zelf mijn dag indelen.")
    save(page)
    # the branch for freedom
    expect(page.get_by_role("heading", name="Wat betekent vrijheid voor jou?")).to_be_visible()
    page.locator("textarea[name=text]").fill("Zelf kiezen wanneer ik rij.")
    save(page)
    # the branch for a high people score (info)
    expect(page.get_by_role("heading", name="Werk met mensen past bij jou.")).to_be_visible()
    next_step(page)
    # poll (played alone it is a single choice)
    page.get_by_label("Tijd").check()
    save(page)
    # contact
    page.get_by_label("Met wie heb je gepraat?").fill("Mijn planner")
    page.get_by_label("Wat heb je geleerd?").fill("Er komt een nieuwe route.")
    save(page)
    # action, with the date filled in already
    expect(page.get_by_label("Wanneer?")).not_to_have_value("")
    page.get_by_label("Wat ga je doen?").fill("Vragen naar de cursus.")
    save(page)

    expect(page.get_by_test_id("completed")).to_have_text("Goed gedaan!")
    expect(page.get_by_text("+10 XP")).to_be_visible()
    page.get_by_role("link", name="Terug naar je startpagina").click()
    expect(page.get_by_test_id("xp-reflecting")).to_have_text("10 XP")
    context.close()


def test_a_visitor_plays_a_public_quest_as_a_guest_and_keeps_it(browser, live_server):
    page = browser.new_context(viewport=PHONE).new_page()
    page.set_default_timeout(10_000)
    base = live_server.url
    page.goto(base + "/quests/open-to-all")
    page.get_by_role("link", name="Speel als gast").click()
    page.get_by_label("Bijnaam").fill("Sam")
    page.get_by_role("button", name="Begin met spelen").click()
    page.get_by_role("button", name="Begin met deze quest").click()
    page.get_by_label("Familie").check()
    save(page)
    page.locator("textarea[name=text]").fill("Mijn zus kent veel mensen.")
    save(page)
    expect(page.get_by_test_id("completed")).to_be_visible()

    page.goto(base + "/register")
    page.get_by_label("E-mailadres").fill("sam@example.nl")
    page.get_by_label("Wachtwoord").fill("mijn zus kent veel mensen")
    page.get_by_role("button", name="Account opslaan").click()
    expect(page.get_by_test_id("xp-networking")).to_have_text("8 XP")
