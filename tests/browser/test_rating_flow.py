"""On a 360 px phone: every step can be read aloud by the browser's own speech (in the page's
language, the question and its options; nothing leaves the phone), the button is not there
where the browser cannot speak, and the finish screen asks "Was dit nuttig?". An editor then
reads the quest's figures on the same small screen."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from game_server import create_app
from game_server.db import get_engine
from game_server.models import Role

from ..conftest import make_settings
from ..factories import make_user, session_cookie
from ..servers import SECRET_KEY, start_server

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/h") if Path("/tmp/h").is_dir() else None

# The browser's speech, replaced by a recorder: what would be said, and in which language.
RECORD_SPEECH = """
window.__said = [];
Object.defineProperty(window, "speechSynthesis", {
  configurable: true,
  value: {
    speaking: false,
    speak(utterance) { window.__said.push({ text: utterance.text, lang: utterance.lang }); },
    cancel() {},
  },
});
"""
NO_SPEECH = 'Object.defineProperty(window, "speechSynthesis", { value: undefined });'


@pytest.fixture
def app(tmp_path, sqlite_url):
    """The test process's view of the server's database (same file, same secret key)."""
    app = create_app(make_settings(tmp_path, sqlite_url, secret_key=SECRET_KEY))
    yield app
    get_engine(app).dispose()


@pytest.fixture
def server(tmp_path, sqlite_url):
    server = start_server(sqlite_url, tmp_path / "server-instance", migrate=False)
    yield server
    server.stop()


def _phone(browser, app, server, user, script):
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(script)
    context.add_cookies([{**session_cookie(app, user), "url": server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_read_aloud_and_was_this_useful_at_the_end_of_a_quest(browser, app, server):
    worker = make_user(app, display_name="Noor")
    page = _phone(browser, app, server, worker, RECORD_SPEECH)
    page.goto(server.url + "/quests/open-to-all")
    page.get_by_role("button", name="Begin met deze quest").click()
    expect(page).to_have_url(re.compile(r"/runs/\d+$"))

    page.get_by_role("button", name="Lees voor").click()
    said = page.evaluate("window.__said")
    assert len(said) == 1 and said[0]["lang"] == "nl-NL"
    for words in ("Met wie praat je het meest?", "Collega's", "Familie"):
        assert words in said[0]["text"]
    page.get_by_label("Familie").check()
    page.get_by_role("button", name="Opslaan en verder").click()
    page.locator("textarea[name=text]").fill("Mijn zus kent veel mensen.")
    page.get_by_role("button", name="Opslaan en verder").click()

    expect(page.get_by_test_id("completed")).to_be_visible()
    rating = page.get_by_test_id("rating")
    expect(rating.get_by_role("heading", name="Was dit nuttig?")).to_be_visible()
    rating.get_by_label("Nuttig", exact=True).check()
    rating.get_by_label("Wil je nog iets zeggen?").fill("Kort en duidelijk.")
    rating.get_by_role("button", name="Verstuur mijn antwoord").click()
    expect(page.get_by_text("Dank je! Zo maken we de quests beter.")).to_be_visible()
    expect(page.get_by_test_id("rating-given")).to_contain_text("Jouw antwoord: Nuttig.")
    expect(rating.get_by_label("Nuttig", exact=True)).to_be_checked()
    _no_sideways_scroll(page)
    if SHOTS:
        page.screenshot(path=str(SHOTS / "rating-360.png"), full_page=True)

    # Where the browser cannot speak, there is no button to tap.
    mute = _phone(browser, app, server, worker, NO_SPEECH)
    mute.goto(server.url + "/quests/open-to-all")
    mute.get_by_role("button", name="Begin met deze quest").click()
    expect(mute.get_by_test_id("step-who")).to_be_visible()
    expect(mute.locator("[data-read-aloud]")).to_be_hidden()

    # In English, the voice is English too.
    english = make_user(app, display_name="Sam")
    page = _phone(browser, app, server, english, RECORD_SPEECH)
    page.goto(server.url + "/quests/open-to-all")
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Start this quest").click()
    page.get_by_role("button", name="Read aloud").click()
    (said,) = page.evaluate("window.__said")
    assert said["lang"] == "en-GB" and "Who do you talk to most?" in said["text"]


def test_an_editor_reads_the_figures_on_a_phone(browser, app, server):
    editor = make_user(app, Role.EDITOR, display_name="Redactie")
    page = _phone(browser, app, server, editor, "")
    page.goto(server.url + "/home")
    page.get_by_test_id("nav-editor").click()
    expect(page.get_by_role("heading", name="Hoe de quests gespeeld worden")).to_be_visible()
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Voor iedereen").click()
    expect(page.get_by_test_id("step-who")).to_contain_text("Met wie praat je het meest?")
    expect(page.get_by_test_id("players")).to_have_text("<10")
    _no_sideways_scroll(page)
    steps = page.get_by_test_id("steps")  # the table fits: no scrolling inside it either
    assert steps.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    if SHOTS:
        page.screenshot(path=str(SHOTS / "editor-quest-360.png"), full_page=True)
