"""Every page type, for every role, in Dutch and in English, in Chromium on a small phone
(360 × 740): axe-core finds no serious or critical problem, nothing scrolls sideways, and each
page says its language, has a title, one visible main heading and a way past the header.

The list of page types comes from the role matrix (tests/test_access.py EXPECTED): a new GET
page without a visit here fails `test_every_page_type_is_audited` until it gets one (one line
in `visits`) or a reason in NOT_PAGES.
"""

import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from game_server import create_app
from game_server.db import get_engine, session_scope
from game_server.models import User

from ..access_matrix import EXPECTED
from ..conftest import make_settings
from ..factories import session_cookie
from ..servers import SECRET_KEY, start_server
from .a11y_world import ROLES, World, seed
from .axe_check import serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}

# GET routes that are not pages a person reads, and why.
CLEANER = "303a1e34-cb16-4054-b323-81e5eec17397"  # schoonmaker gebouwen: a job close to others
NOT_PAGES = {
    "/static/<path:filename>": "stylesheets, scripts and images",
    "/healthz": "a health check for the load balancer (JSON)",
    "/.well-known/jwks.json": "the issuer's keys (JSON)",
    "/badges/<badge_id>/image.svg": "a badge image, shown (with alt text) on the badge page",
    "/live/<code>/qr.svg": "the QR code image, shown (with alt text) on the host screen",
    "/groups/<int:group_id>/live": "an HTML fragment that group.js swaps into the group page",
    "/me/plan.pdf": "the plan as a PDF (its text is checked in tests/pages/test_plan_pages.py)",
    "/me/appointments/<int:booking_id>.ics": "a calendar invite (see test_booking_pages.py)",
    "/coach/slots/<int:slot_id>.ics": "a calendar invite (tests/services/test_bookings.py)",
}

# Pages without ids that send some roles elsewhere by design (where they land is audited
# in its own right).
REDIRECTS = {
    "/login": {"guest", "worker", "coach", "fund", "admin", "editor"},
    "/register": {"worker", "coach", "fund", "admin", "editor"},
    "/guest": {"guest", "worker", "coach", "fund", "admin", "editor"},
    "/": {"guest", "worker", "coach", "fund", "admin", "editor"},
    # Each role starts on its own page: a coach's clients, a fund's challenges, an editor's
    # content preview.
    "/home": {"coach", "fund", "editor"},
    # The code step exists only within a half-done login, and setting up is for those who
    # have not: both are audited where a person meets them, in test_two_factor_flow.py.
    "/login/code": {"anonymous", "guest", "worker", "coach", "fund", "admin", "editor"},
    "/account/two-factor/setup": {"coach", "fund", "admin"},
}


# The innermost element that sticks out on the right: what to fix when a page is too wide.
WIDEST = r"""() => {
  const out = [...document.querySelectorAll("body *")].filter(
    (e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest("[hidden]"));
  const inner = out.filter((e) => !out.some((o) => o !== e && e.contains(o)));
  const e = inner[0];
  if (!e) return "?";
  const text = e.textContent.trim().replace(/\s+/g, " ").slice(0, 40);
  return `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}: ${text}`;
}"""


@dataclass(frozen=True)
class Visit:
    role: str
    rule: str
    path: str
    status: int = 200
    may_redirect: bool = False


def page_rules() -> set[str]:
    return {
        rule
        for method, rule in EXPECTED
        if method == "GET" and not rule.startswith("/api/") and rule not in NOT_PAGES
    }


def visits(ids) -> list[Visit]:
    """Each page type, by the roles that have something to see there, with their own ids."""
    found = [
        Visit(role, rule, rule, may_redirect=role in REDIRECTS.get(rule, ()))
        for rule in sorted(page_rules())
        if "<" not in rule
        for role in ROLES
        if role in EXPECTED[("GET", rule)]
    ]

    def add(roles: str, rule: str, query: str = "", status: int = 200, **params) -> None:
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(params[m.group(1)]), rule)
        found.extend(Visit(role, rule, path + query, status) for role in roles.split())

    add("anonymous worker", "/quests/<quest_id>", quest_id=ids["quest"])
    add("worker", "/quests/<quest_id>", quest_id="no-such-quest", status=404)  # error page
    add("worker", "/runs/<int:run_id>", run_id=ids["active_run"])
    add("worker", "/runs/<int:run_id>", run_id=ids["done_run"])
    add("guest", "/runs/<int:run_id>", run_id=ids["guest_run"])
    add("anonymous worker", "/badges/<award_id>", award_id=ids["award"])
    add("worker guest", "/groups/<int:group_id>", group_id=ids["group"])
    add("worker", "/groups/<int:group_id>/leave", group_id=ids["group"])
    add("coach", "/groups/join/<code>", code=ids["group_code"])
    add("worker", "/groups/<int:group_id>/runs/<int:run_id>", group_id=ids["group"],
        run_id=ids["group_run"])  # fmt: skip
    for state in ("live_lobby", "live_step", "live_ended"):
        add("coach", "/live/<code>/host", code=ids[state])
        add("worker guest", "/live/<code>", code=ids[state])
    add("anonymous", "/join/<code>", code=ids["live_lobby"])
    add("coach", "/live/<code>/follow-ups", code=ids["live_ended"])
    add("worker", "/live/<code>/offers", code=ids["live_ended"])
    add("worker", "/checkins/<int:answer_id>", answer_id=ids["plan"])
    add("anonymous guest", "/c/<code>", code=ids["challenge_code"])
    add("worker", "/challenges/<int:challenge_id>", challenge_id=ids["challenge"])
    add("fund", "/fund/challenges/<int:challenge_id>", challenge_id=ids["challenge"])
    add("fund", "/fund/challenges/<int:challenge_id>", "?by=sector", challenge_id=ids["challenge"])
    add("fund", "/offers/<int:offer_id>/signups", offer_id=ids["offer"])
    add("editor", "/editor/quests/<quest_id>", quest_id="open-to-all")  # some figures shown
    add("admin", "/editor/quests/<quest_id>", quest_id=ids["quest"])
    add("worker", "/coaches/join/<code>", code=ids["coach_invite"])
    add("worker", "/coaches/<int:link_id>/answers", link_id=ids["link"])
    add("coach", "/coach/clients/<int:worker_id>", worker_id=ids["worker_id"])
    add("coach", "/coach/clients/<int:worker_id>/plan", worker_id=ids["worker_id"])
    add("anonymous worker", "/occupations/<occupation_id>", occupation_id=CLEANER)
    add("anonymous", "/occupations/sectors/<code>", code=ids["sector"])
    add("anonymous", "/password/reset/<token>", token=ids["reset_token"])
    add("anonymous", "/password/reset/<token>", token="spent-or-made-up", status=410)
    add("anonymous", "/unsubscribe/<token>", token=ids["unsubscribe"])
    add("worker", "/me/appointments/<int:booking_id>", booking_id=ids["booking"])
    add("worker", "/me/appointments/<int:booking_id>", booking_id=ids["cancelled_booking"])
    # The content preview of a library file (a draft's pages are POSTs: test_preview_flow.py).
    add("editor admin", "/editor/preview/files/<path:name>", name="every-step.yaml")
    add("editor", "/editor/preview/files/<path:name>", name="badges/first-quest.yaml")
    return found


def test_every_page_type_is_audited():
    visited = {visit.rule for visit in visits(defaultdict(lambda: 1))}
    missing = page_rules() - visited
    assert missing == set(), f"add a visit (or a reason in NOT_PAGES) for: {sorted(missing)}"


@pytest.fixture(scope="module")
def site(tmp_path_factory, sqlite_template):
    """The seeded world on a real server; the in-process app stays to change user settings."""
    instance = tmp_path_factory.mktemp("a11y")
    database = instance / "game.db"
    shutil.copy(sqlite_template, database)
    url = f"sqlite:///{database}"
    app = create_app(make_settings(instance, url, secret_key=SECRET_KEY))
    app.config["TESTING"] = True
    world = seed(app)
    server = start_server(url, instance / "server", migrate=False)
    yield app, world, server
    server.stop()
    get_engine(app).dispose()


def use_locale(app, context, world: World, role: str, base: str, locale: str) -> None:
    """The language a signed-in person chose is theirs; a visitor's is a cookie."""
    if role == "anonymous":
        context.add_cookies([{"name": "lang", "value": locale, "url": base}])
        return
    with session_scope(app) as session:
        session.get(User, world.users[role].id).locale = locale


def wait_until_ready(page: Page) -> None:
    """Scripts have run, and a page with a socket has heard back from the server."""
    page.wait_for_load_state("load")
    if page.locator("script[src*='socket.io']").count():
        page.wait_for_selector("html[data-socket=ready]", state="attached")


def audit(page: Page, base: str, visit: Visit, locale: str) -> list[str]:
    where = f"{visit.role} {locale} {visit.path}"
    response = page.goto(base + visit.path)
    if urlsplit(page.url).path != urlsplit(visit.path).path:
        return [] if visit.may_redirect else [f"{where}: sent on to {page.url}"]
    if response.status != visit.status:
        return [f"{where}: status {response.status}"]
    wait_until_ready(page)
    problems = []
    if page.locator("html").get_attribute("lang") != locale:
        problems.append(f"{where}: <html lang> is not {locale}")
    if not page.title().strip():
        problems.append(f"{where}: no <title>")
    headings = page.locator("h1:visible").count()
    if headings != 1:
        problems.append(f"{where}: {headings} visible <h1> instead of one")
    if not page.locator("main, [role=main]").count() and not page.locator(".skip-link").count():
        problems.append(f"{where}: neither a <main> landmark nor a skip link")
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > page.viewport_size["width"]:
        culprit = page.evaluate(WIDEST)
        problems.append(f"{where}: {wide} px wide, scrolls sideways at 360 px ({culprit})")
    question = page.locator("form h1.prompt:visible")
    if question.count() and not question.evaluate("h => h === document.activeElement"):
        problems.append(f"{where}: the step's question does not have the focus")
    problems += serious_violations(page, where)
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_passes_axe_in_dutch_and_english(browser, site, role):
    app, world, server = site
    context = browser.new_context(viewport=PHONE)
    if role != "anonymous":
        context.add_cookies([{**session_cookie(app, world.users[role]), "url": server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    mine = [visit for visit in visits(world.ids) if visit.role == role]
    for locale in ("nl", "en"):
        use_locale(app, context, world, role, server.url, locale)
        for visit in mine:
            problems += audit(page, server.url, visit, locale)
    context.close()
    assert problems == [], "\n".join(problems)
