"""A peer group in Chromium: an invite, presence and the member list live, removal at once."""

import re

import pytest
from playwright.sync_api import expect

from .flows import register

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}


def test_an_owner_sees_a_colleague_join_live_and_a_removal_reaches_the_colleague(
    browser, live_server
):
    base = live_server.url
    owner = browser.new_context(viewport=PHONE).new_page()
    colleague = browser.new_context(viewport=PHONE).new_page()
    for page in (owner, colleague):
        page.set_default_timeout(10_000)
    register(owner, base, "Fatma", "fatma@example.nl")
    register(colleague, base, "Joost", "joost@example.nl")

    owner.get_by_role("link", name="Groepen", exact=True).click()
    owner.get_by_role("link", name="Maak een nieuwe groep").click()
    owner.get_by_label("Naam van de groep").fill("Nachtploeg depot")
    owner.get_by_role("button", name="Groep maken").click()
    expect(owner.get_by_test_id("group-name")).to_have_text("Nachtploeg depot")
    expect(owner.get_by_test_id("live-status")).to_be_visible()  # the socket is in the room
    code = owner.get_by_test_id("invite-code").inner_text().strip()

    colleague.goto(f"{base}/groups/join/{code}")
    colleague.get_by_role("button", name="Doe mee met de groep").click()
    expect(colleague.get_by_test_id("group-name")).to_have_text("Nachtploeg depot")

    # Without a reload, the owner's page shows the new member, online.
    members = owner.get_by_test_id("members")
    expect(members).to_contain_text("Joost")
    joost = members.locator("li", has_text="Joost")
    expect(joost.get_by_text("online")).to_be_visible()

    owner.get_by_role("button", name="Haal Joost uit de groep").click()
    # The removed colleague's open page leaves the group by itself.
    expect(colleague).to_have_url(re.compile(r"/groups$"))
    expect(colleague.locator("main")).not_to_contain_text("Nachtploeg depot")
