"""A fund and a worker in Chromium: the fund sets up a challenge with an offer and vouchers, a
worker joins with the code (no account), plays, gets a voucher (copied from their wallet) and
a place, and the fund's dashboard hides everything while few joined, and shows figures once
many did (seeded)."""

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from game_server.db import create_db_engine
from game_server.models import (
    Challenge,
    ChallengeParticipant,
    QuestRun,
    QuestVersion,
    RunStatus,
    User,
    utcnow,
)

from .flows import play_open_to_all
from .log_in import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}
PASSWORD = "het fonds betaalt de cursus"


def _seed_participants(url: str, code: str, sector: str, people: int, active: int) -> None:
    """Many workers joined and played, written straight into the server's database."""
    engine = create_db_engine(url)
    with Session(engine) as session:
        challenge = session.exec(select(Challenge).where(Challenge.join_code == code)).one()
        version = QuestVersion(quest_id="open-to-all", digest=uuid.uuid4().hex, definition="{}")
        session.add(version)
        session.flush()
        now = utcnow()
        for n in range(people):
            user = User(display_name=f"Gast {n}", is_guest=True)
            session.add(user)
            session.flush()
            session.add(
                ChallengeParticipant(
                    challenge_id=challenge.id,
                    user_id=user.id,
                    sector=sector,
                    joined_at=now - timedelta(minutes=5),
                )
            )
            if n < active:
                session.add(
                    QuestRun(
                        user_id=user.id,
                        quest_id="open-to-all",
                        quest_version_id=version.id,
                        status=RunStatus.COMPLETED,
                        started_at=now,
                        completed_at=now,
                    )
                )
        session.commit()
    engine.dispose()


def test_a_fund_runs_a_challenge_a_guest_earns_a_voucher_and_a_place(
    browser, live_server, sqlite_url
):
    base = live_server.url
    created = live_server.flask("orgs", "create", "Fonds Transport", "--kind", "fund")
    assert created.returncode == 0, created.stderr
    live_server.flask(
        "users",
        "create",
        "fonds@example.nl",
        "--role",
        "fund",
        "--org",
        "1",
        input=f"{PASSWORD}\n" * 2,
    )
    fund = browser.new_context().new_page()
    fund.set_default_timeout(10_000)
    log_in(fund, base, "fonds@example.nl", PASSWORD)

    fund.get_by_role("link", name="Fonds").click()
    fund.get_by_role("link", name="Nieuw aanbod").click()
    fund.get_by_label("Een loopbaangesprek").check()
    fund.get_by_label("Titel in het Nederlands", exact=True).fill("Loopbaangesprek")
    fund.get_by_label("Titel in het Engels", exact=True).fill("Career conversation")
    fund.get_by_label("Beschrijving in het Nederlands").fill("Een uur praten met een coach.")
    fund.get_by_label("Beschrijving in het Engels").fill("An hour with a coach.")
    fund.get_by_label("Aantal plekken").fill("5")
    fund.get_by_test_id("save-offer").click()
    expect(fund.get_by_test_id("offers")).to_contain_text("Loopbaangesprek")

    fund.goto(base + "/fund/challenges/new")
    fund.get_by_label("Titel in het Nederlands", exact=True).fill("Zomer van de chauffeur")
    fund.get_by_label("Titel in het Engels", exact=True).fill("Summer of the driver")
    fund.get_by_label("Waar gaat het over? (Nederlands, korte zinnen)").fill(
        "Doe mee. Ontdek wat je wil leren."
    )
    fund.get_by_label("Waar gaat het over? (Engels)").fill("Join. Find out what to learn.")
    fund.get_by_label("Transport en logistiek").check()
    today = utcnow().date()
    fund.get_by_label("Eerste dag").fill(today.isoformat())
    fund.get_by_label("Laatste dag").fill((today + timedelta(days=30)).isoformat())
    fund.get_by_label("Voor iedereen", exact=True).check()  # the quest open-to-all
    fund.get_by_label("Hoeveel?").fill("100")
    fund.get_by_label("Beloning met een tegoedbon: titel in het Nederlands (niet verplicht)").fill(
        "Tegoedbon voor een cursus"
    )
    fund.get_by_label("Codes van de tegoedbonnen, één per regel").fill("BON-111\nBON-222")
    fund.get_by_label("Een plek in een van je aanbiedingen (niet verplicht)").select_option(
        label="Loopbaangesprek"
    )
    fund.get_by_test_id("save-challenge").click()
    code = fund.get_by_test_id("challenge-code").inner_text().strip()
    expect(fund.get_by_test_id("total-participants")).to_have_text("<10")

    worker = browser.new_context(
        viewport=PHONE, permissions=["clipboard-read", "clipboard-write"]
    ).new_page()
    worker.set_default_timeout(10_000)
    worker.goto(f"{base}/c/{code}")
    expect(worker.get_by_role("heading", level=1)).to_have_text("Zomer van de chauffeur")
    worker.get_by_label("Je naam").fill("Ricardo")
    worker.get_by_label("Je sector (mag je overslaan)").select_option("transport")
    worker.get_by_test_id("join-challenge").click()
    expect(worker.get_by_test_id("goal-text")).to_contain_text("1 van de 100 deelnemers")

    play_open_to_all(worker, base)
    worker.goto(f"{base}/challenges")
    worker.get_by_role("link", name="Zomer van de chauffeur").click()
    expect(worker.get_by_test_id("my-progress")).to_contain_text("1 van de 1 quests gedaan")
    worker.get_by_role("button", name="Geef me mijn code").click()
    expect(worker.get_by_test_id("voucher-code")).to_have_text("BON-111")
    worker.get_by_label("De organisator mag mijn naam zien en hoe ze mij kunnen bereiken").check()
    worker.get_by_label("Telefoonnummer of e-mailadres").fill("06-12345678")
    worker.get_by_role("button", name="Meld me aan").click()
    expect(worker.get_by_test_id("signed-up")).to_be_visible()
    worker.screenshot(path="test-results/challenge-worker.png", full_page=True)

    # The voucher is in Ricardo's wallet too: copied with one tap, then marked used. The
    # career conversation he won waits there as well, until he books a time for it.
    worker.get_by_test_id("nav-wallet").click()
    expect(worker.get_by_test_id("wallet-code")).to_have_text("BON-111")
    voucher = worker.get_by_test_id("wallet-item").filter(has_text="BON-111")
    expect(voucher).to_contain_text("Fonds Transport")
    place = worker.get_by_test_id("wallet-item").filter(has_text="Loopbaangesprek")
    expect(place.get_by_test_id("wallet-book")).to_have_text("Kies een tijd")
    worker.get_by_role("button", name="Code kopiëren").click()
    expect(worker.get_by_test_id("copied")).to_have_text("Gekopieerd. Je kunt de code nu plakken.")
    assert worker.evaluate("navigator.clipboard.readText()") == "BON-111"
    voucher.get_by_role("button", name="Ik heb het gebruikt").click()
    expect(worker.get_by_test_id("wallet-used")).to_be_visible()

    # One participant: the fund sees nothing it could trace back to Ricardo.
    fund.reload()
    for key in ("participants", "active", "offers_taken"):
        expect(fund.get_by_test_id(f"total-{key}")).to_have_text("<10")
    fund.get_by_test_id("by-sector").click()
    expect(fund.get_by_test_id("row-transport").locator("td")).to_have_text(["<10"] * 4)

    # Many more joined (seeded): now there are figures, and the small cells stay hidden.
    _seed_participants(sqlite_url, code, "transport", people=40, active=25)
    _seed_participants(sqlite_url, code, "cleaning", people=20, active=0)
    _seed_participants(sqlite_url, code, "care", people=3, active=0)
    fund.reload()
    expect(fund.get_by_test_id("total-participants")).to_have_text("64")
    expect(fund.get_by_test_id("row-transport")).to_contain_text("41")
    expect(fund.get_by_test_id("row-care")).to_contain_text("<10")
    expect(fund.get_by_test_id("row-cleaning")).to_contain_text("<10")  # the complement
    expect(fund.get_by_test_id("chart")).to_be_visible()
    fund.screenshot(path="test-results/challenge-fund.png", full_page=True)

    # The offer's page names only the worker who said yes.
    fund.goto(base + "/offers")
    fund.get_by_role("link", name="Loopbaangesprek").click()
    expect(fund.get_by_test_id("signups")).to_contain_text("Ricardo")
    expect(fund.get_by_test_id("signups")).to_contain_text("06-12345678")
