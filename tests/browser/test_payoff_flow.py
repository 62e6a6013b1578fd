"""The interest profile on a 360 px phone, from the real starter library: the eighteen
statements come six at a time, the question can be read aloud, and the finish screen names
the top areas and what they mean, with the XP bars and the way on."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from game_server import create_app
from game_server.db import get_engine

from ..conftest import make_settings
from ..factories import make_user, session_cookie
from ..servers import SECRET_KEY, start_server

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
QUESTS = Path(__file__).resolve().parents[2] / "quests"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def app(tmp_path, sqlite_url):
    """The test process's view of the server's database (same file, same secret key)."""
    app = create_app(make_settings(tmp_path, sqlite_url, secret_key=SECRET_KEY))
    yield app
    get_engine(app).dispose()


@pytest.fixture
def starter_server(tmp_path, sqlite_url):
    server = start_server(
        sqlite_url, tmp_path / "starter-instance", migrate=False, quests_path=QUESTS
    )
    yield server
    server.stop()


def test_the_interest_profile_in_pages_of_six_and_its_result(browser, starter_server, app):
    worker = make_user(app, display_name="Noor")
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{**session_cookie(app, worker), "url": starter_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(starter_server.url + "/quests/interest-profile")
    expect(page.get_by_text("3 stappen")).to_be_visible()  # as play counts them
    page.get_by_role("button", name="Begin met deze quest").click()
    expect(page).to_have_url(re.compile(r"/runs/\d+$"))
    expect(page.get_by_role("button", name="Lees voor")).to_be_visible()
    expect(page.get_by_test_id("step-hint")).to_be_visible()  # the detail under the question

    save = page.get_by_role("button", name="Opslaan en verder")
    statements = page.locator("fieldset.scale-item")
    expect(statements).to_have_count(18)
    for part in range(3):
        expect(page.get_by_text(f"Deel {part + 1} van 3")).to_be_visible()
        visible = page.locator("fieldset.scale-item:visible")
        expect(visible).to_have_count(6)
        if part == 0:  # "Next" before every statement has a score: it says so, and waits
            page.get_by_role("button", name="Verder").click()
            warning = "Geef eerst elke zin op deze pagina een score."
            expect(page.get_by_text(warning)).to_be_visible()
            expect(save).to_be_hidden()
        for index in range(6):
            visible.nth(index).get_by_text("3", exact=True).click()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        if part < 2:
            page.get_by_role("button", name="Verder").click()
    save.click()

    page.get_by_label("Praktisch: met je handen aan de slag").check()
    save.click()
    page.get_by_role("textbox").fill("Monteur lijkt me leuk")
    save.click()

    expect(page.get_by_test_id("completed")).to_be_visible()
    result = page.get_by_test_id("result").first
    expect(result).to_contain_text("Jouw uitslag")
    expect(result.locator("li.top")).to_have_count(2)  # middling scores still name two areas
    expect(result.get_by_test_id("fitting-jobs").first.get_by_role("link").first).to_be_visible()
    expect(page.get_by_test_id("xp-bar-exploring")).to_contain_text("+20 XP")
    expect(page.get_by_test_id("next-quest")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / "finish-interest-profile.png"), full_page=True, animations="disabled"
    )
    # The way on from home: the routes as maps of stops.
    page.goto(starter_server.url + "/home")
    expect(page.get_by_test_id("tracks")).to_be_visible()
    expect(page.get_by_test_id("track-first-steps").locator(".stop-next")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / "home-track-map.png"), full_page=True)
