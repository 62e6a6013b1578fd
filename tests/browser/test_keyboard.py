"""Keyboard only: a whole quest, every solo step type, and a live session on a phone, with
Tab, Shift+Tab, Space, Enter and the arrow keys. No clicks, no .fill(): each control is reached
by Tab, shows where the focus is, and a new step puts the focus on its question."""

import re

import pytest
from playwright.sync_api import Page, expect

from game_server import create_app
from game_server.db import get_engine

from ..conftest import make_settings
from ..factories import make_user, session_cookie
from ..realtime.live_clients import coach_token, new_id, screen, start_session
from ..servers import SECRET_KEY, start_server
from .axe_check import serious_violations
from .log_in import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}
FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(),
    text: (e.labels && e.labels[0] ? e.labels[0].innerText : e.innerText || e.value || "").trim(),
    name: e.getAttribute("name") || "",
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page: Page, matches, *, back: bool = False, limit: int = 40) -> dict:
    """Press Tab (or Shift+Tab) until the focused control `matches`; every stop on the way must
    show a focus indicator."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        if now["tag"] != "body":
            assert now["outline"] or now["shadow"], f"no visible focus on {now}"
        if matches(now):
            return now
    raise AssertionError(f"Tab never reached the control; last focus: {focused(page)}")


def text(wanted: str):
    return lambda now: now["text"] == wanted


def named(name: str):
    return lambda now: now["name"] == name


def expect_focus_on_question(page: Page, prompt: str) -> None:
    """The new step's question has the focus, and axe finds nothing serious on its screen."""
    expect(page.locator("h1.prompt")).to_have_text(prompt)
    expect(page.locator("h1.prompt")).to_be_focused()
    assert serious_violations(page, prompt) == []


@pytest.fixture
def app(tmp_path, sqlite_url):
    """The test process's view of the live server's database (same file, same secret key)."""
    app = create_app(make_settings(tmp_path, sqlite_url, secret_key=SECRET_KEY))
    yield app
    get_engine(app).dispose()


def test_a_worker_plays_a_whole_quest_with_the_keyboard_alone(browser, live_server, app):
    worker = make_user(app, display_name="Noor")
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{**session_cookie(app, worker), "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/quests/every-step")
    tab_to(page, text("Begin met deze quest"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/runs/\d+$"))

    # info: Enter on Verder
    expect_focus_on_question(page, "Welkom.")
    tab_to(page, text("Verder"))
    page.keyboard.press("Enter")
    # choice (checkboxes): Space ticks, Shift+Tab goes back to one passed by
    expect_focus_on_question(page, "Kies twee of drie.")
    tab_to(page, text("Vrijheid"))
    page.keyboard.press("Space")
    tab_to(page, text("Geld"))
    page.keyboard.press("Space")
    tab_to(page, text("Zekerheid"), back=True)
    page.keyboard.press("Space")
    tab_to(page, text("Opslaan en verder"))
    page.keyboard.press("Enter")
    # scale: one radio group per statement; Space picks 1, the arrows move along the scale
    expect_focus_on_question(page, "Hoe goed past dit bij jou?")
    for item, score in (("item-help", 5), ("item-alone", 1), ("item-fix", 2)):
        tab_to(page, named(item))
        page.keyboard.press("Space")
        for _ in range(score - 1):
            page.keyboard.press("ArrowRight")
    tab_to(page, text("Opslaan en verder"))
    page.keyboard.press("Enter")
    # reflection
    expect_focus_on_question(page, "Waarom kies je dit?")
    tab_to(page, named("text"))
    page.keyboard.type("Ik wil zelf mijn dag indelen.")
    tab_to(page, text("Opslaan en verder"))
    page.keyboard.press("Enter")
    # the branch for freedom (a reflection)
    expect_focus_on_question(page, "Wat betekent vrijheid voor jou?")
    tab_to(page, named("text"))
    page.keyboard.type("Zelf kiezen wanneer ik rij.")
    tab_to(page, text("Opslaan en verder"))
    page.keyboard.press("Enter")
    # the branch for a high people score (info)
    expect_focus_on_question(page, "Werk met mensen past bij jou.")
    tab_to(page, text("Verder"))
    page.keyboard.press("Enter")
    # poll played alone: radios, the arrow moves the choice
    expect_focus_on_question(page, "Wat is het belangrijkst?")
    tab_to(page, text("Loon"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Tijd")).to_be_checked()
    tab_to(page, text("Opslaan en verder"))
    page.keyboard.press("Enter")
    # contact
    expect_focus_on_question(page, "Met wie heb je gepraat?")
    tab_to(page, named("who"))
    page.keyboard.type("Mijn planner")
    tab_to(page, named("learned"))
    page.keyboard.type("Er komt een nieuwe route.")
    tab_to(page, text("Opslaan en verder"))
    page.keyboard.press("Enter")
    # action: the date is filled in already
    expect_focus_on_question(page, "Wat ga je doen?")
    tab_to(page, named("text"))
    page.keyboard.type("Vragen naar de cursus.")
    tab_to(page, text("Opslaan en verder"))
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("completed")).to_have_text("Goed gedaan!")
    expect(page.get_by_test_id("xp-bar-reflecting")).to_contain_text("+10 XP")
    context.close()


def test_a_guest_joins_a_live_session_and_answers_with_the_keyboard_alone(browser, live_server):
    token = coach_token(live_server)
    code = start_session(live_server, token)
    host = screen(live_server, token)
    assert host.call("live:host", {"code": code})["ok"]

    page = browser.new_context(viewport=PHONE).new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/join")
    tab_to(page, text("Doe mee"))
    page.keyboard.press("Enter")  # without a code: the error summary takes the focus
    expect(page.get_by_test_id("error-summary")).to_be_focused()
    tab_to(page, named("code"))
    page.keyboard.type(code)
    tab_to(page, named("nickname"))
    page.keyboard.type("Ayla")
    tab_to(page, text("Doe mee"))
    page.keyboard.press("Enter")
    message = page.get_by_test_id("phone-message")
    expect(message).to_have_text("Wacht op de eerste vraag op het grote scherm.")

    prompt = page.get_by_test_id("phone-prompt")
    assert host.call("live:next", {"code": code, "client_id": new_id()})["ok"]
    expect(prompt).to_have_text("Welkom!")
    expect(prompt).to_be_focused()
    # A slide to read: the phone points at the big screen; there is nothing to tab to.
    expect(page.get_by_test_id("phone-look")).to_have_text("Kijk naar het grote scherm.")

    assert host.call("live:next", {"code": code, "client_id": new_id()})["ok"]
    expect(prompt).to_have_text("Wat wil je leren?")
    expect(prompt).to_be_focused()  # not left on the button of the last question
    assert serious_violations(page, "the poll on a phone") == []
    tab_to(page, named("option"))  # into the options: a radio group, the first one
    page.keyboard.press("ArrowDown")  # the arrow keys move the choice, as in any radio group
    expect(page.get_by_label("Plannen")).to_be_checked()
    tab_to(page, text("Verstuur mijn antwoord"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("phone-sent")).to_contain_text("Je antwoord is binnen")
    results = host.wait_for("live:results", lambda data: data["total"] == 1)
    assert results["counts"]["planning"] == 1
    host.close()


CARD_SORT = """\
kind: quest
schema_version: 1
id: card-sort
title: {nl: Kaarten, en: Cards}
summary: {nl: Een test met kaarten., en: A test with cards.}
competencies: {reflecting: 5}
minutes: 5
steps:
  - id: pick
    type: cards
    prompt: {nl: Wat vind jij belangrijk?, en: What matters to you?}
    min: 2
    max: 3
    cards:
      - {id: security, label: {nl: Zekerheid, en: Security}}
      - {id: free-time, label: {nl: Vrije tijd, en: Free time}}
      - {id: learning, label: {nl: Leren, en: Learning}}
      - {id: colleagues, label: {nl: Collega's, en: Colleagues}}
  - id: order
    type: cards
    mode: order
    prompt: {nl: Zet ze op volgorde., en: Put them in order.}
    cards:
      - {id: security, label: {nl: Zekerheid, en: Security}}
      - {id: free-time, label: {nl: Vrije tijd, en: Free time}}
      - {id: learning, label: {nl: Leren, en: Learning}}
      - {id: colleagues, label: {nl: Collega's, en: Colleagues}}
  - id: done
    type: info
    prompt: {nl: Klaar met sorteren., en: Done sorting.}
"""


@pytest.fixture
def cards_server(tmp_path, sqlite_url):
    """A server of its own with a quest of two card sorts (the shared test library stays as
    the other tests know it)."""
    library = tmp_path / "cards-library"
    library.mkdir()
    (library / "card-sort.yaml").write_text(CARD_SORT, encoding="utf-8")
    server = start_server(
        sqlite_url, tmp_path / "cards-instance", migrate=False, quests_path=library
    )
    yield server
    server.stop()


def places(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("select[name^=rank-]")]
             .map((s) => [s.name.slice(5), s.value]))"""
    )


def test_a_worker_sorts_cards_with_the_keyboard_alone(browser, cards_server, app):
    worker = make_user(app, display_name="Noor")
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{**session_cookie(app, worker), "url": cards_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(cards_server.url + "/quests/card-sort")
    tab_to(page, text("Begin met deze quest"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/runs/\d+$"))

    # pick: each card is a checkbox; Space ticks it, Shift+Tab goes back to one passed by
    expect_focus_on_question(page, "Wat vind jij belangrijk?")
    tab_to(page, text("Leren"))
    page.keyboard.press("Space")
    tab_to(page, text("Vrije tijd"), back=True)
    page.keyboard.press("Space")
    expect(page.get_by_label("Leren")).to_be_checked()
    tab_to(page, text("Opslaan en verder"))
    page.keyboard.press("Enter")

    # order: a place (a select) per card, 1 to 4 in the content's order to begin with; a
    # place chosen by typing its number swaps with the card that had it
    expect_focus_on_question(page, "Zet ze op volgorde.")
    assert places(page) == {"security": "1", "free-time": "2", "learning": "3", "colleagues": "4"}
    focus = tab_to(page, named("rank-learning"))
    assert focus["text"] == "Leren"  # the card's label is the select's label
    page.keyboard.type("1")
    expect(page.locator("select[name=rank-security]")).to_have_value("3")
    assert places(page) == {"security": "3", "free-time": "2", "learning": "1", "colleagues": "4"}
    # "Start again" (there with JavaScript) puts every card back
    tab_to(page, text("Opnieuw beginnen"))
    page.keyboard.press("Enter")
    expect(page.locator("select[name=rank-learning]")).to_have_value("3")
    tab_to(page, named("rank-colleagues"), back=True)
    page.keyboard.type("2")
    expect(page.locator("select[name=rank-free-time]")).to_have_value("4")
    tab_to(page, text("Opslaan en verder"))
    page.keyboard.press("Enter")

    # the order was kept: back on the step, the places are the ones saved
    expect_focus_on_question(page, "Klaar met sorteren.")
    tab_to(page, text("Vorige stap"))
    page.keyboard.press("Enter")
    expect_focus_on_question(page, "Zet ze op volgorde.")
    assert places(page) == {"security": "1", "colleagues": "2", "learning": "3", "free-time": "4"}
    tab_to(page, text("Opslaan en verder"))
    page.keyboard.press("Enter")
    expect_focus_on_question(page, "Klaar met sorteren.")
    tab_to(page, text("Verder"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("completed")).to_have_text("Goed gedaan!")
    context.close()


QUIZ = """\
kind: quest
schema_version: 1
id: depot-quiz
title: {nl: De depotquiz, en: The depot quiz}
summary: {nl: Een vraag met de ploeg., en: A question with the crew.}
competencies: {exploring: 10}
minutes: 5
modes: [live]
public: true
steps:
  - id: budget
    type: quiz
    prompt: {nl: Wie betaalt een cursus vaak mee?, en: Who often helps pay for a course?}
    seconds: 60
    options:
      - {id: fund, label: {nl: Het sectorfonds, en: The sector fund}, correct: true}
      - {id: nobody, label: {nl: Niemand, en: Nobody}}
    explain: {nl: Veel sectoren hebben een fonds., en: Many sectors have a fund.}
"""


@pytest.fixture
def quiz_server(tmp_path, sqlite_url):
    library = tmp_path / "quiz-library"
    library.mkdir()
    (library / "depot-quiz.yaml").write_text(QUIZ, encoding="utf-8")
    server = start_server(sqlite_url, tmp_path / "quiz-instance", quests_path=library)
    yield server
    server.stop()


def test_a_quiz_question_on_a_phone_with_the_keyboard_and_its_reveal_on_the_wall(
    browser, quiz_server
):
    """The phone answers by keyboard while the countdown runs; the host (a real projector
    page) shows the answer, the wall marks it with the room's score, the phone says right."""
    server = quiz_server
    server.flask(
        "users",
        "create",
        "quiz-coach@example.nl",
        "--role",
        "coach",
        input="koffie om zeven uur\n" * 2,
    )
    wall = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    wall.set_default_timeout(15_000)
    log_in(wall, server.url, "quiz-coach@example.nl", "koffie om zeven uur")
    wall.goto(server.url + "/live/new")
    wall.get_by_test_id("start-live-depot-quiz").click()
    code = wall.get_by_test_id("join-code").inner_text().strip()

    page = browser.new_context(viewport=PHONE).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/join/{code}")
    tab_to(page, named("nickname"))
    page.keyboard.type("Ayla")
    tab_to(page, text("Doe mee"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("phone-message")).to_have_text(
        "Wacht op de eerste vraag op het grote scherm."
    )
    wall.get_by_role("button", name="Beginnen").click()
    prompt = page.get_by_test_id("phone-prompt")
    expect(prompt).to_have_text("Wie betaalt een cursus vaak mee?")
    expect(prompt).to_be_focused()
    expect(page.locator("[data-countdown]")).to_be_visible()  # the clock runs on the phone
    expect(wall.get_by_test_id("countdown")).to_contain_text("seconden")
    tab_to(page, named("option"))  # the first option of the radio group: the right one
    page.keyboard.press("Space")
    tab_to(page, text("Verstuur mijn antwoord"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("phone-sent")).to_be_visible()
    assert serious_violations(page, "a quiz question on a phone") == []

    wall.get_by_test_id("reveal").click()
    expect(wall.get_by_test_id("room-score")).to_contain_text("Iedereen had het goed!")
    expect(wall.locator(".live-results li.correct")).to_contain_text("Het sectorfonds")
    expect(wall.get_by_test_id("reveal")).to_be_hidden()  # shown once
    expect(page.get_by_test_id("phone-reveal")).to_contain_text("Goed zo!")
    expect(page.get_by_test_id("phone-reveal")).to_contain_text("Veel sectoren hebben een fonds.")
    wall.screenshot(path="test-results/live-projector-quiz.png")
    page.screenshot(path="test-results/live-phone-quiz.png")
    assert serious_violations(wall, "the quiz's reveal on the wall") == []
