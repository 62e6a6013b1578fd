"""Jobs in a live session, in Chromium: a coach runs "My job in five years" on a 1280 × 720
projector; two phones (360 px) pick real jobs, one from the suggestions and one by searching;
the wall shows which jobs the room would like, with the data's sources, and fits the screen."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ..servers import start_server
from .log_in import log_in
from .test_entry_flow import fits_sideways, phone_page
from .test_live_flow import PASSWORD, PROJECTOR, _fits_the_screen

pytestmark = pytest.mark.browser

QUESTS = Path(__file__).resolve().parents[2] / "quests"


@pytest.fixture
def starter_server(tmp_path, sqlite_url):
    server = start_server(sqlite_url, tmp_path / "instance", quests_path=QUESTS)
    yield server
    server.stop()


def test_the_room_picks_jobs_on_phones_and_the_wall_shows_them(browser, starter_server):
    base = starter_server.url
    starter_server.flask(
        "users", "create", "coach@example.nl", "--role", "coach", input=f"{PASSWORD}\n" * 2
    )
    host = browser.new_context(viewport=PROJECTOR).new_page()
    host.set_default_timeout(15_000)
    log_in(host, base, "coach@example.nl", PASSWORD)
    host.goto(base + "/live/new")
    host.get_by_test_id("start-live-my-job-in-five-years").click()
    expect(host).to_have_url(re.compile(r"/live/[A-Z0-9]{6}/host$"))
    code = host.get_by_test_id("join-code").inner_text().strip()
    phones = []
    for name in ("Ayla", "Bram"):
        phone = phone_page(browser)
        phone.goto(f"{base}/join/{code}")
        phone.get_by_label("Je naam in deze sessie").fill(name)
        phone.get_by_role("button", name="Doe mee").click()
        expect(phone.get_by_test_id("phone-message")).to_be_visible()
        phones.append(phone)
    ayla, bram = phones
    expect(host.get_by_test_id("participant-count")).to_have_text("2 mensen doen mee")
    host.get_by_role("button", name="Beginnen").click()
    for number in range(2, 6):  # the fifth question of six (in a room, no `when` steps)
        expect(host.get_by_test_id("host-attribution")).to_be_hidden()
        host.get_by_role("button", name="Volgende vraag").click()
        expect(host.get_by_test_id("step-counter")).to_have_text(f"Vraag {number} van 6")
    question = "Welk werk wil je over vijf jaar doen?"
    expect(host.get_by_test_id("host-prompt")).to_have_text(question)
    expect(host.get_by_test_id("host-attribution")).to_contain_text("ESCO")

    expect(ayla.get_by_test_id("phone-prompt")).to_have_text(question)
    ayla.get_by_label("buschauffeur").check()
    ayla.get_by_label("monteur zonnepanelen").check()
    ayla.get_by_role("button", name=re.compile("Verstuur")).first.click()
    expect(ayla.get_by_test_id("phone-sent")).to_be_visible()

    search = bram.get_by_label("Een andere baan? Typ de naam")
    search.fill("glazenwaser")  # a typo: the list still finds the window cleaner
    found = bram.get_by_label("glazenwasser", exact=True)
    expect(found).to_be_visible()
    found.check()
    expect(bram.get_by_text("Beroepen uit ESCO © Europese Unie.")).to_be_visible()
    assert fits_sideways(bram)
    bram.screenshot(path="test-results/live-phone-jobs.png", full_page=True)
    bram.get_by_role("button", name=re.compile("Verstuur")).first.click()
    expect(bram.get_by_test_id("phone-sent")).to_be_visible()

    expect(host.get_by_test_id("answer-count")).to_have_text("2 antwoorden")
    words = host.get_by_test_id("words")
    for job in ("buschauffeur", "monteur zonnepanelen", "glazenwasser"):
        expect(words).to_contain_text(job)
    expect(words).not_to_contain_text("Ayla")
    host.screenshot(path="test-results/live-projector-jobs.png")
    _fits_the_screen(host, "host-prompt", "words", "host-attribution", "next")
