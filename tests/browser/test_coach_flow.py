"""A coach and a worker in Chromium: consent, an assignment arriving live, a shared answer,
feedback, and the worker seeing who read what."""

import re

import pytest
from playwright.sync_api import expect

from .flows import play_open_to_all, register
from .log_in import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}
PASSWORD = "koffie in de kantine om zeven"


def test_a_coach_invites_assigns_reads_a_shared_answer_and_gives_feedback(browser, live_server):
    base = live_server.url
    live_server.flask(
        "users", "create", "yara@example.nl", "--role", "coach", input=f"{PASSWORD}\n" * 2
    )
    coach = browser.new_context().new_page()
    worker = browser.new_context(viewport=PHONE).new_page()
    for page in (coach, worker):
        page.set_default_timeout(10_000)
    log_in(coach, base, "yara@example.nl", PASSWORD)
    coach.goto(base + "/coach")
    coach.get_by_test_id("new-invite").click()
    code = coach.get_by_test_id("invite-code").inner_text().strip()

    register(worker, base, "Wessel", "wessel@example.nl")
    worker.goto(f"{base}/coaches/join/{code}")
    worker.get_by_label("Mijn voortgang, en antwoorden die ik zelf met deze coach deel").check()
    worker.get_by_role("button", name="Ja, koppel met deze coach").click()
    expect(worker.get_by_test_id("coach-links")).to_contain_text("yara")
    worker.goto(base + "/home")  # the worker waits on the home page, connected

    coach.goto(base + "/coach")
    coach.get_by_role("link", name="Wessel").click()
    coach.get_by_label("Quest", exact=True).select_option("open-to-all")
    coach.get_by_label("Bericht (niet verplicht)").fill("Doe deze eens")
    coach.get_by_test_id("assign").click()
    expect(coach.get_by_test_id("assigned")).to_contain_text("nog doen")
    # It arrives live on the worker's open home page, as a toast.
    expect(worker.get_by_test_id("toasts")).to_contain_text("Nieuw van")

    play_open_to_all(worker, base)
    worker.goto(base + "/coaches")
    worker.get_by_role("link", name=re.compile("Kies antwoorden om te delen")).click()
    worker.get_by_role("button", name=re.compile("Delen met")).click()
    expect(worker.get_by_text("Je coach kan dit antwoord nu lezen.")).to_be_visible()

    coach.reload()
    expect(coach.get_by_test_id("assigned")).to_contain_text("klaar")
    expect(coach.get_by_text("Mijn ploegleider weet veel van opleidingen.")).to_be_visible()
    coach.get_by_label("Jouw feedback").fill("Goed idee. Vraag het haar deze week.")
    coach.get_by_role("button", name="Feedback versturen").click()
    expect(coach.get_by_text("Je feedback is verstuurd.")).to_be_visible()

    expect(worker.get_by_test_id("toasts")).to_contain_text("feedback", ignore_case=True)
    worker.goto(base + "/coaches")
    expect(worker.locator("#feedback")).to_contain_text("Goed idee. Vraag het haar deze week.")
    expect(worker.get_by_test_id("audit")).to_contain_text("yara")
    worker.screenshot(path="test-results/coach-flow-worker.png", full_page=True)

    # Withdrawing takes effect at once, also on the coach's open page of this worker.
    expect(coach.get_by_test_id("client-name")).to_have_text("Wessel")
    worker.get_by_role("button", name="Stop: yara ziet niets meer").click()
    expect(coach).to_have_url(re.compile(r"/coach$"))
    expect(coach.locator("main")).not_to_contain_text("Wessel")
