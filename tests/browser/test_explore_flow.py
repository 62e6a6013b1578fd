"""A cleaner explores real work on a small phone (360 × 740) in Chromium: finds her job by
typing it (with a typo), opens it, says it is her work, looks at a job close by, puts it on
her plan, and prints the plan. The sources of the data are named on each page that shows
it, and nothing scrolls sideways."""

import io
import uuid

import pytest
import requests
from playwright.sync_api import expect
from pypdf import PdfReader

from .flows import register
from .test_entry_flow import fits_sideways, phone_page

pytestmark = pytest.mark.browser


def test_a_cleaner_finds_jobs_close_to_hers_and_puts_one_on_her_plan(browser, live_server):
    base = live_server.url
    page = phone_page(browser)
    register(page, base, "Anja", f"anja-{uuid.uuid4().hex[:8]}@example.nl")

    page.goto(base + "/occupations")
    page.get_by_label("Naam van een beroep").fill("schoonmaaker")  # one letter too many
    page.get_by_role("button", name="Zoeken").click()
    results = page.get_by_test_id("occupation-results")
    expect(results).to_contain_text("schoonmaker")
    expect(page.get_by_test_id("occupation-attribution")).to_contain_text("ESCO")
    assert fits_sideways(page)
    results.get_by_role("link", name="schoonmaker gebouwen").click()

    expect(page.get_by_test_id("occupation-name")).to_have_text("schoonmaker gebouwen")
    expect(page.get_by_test_id("job-zone")).to_be_visible()
    expect(page.get_by_test_id("occupation-attribution")).to_contain_text("Nesta")
    page.get_by_test_id("plan-current").click()
    expect(page.locator("p.notice")).to_contain_text("je werk nu")
    near = page.get_by_test_id("near-jobs")
    expect(near.get_by_role("link").first).to_be_visible()
    assert fits_sideways(page)
    page.screenshot(path="test-results/occupation-phone.png", full_page=True)
    near_name = near.get_by_role("link").first.inner_text()
    near.get_by_role("link").first.click()
    expect(page.get_by_test_id("occupation-name")).to_have_text(near_name)
    page.get_by_test_id("plan-looking").click()

    page.goto(base + "/me/plan")
    expect(page.get_by_test_id("current-job")).to_have_text("schoonmaker gebouwen")
    expect(page.get_by_test_id("plan-jobs")).to_contain_text(near_name)
    page.get_by_test_id("plan-goal").fill("Over een jaar werk ik als glazenwasser.")
    page.get_by_role("button", name="Bewaar mijn doel").click()
    expect(page.get_by_test_id("plan-goal")).to_have_value(
        "Over een jaar werk ik als glazenwasser."
    )
    assert fits_sideways(page)
    page.screenshot(path="test-results/plan-phone.png", full_page=True)

    pdf_url = page.get_by_test_id("print-plan").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    response = requests.get(base + pdf_url, cookies=cookies, timeout=30)
    assert response.headers["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Anja" in text and "glazenwasser" in text and "schoonmaker gebouwen" in text
    assert near_name in text
