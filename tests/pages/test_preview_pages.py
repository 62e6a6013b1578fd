"""The content preview: an editor (or an admin) checks a library file or a draft and plays it
on the player's screens, and nothing at all is written to the database."""

import html
import io
import os
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer
from sqlmodel import SQLModel

from game_server.db import get_engine, session_scope
from game_server.models import Answer, BadgeAward, QuestRun, QuestVersion, User, XpAward
from game_server.pages.preview import PREVIEW_SALT

from ..factories import CSRF_META, Personas, count

LIBRARY = Path(__file__).resolve().parents[1] / "content" / "library"
# every-step played alone, as the form fields of its step partials post it (the people score
# is high, so the branch `people-work` shows; freedom opens `free`).
EVERY_STEP_FORMS = [
    ("welcome", {}),
    ("values", {"option": ["freedom", "security"]}),
    ("scan", {"item-help": "5", "item-alone": "1", "item-fix": "3"}),
    ("why", {"text": "Ik wil zelf mijn dag indelen."}),
    ("free", {"text": "Zelf kiezen wanneer ik rij."}),
    ("people-work", {}),
    ("vote", {"option": "time"}),
    ("talk", {"who": "Mijn planner", "learned": "Er komt een nieuwe route."}),
    ("plan", {"text": "Vragen naar de cursus.", "due": str(date.today() + timedelta(days=7))}),
]
DRAFT = """\
kind: quest
schema_version: 1
id: first-draft
title: {nl: Eerste ontwerp, en: First draft}
summary: {nl: Een korte quest., en: A short quest.}
competencies: {reflecting: 5}
minutes: 5
steps:
  - id: hello
    type: info
    prompt: {nl: Hallo., en: Hello.}
  - id: think
    type: reflection
    prompt: {nl: Waar denk je aan?, en: What do you think of?}
    min_words: 2
"""
BROKEN = DRAFT.replace("minutes: 5", "minutes: 55").replace("min_words: 2", "min_words: -1")


@pytest.fixture
def library(tmp_path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(LIBRARY, root)
    return root


@pytest.fixture
def preview_app(app_factory, library):
    return app_factory(quests_path=library)


@pytest.fixture
def personas(preview_app) -> Personas:
    return Personas(preview_app)


@pytest.fixture
def editor(personas):
    return personas.cookie_client("editor")


def _every_row(app) -> dict[str, list]:
    """Every row of every table: what the preview must leave exactly as it was."""
    with get_engine(app).connect() as connection:
        return {
            table.name: sorted(map(repr, connection.execute(sa.select(table)).all()))
            for table in SQLModel.metadata.sorted_tables
        }


def _csrf(page: str) -> str:
    return CSRF_META.search(page).group(1)


def _form(page: str, action: str) -> dict:
    """The hidden fields of the form posting to `action` on this page."""
    match = re.search(rf'<form method="post" action="{re.escape(action)}"(.*?)</form>', page, re.S)
    assert match, f"no form to {action}"
    fields = re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"', match.group(1))
    return {name: html.unescape(value) for name, value in fields}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _play_to_the_end(client, page: str, answers) -> str:
    for step_id, fields in answers:
        assert f'data-testid="step-{step_id}"' in page, step_id
        response = client.post(
            "/editor/preview/play/answer",
            data={**_form(page, "/editor/preview/play/answer"), **fields},
        )
        assert response.status_code == 200, _text(response)
        page = _text(response)
    return page


def test_an_editor_plays_a_library_file_to_the_end_and_nothing_is_written(preview_app, editor):
    before = _every_row(preview_app)
    index = _text(editor.get("/editor/preview"))
    assert 'href="/editor/preview/files/every-step.yaml"' in index
    file_page = _text(editor.get("/editor/preview/files/every-step.yaml"))
    assert "library/every-step.yaml: geen problemen gevonden." in file_page
    started = editor.post("/editor/preview/play", data=_form(file_page, "/editor/preview/play"))
    assert started.status_code == 200
    page = _play_to_the_end(editor, _text(started), EVERY_STEP_FORMS)
    assert 'data-testid="completed"' in page
    assert 'data-testid="xp-bar-reflecting"' in page and "+10 XP" in page
    assert _every_row(preview_app) == before
    for model in (QuestRun, Answer, XpAward, BadgeAward, QuestVersion):
        assert count(preview_app, model) == 0, model.__name__


def test_a_wrong_answer_in_the_preview_is_explained_as_in_real_play(editor):
    page = _text(editor.get("/editor/preview/files/every-step.yaml"))
    page = _text(editor.post("/editor/preview/play", data=_form(page, "/editor/preview/play")))
    page = _play_to_the_end(editor, page, EVERY_STEP_FORMS[:1])
    refused = editor.post(
        "/editor/preview/play/answer",
        data={**_form(page, "/editor/preview/play/answer"), "option": ["freedom"]},
    )
    assert refused.status_code == 422
    assert "Kies er 2 tot 3." in _text(refused)


def test_going_back_in_the_preview_shows_the_earlier_answer(editor):
    page = _text(editor.get("/editor/preview/files/every-step.yaml"))
    page = _text(editor.post("/editor/preview/play", data=_form(page, "/editor/preview/play")))
    page = _play_to_the_end(editor, page, EVERY_STEP_FORMS[:2])
    back = _text(
        editor.post("/editor/preview/play/back", data=_form(page, "/editor/preview/play/answer"))
    )
    assert 'data-testid="step-values"' in back
    assert re.search(r'value="freedom"\s+checked', back)


def test_a_broken_draft_shows_its_problems_with_line_numbers_and_cannot_be_played(editor):
    page = _text(editor.get("/editor/preview"))
    checked = editor.post(
        "/editor/preview/draft", data={"csrf_token": _csrf(page), "draft": BROKEN}
    )
    assert checked.status_code == 422
    body = _text(checked)
    assert "draft.yaml:7:10" in body and "a quest takes 5 to 20 minutes" in body
    assert "draft.yaml:15:16" in body and "must be ≥ 0" in body
    assert '<span class="line-number">7</span> minutes: 55' in body  # the line, quoted
    assert 'data-testid="play-form"' not in body


def test_a_broken_draft_cannot_be_played_by_posting_it_anyway(preview_app, editor):
    signed = URLSafeSerializer(preview_app.secret_key, salt=PREVIEW_SALT)
    page = _text(editor.get("/editor/preview"))
    for draft, playable in ((DRAFT, True), (BROKEN, False)):
        token = signed.dumps({"draft": draft, "name": None, "run": None})
        response = editor.post(
            "/editor/preview/play", data={"csrf_token": _csrf(page), "preview": token}
        )
        assert ('data-testid="step-hello"' in _text(response)) is playable
        assert response.status_code == (200 if playable else 422)


def test_a_draft_fixed_in_the_textarea_is_checked_again_and_plays(editor):
    page = _text(editor.get("/editor/preview"))
    broken = _text(
        editor.post("/editor/preview/draft", data={"csrf_token": _csrf(page), "draft": BROKEN})
    )
    assert '<textarea id="draft" name="draft"' in broken and "min_words: -1" in broken
    fixed = editor.post(
        "/editor/preview/draft",
        data={**_form(broken, "/editor/preview/draft"), "draft": DRAFT},
    )
    assert fixed.status_code == 200
    page = _text(fixed)
    assert "draft.yaml: geen problemen gevonden." in page
    page = _text(editor.post("/editor/preview/play", data=_form(page, "/editor/preview/play")))
    page = _play_to_the_end(editor, page, [("hello", {}), ("think", {"text": "Aan mijn werk."})])
    assert 'data-testid="completed"' in page


def test_an_uploaded_draft_is_checked_under_its_own_file_name(editor):
    page = _text(editor.get("/editor/preview"))
    response = editor.post(
        "/editor/preview/draft",
        data={
            "csrf_token": _csrf(page),
            "upload": (io.BytesIO(BROKEN.encode()), "first-draft.yaml"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "first-draft.yaml:7:10" in _text(response)


@pytest.mark.parametrize(
    ("locale", "upload", "message"),
    [
        (
            "nl",
            ("big.yaml", b"#" * (240 * 1024)),
            "Het ontwerp is 240 kB; de preview neemt ten hoogste 200 kB.",
        ),
        (
            "en",
            ("big.yaml", b"#" * (201 * 1024)),
            "The draft is 201 kB; the preview takes at most 200 kB.",
        ),
        ("nl", ("photo.png", b"\x89PNG\r\n\x1a\n"), "Dit is geen YAML-bestand."),
        ("en", ("photo.png", b"\x89PNG\r\n\x1a\n"), "This is not a YAML file."),
        ("nl", ("quest.yaml", b"\xff\xfe\x00k"), "Dit bestand is geen platte tekst."),
    ],
)
def test_an_upload_too_large_or_not_yaml_gets_a_clear_error_in_the_users_language(
    preview_app, personas, editor, locale, upload, message
):
    with session_scope(preview_app) as session:
        session.get(User, personas.user("editor").id).locale = locale
    page = _text(editor.get("/editor/preview"))
    name, data = upload
    response = editor.post(
        "/editor/preview/draft",
        data={"csrf_token": _csrf(page), "upload": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in html.unescape(_text(response))
    assert 'data-testid="error-summary"' in _text(response)


def test_a_tampered_preview_is_refused_in_the_users_language(editor):
    page = _text(editor.get("/editor/preview/files/every-step.yaml"))
    fields = _form(page, "/editor/preview/play")
    response = editor.post(
        "/editor/preview/play", data={**fields, "preview": fields["preview"] + "x"}
    )
    assert response.status_code == 422
    assert "Deze preview is niet meer te lezen." in _text(response)


@pytest.mark.parametrize("kind", ["worker", "coach", "fund", "guest"])
def test_everyone_but_editors_and_admins_is_refused(personas, kind):
    client = personas.cookie_client(kind)
    page = _text(client.get("/quests"))
    assert client.get("/editor/preview").status_code == 403
    assert client.get("/editor/preview/files/every-step.yaml").status_code == 403
    posted = client.post("/editor/preview/draft", data={"csrf_token": _csrf(page), "draft": DRAFT})
    assert posted.status_code == 403


def test_someone_not_logged_in_is_sent_to_log_in(preview_app):
    client = preview_app.test_client()
    response = client.get("/editor/preview")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/editor/preview")
    assert client.post("/editor/preview/draft", data={"draft": DRAFT}).status_code in (401, 403)


def test_an_admin_may_preview_too(personas):
    admin = personas.cookie_client("admin")
    assert admin.get("/editor/preview").status_code == 200
    assert admin.get("/editor/preview/files/every-step.yaml").status_code == 200


def test_the_preview_shows_a_changed_file_on_reload_in_development(app_factory, library):
    app = app_factory(quests_path=library, env="development")
    editor = Personas(app).cookie_client("editor")
    assert 'data-testid="no-problems"' in _text(
        editor.get("/editor/preview/files/open-to-all.yaml")
    )
    path = library / "open-to-all.yaml"
    path.write_text(path.read_text().replace("minutes: 5", "minutes: 99"))
    stat = path.stat()  # the same instant on a coarse clock: make the change visible
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    reloaded = editor.get("/editor/preview/files/open-to-all.yaml")
    assert reloaded.status_code == 422
    assert "library/open-to-all.yaml:7:10" in _text(reloaded)


def test_a_file_not_in_the_library_is_not_found(editor):
    assert editor.get("/editor/preview/files/no-such.yaml").status_code == 404
    assert editor.get("/editor/preview/files/../conftest.py").status_code == 404


def test_an_upload_over_the_request_limit_still_gets_the_previews_own_words(editor):
    page = _text(editor.get("/editor/preview"))
    response = editor.post(
        "/editor/preview/draft",
        data={"csrf_token": _csrf(page), "upload": (io.BytesIO(b"#" * (400 * 1024)), "big.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "de preview neemt ten hoogste 200 kB" in html.unescape(_text(response))
    # Elsewhere a request that large gets the site's usual answer.
    other = editor.post("/groups/new", data={"name": "x" * (400 * 1024)})
    assert other.status_code == 413 and "200 kB" not in _text(other)


def test_a_quiz_in_the_preview_says_right_or_the_right_answer_as_in_real_play(editor):
    from .test_quiz_feedback import QUIZ

    page = _text(editor.get("/editor/preview"))
    page = _text(
        editor.post("/editor/preview/draft", data={"csrf_token": _csrf(page), "draft": QUIZ})
    )
    page = _text(editor.post("/editor/preview/play", data=_form(page, "/editor/preview/play")))
    page = _play_to_the_end(editor, page, [("first", {"option": "nobody"})])
    assert "Net niet. Het goede antwoord is: Het sectorfonds. Vraag het je werkgever." in page
    page = _play_to_the_end(editor, page, [("second", {"option": "free"})])
    assert "Goed zo!" in page and 'data-testid="completed"' in page
