"""A content editor in Chromium on a small phone: pastes a broken draft, reads its problems
with their line numbers, fixes it, and plays it to the end; nothing lands in the database."""

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from .axe_check import serious_violations
from .log_in import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PASSWORD = "de redactie leest alles twee keer"
SHOTS = Path(os.environ.get("PREVIEW_SHOTS", "/tmp/preview-flow"))
DRAFT = """\
kind: quest
schema_version: 1
id: first-day
title: {nl: Je eerste dag, en: Your first day}
summary: {nl: Terugdenken aan je eerste werkdag., en: Thinking back to your first day.}
competencies: {reflecting: 5}
minutes: 5
steps:
  - id: hello
    type: info
    prompt: {nl: Denk terug aan je eerste werkdag., en: Think back to your first day at work.}
  - id: feeling
    type: choice
    prompt: {nl: Hoe voelde die dag?, en: How did that day feel?}
    options:
      - {id: exciting, label: {nl: Spannend, en: Exciting}}
      - {id: calm, label: {nl: Rustig, en: Calm}}
  - id: learned
    type: reflection
    prompt: {nl: Wat heb je die dag geleerd?, en: What did you learn that day?}
    min_words: 2
"""
BROKEN = DRAFT.replace("minutes: 5", "minutes: 55").replace("min_words: 2", "min_words: -1")


def check_phone_page(page: Page, name: str) -> list[str]:
    """Save a screenshot, and say what is wrong: sideways scrolling, serious axe problems."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    problems = serious_violations(page, name)
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > PHONE["width"]:
        problems.append(f"{name}: {wide} px wide, scrolls sideways at 360 px")
    return problems


def test_an_editor_fixes_a_broken_draft_and_plays_it_to_the_end(browser, live_server, sqlite_url):
    base = live_server.url
    live_server.flask(
        "users", "create", "redactie@example.nl", "--role", "editor", input=f"{PASSWORD}\n" * 2
    )
    page = browser.new_context(viewport=PHONE).new_page()
    page.set_default_timeout(10_000)
    log_in(page, base, "redactie@example.nl", PASSWORD)
    expect(page).to_have_url(base + "/editor/preview")  # an editor starts at the preview
    problems = check_phone_page(page, "1-index")

    page.get_by_label("Plak de tekst van een questbestand").fill(BROKEN)
    page.get_by_role("button", name="Ontwerp controleren").click()
    found = page.get_by_test_id("problem")
    expect(found).to_have_count(2)
    expect(found.nth(0)).to_contain_text("draft.yaml:7:10")
    expect(found.nth(0)).to_contain_text("a quest takes 5 to 20 minutes")
    expect(found.nth(0).locator(".problem-line")).to_have_text("7 minutes: 55")
    expect(found.nth(1)).to_contain_text("draft.yaml:21:16")
    expect(page.get_by_role("button", name="Speel deze quest")).to_have_count(0)
    problems += check_phone_page(page, "2-broken-draft")

    page.get_by_label("Het ontwerp").fill(DRAFT)
    page.get_by_role("button", name="Opnieuw controleren").click()
    expect(page.get_by_test_id("no-problems")).to_have_text(
        "✓ draft.yaml: geen problemen gevonden."
    )
    problems += check_phone_page(page, "3-fixed-draft")
    page.get_by_role("button", name="Speel deze quest").click()

    expect(page.get_by_role("heading", name="Denk terug aan je eerste werkdag.")).to_be_visible()
    expect(page.get_by_test_id("preview-note")).to_be_visible()
    problems += check_phone_page(page, "4-first-step")
    page.get_by_role("button", name="Verder", exact=True).click()
    page.get_by_role("button", name="Opslaan en verder").click()  # nothing chosen yet
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    page.get_by_label("Spannend").check()
    problems += check_phone_page(page, "5-choice")
    page.get_by_role("button", name="Opslaan en verder").click()
    page.locator("textarea[name=text]").fill("Waar de koffie staat.")
    problems += check_phone_page(page, "6-reflection")
    page.get_by_role("button", name="Opslaan en verder").click()

    expect(page.get_by_test_id("completed")).to_have_text("Goed gedaan!")
    expect(page.get_by_text("+5 XP")).to_be_visible()
    problems += check_phone_page(page, "7-finished")
    assert problems == [], "\n".join(problems)

    engine = sa.create_engine(sqlite_url)
    with engine.connect() as connection:
        for table in (
            "quest_runs",
            "answers",
            "xp_awards",
            "badge_awards",
            "quest_versions",
            "xapi_outbox",
        ):
            rows = connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()  # noqa: S608
            assert rows == 0, table
    engine.dispose()
