"""Security headers on every page, role by role, and pages the CSP would break.

The CSP forbids inline scripts, event-handler attributes and style attributes; a page that
used one would silently lose it in the browser, so the rendered HTML is scanned for them.
"""

import re

import pytest

from .access_matrix import EVERYONE, concrete_path, routes
from .factories import Personas

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def _problems(kind: str, path: str, response, production: bool) -> list[str]:
    headers, found = response.headers, []
    csp = headers.get("Content-Security-Policy", "")
    script_src = next((p for p in csp.split(";") if p.strip().startswith("script-src")), "")
    if not script_src or "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        found.append("script-src missing or unsafe")
    if "frame-ancestors 'none'" not in csp:
        found.append("no frame-ancestors 'none'")
    if headers.get("X-Content-Type-Options") != "nosniff":
        found.append("no nosniff")
    if headers.get("Referrer-Policy") not in {"same-origin", "no-referrer", "strict-origin"}:
        found.append("no Referrer-Policy")
    if ("Strict-Transport-Security" in headers) != production:
        found.append("HSTS only in production")
    personal = kind != "anonymous" or path.startswith("/api/v1/me")
    if path.startswith("/static/"):
        personal = False
    if personal and "no-store" not in headers.get("Cache-Control", ""):
        found.append("no Cache-Control: no-store")
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        for name, pattern in [
            ("inline <script>", INLINE_SCRIPT),
            ("on*= handler", EVENT_HANDLER),
            ("style= attribute", STYLE_ATTRIBUTE),
        ]:
            if pattern.search(html):
                found.append(name)
    return [f"{kind} GET {path}: {problem}" for problem in found]


@pytest.mark.parametrize("kind", sorted(EVERYONE))
def test_every_page_carries_the_security_headers(sqlite_app, kind):
    personas = Personas(sqlite_app)
    wrong = []
    for method, rule in routes(sqlite_app):
        if method != "GET":
            continue
        path = concrete_path(rule)
        if path.startswith("/api/"):
            client = sqlite_app.test_client()
            response = client.get(path, headers=personas.headers(kind))
        else:
            response = personas.cookie_client(kind).get(path)
        wrong += _problems(kind, path, response, production=False)
    assert wrong == []


def test_production_adds_hsts_and_public_files_may_be_cached(app_factory):
    client = app_factory(env="production").test_client()
    page = client.get("/login")
    assert _problems("anonymous", "/login", page, production=True) == []
    static = client.get("/static/css/site.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/quests").headers.get("Cache-Control", "")


def test_the_scanners_see_what_they_look_for():
    """The patterns themselves: a scanner that never matches would pass every page."""
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="t">{}</script>')
    assert EVENT_HANDLER.search('<button onclick="go()">')
    assert STYLE_ATTRIBUTE.search('<p style="color: red">')
    assert not STYLE_ATTRIBUTE.search('<p class="styled">')


def test_no_template_carries_what_the_csp_would_block():
    """Pages walked above mostly show no data (ids that do not exist); every template is read
    here too, so a branch only real data reaches cannot hide an inline script or style."""
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "web" / "templates"
    wrong = []
    for template in sorted(templates.rglob("*.html")):
        text = template.read_text()
        if template.parent.name == "mail":
            # Mail is not a page: mail programs drop <style> blocks and know no CSP, so its
            # look is inline; it may still never carry script.
            assert not (INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text)), template
            continue
        for name, pattern in [
            ("inline <script>", INLINE_SCRIPT),
            ("on*= handler", EVENT_HANDLER),
            ("style= attribute", STYLE_ATTRIBUTE),
        ]:
            if pattern.search(text):
                wrong.append(f"{template.name}: {name}")
    assert wrong == []
