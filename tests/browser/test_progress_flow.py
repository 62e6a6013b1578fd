"""Growth in Chromium: a badge shows up live, and the profile draws the four competencies."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .flows import image_loaded, play_open_to_all, register

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


def test_a_badge_earned_in_one_tab_pops_up_in_another(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    base = live_server.url
    player = context.new_page()
    player.set_default_timeout(10_000)
    register(player, base, "Jesse", "jesse@example.nl")
    watcher = context.new_page()  # the same worker's home page, open in a second tab
    watcher.goto(base + "/home")
    expect(watcher.get_by_test_id("live-status")).to_be_visible()

    play_open_to_all(player, base)
    expect(player.get_by_test_id("new-badges")).to_contain_text("Eerste quest")
    # The payoff: a filling bar, the badge with its art, and the way on.
    expect(player.get_by_test_id("xp-bar-networking")).to_contain_text("+8 XP")
    art = player.get_by_test_id("new-badges").locator("img.badge-art").first
    expect(art).to_be_visible()
    assert image_loaded(art)
    expect(player.get_by_role("heading", name="Wat nu?")).to_be_visible()
    assert player.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    player.screenshot(path=str(ARTIFACTS / "finish-screen-phone.png"), animations="disabled")
    expect(watcher.get_by_test_id("toasts")).to_contain_text("Nieuwe badge: Eerste quest")
    expect(watcher.get_by_test_id("toasts")).to_contain_text("+8 XP erbij")

    player.get_by_role("link", name="Mijn groei").click()
    expect(player.get_by_test_id("radar")).to_be_visible()
    table = player.get_by_test_id("competency-table")
    expect(table.get_by_role("row", name=re.compile("Netwerken"))).to_contain_text("8")
    expect(player.get_by_test_id("badges")).to_contain_text("Open netwerker")
    expect(player.get_by_text("Mijn ploegleider weet veel van opleidingen.")).to_be_visible()
    expect(player.get_by_test_id("rhythm")).to_contain_text("1 week achter elkaar")
    ARTIFACTS.mkdir(exist_ok=True)
    player.screenshot(path=str(ARTIFACTS / "profile.png"), full_page=True)

    # The badge's public page verifies it; the worker downloads it, then revokes it.
    player.get_by_role("link", name="Eerste quest").click()
    verification = player.get_by_test_id("verification")
    expect(verification).to_have_attribute("data-verdict", "valid")
    with player.expect_download() as download:
        player.get_by_role("link", name="Downloaden (JSON)").click()
    credential = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert "OpenBadgeCredential" in credential["type"]
    assert "jesse@example.nl" not in json.dumps(credential)
    badge_url = player.url
    player.get_by_role("button", name="Intrekken").click()
    stranger = browser.new_context(viewport=PHONE).new_page()  # anyone can check it
    stranger.goto(badge_url)
    expect(stranger.get_by_test_id("verification")).to_have_attribute("data-verdict", "revoked")
    context.close()
