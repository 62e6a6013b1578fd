"""The Dutch catalog: complete, compiled, in step with the source, and used by the pages.

The msgids are the English texts, so English needs no catalog. Dutch is the default.
After adding or changing a `_("...")` text, run `make translations`, translate the new
entries in the nl messages.po, and run `make translations` again to compile.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "game_server" / "translations"
POT = TRANSLATIONS / "messages.pot"
NL_PO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po"
NL_MO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.mo"
SOURCE_DIRS = ("game_server/", "web/templates/")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
FIX = "Run `make translations`, translate the new entries in {po}, then run it again."


def _read_po(path: Path):
    with path.open("rb") as f:
        return read_po(f, locale="nl" if path.suffix == ".po" else None)


def _forms(value) -> tuple[str, ...]:
    """A message's text(s): plural entries have one per form."""
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _messages(catalog) -> dict:
    """msgid -> msgstr for every real entry (not the header); plural entries as tuples."""
    return {_forms(m.id): _forms(m.string) for m in catalog if m.id}


@pytest.fixture(scope="module")
def nl_catalog():
    return _read_po(NL_PO)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """What `make translations` would extract from the source right now."""
    target = tmp_path_factory.mktemp("i18n") / "messages.pot"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(target),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr}"
    return _read_po(target)


def test_every_dutch_entry_is_translated_and_not_fuzzy(nl_catalog):
    entries = [m for m in nl_catalog if m.id]
    assert entries, f"{NL_PO} has no messages"
    untranslated = [m.id for m in entries if not all(s.strip() for s in _forms(m.string))]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert not untranslated, f"Untranslated in {NL_PO.name}: {untranslated}"
    assert not fuzzy, f"Fuzzy (check and remove the flag) in {NL_PO.name}: {fuzzy}"


def test_dutch_keeps_every_placeholder(nl_catalog):
    wrong = {
        _forms(m.id): m.string
        for m in nl_catalog
        if m.id
        and any(
            sorted(PLACEHOLDER.findall(_forms(m.id)[-1])) != sorted(PLACEHOLDER.findall(form))
            for form in _forms(m.string)
        )
    }
    assert not wrong, f"Placeholders like %(name)s must stay exactly the same: {wrong}"


def test_compiled_mo_matches_the_po(nl_catalog):
    with NL_MO.open("rb") as f:
        compiled = _messages(read_mo(f))
    expected = _messages(nl_catalog)
    assert compiled == expected, (
        f"{NL_MO.name} is out of date with {NL_PO.name}. "
        "Run `pybabel compile -d game_server/translations` (or `make translations`)."
    )


def test_extraction_reads_only_our_code_and_templates(extracted):
    outside = sorted(
        {
            filename
            for message in extracted
            for filename, _line in message.locations
            if not filename.startswith(SOURCE_DIRS)
        }
    )
    assert not outside, f"babel.cfg also scans files outside {SOURCE_DIRS}: {outside[:10]}"
    templates = {f for m in extracted for f, _line in m.locations if f.startswith("web/")}
    assert templates, "babel.cfg found no texts in web/templates; check the jinja2 section"


def test_every_source_text_is_in_the_template_and_the_dutch_catalog(extracted, nl_catalog):
    source = _messages(extracted).keys()
    with POT.open("rb") as f:
        in_pot = _messages(read_po(f)).keys()
    in_po = _messages(nl_catalog).keys()
    assert source, "Extraction found no texts at all"
    fix = FIX.format(po=NL_PO.relative_to(ROOT))
    assert not source - in_pot, f"Missing from {POT.name}: {sorted(source - in_pot)}. {fix}"
    assert not source - in_po, f"Missing from the Dutch catalog: {sorted(source - in_po)}. {fix}"


def test_landing_page_is_dutch_by_default(sqlite_app):
    response = sqlite_app.test_client().get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert "Waar wil jij naartoe in je werk?" in html
    assert "Account maken" in html
    assert "Reflecteren" in html and "Netwerken" in html
    assert "Where do you want to go in your work?" not in html
    assert "Create an account" not in html


def test_landing_page_is_english_with_the_language_cookie(sqlite_app):
    client = sqlite_app.test_client()
    client.set_cookie("lang", "en")
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Where do you want to go in your work?" in html
    assert "Create an account" in html
    assert "Reflecting" in html
    assert "Waar wil jij naartoe in je werk?" not in html


def test_form_labels_from_python_are_dutch(sqlite_app):
    html = sqlite_app.test_client().get("/register").get_data(as_text=True)
    assert "E-mailadres" in html
    assert "Wachtwoord" in html
    assert "Minstens 8 tekens." in html
    assert "E-mail address" not in html


def test_every_template_string_is_translated(nl_catalog):
    """A template the extractor cannot parse is skipped silently; read the calls ourselves."""
    translations = _messages(nl_catalog)
    missing = []
    for template in sorted((ROOT / "web" / "templates").glob("**/*.html")):
        for text in re.findall(r'_\(\s*"([^"]+)"', template.read_text(encoding="utf-8")):
            if not translations.get((text,)):
                missing.append(f"{template.name}: {text}")
    assert missing == [], "run `make translations` and translate these"
