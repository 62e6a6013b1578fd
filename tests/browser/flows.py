"""What several browser tests do on the way to what they test: register, play a quest."""

import re

from playwright.sync_api import Page, expect

PASSWORD = "de eerste rit begint om vijf uur"


def register(page: Page, base: str, name: str, email: str) -> None:
    page.goto(base + "/register")
    page.get_by_label("Je naam").fill(name)
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Account maken").click()
    expect(page).to_have_url(re.compile(r"/home$"))


def play_open_to_all(page: Page, base: str) -> None:
    page.goto(base + "/quests/open-to-all")
    page.get_by_role("button", name="Begin met deze quest").click()
    page.get_by_label("Collega's").check()
    page.get_by_role("button", name="Opslaan en verder").click()
    page.locator("textarea[name=text]").fill("Mijn ploegleider weet veel van opleidingen.")
    page.get_by_role("button", name="Opslaan en verder").click()


# Resolves once the image has loaded (true when it has pixels) or failed (false): an image
# can be visible before its bytes have arrived, on a busy machine.
_IMAGE_LOADED = """img => img.complete ? img.naturalWidth > 0 : new Promise(resolve => {
    img.addEventListener("load", () => resolve(img.naturalWidth > 0), {once: true});
    img.addEventListener("error", () => resolve(false), {once: true});
})"""


def image_loaded(image) -> bool:
    """Whether the <img> located by `image` loads and has pixels (it waits for the load)."""
    return image.evaluate(_IMAGE_LOADED)
