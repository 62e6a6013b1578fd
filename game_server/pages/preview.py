"""The content preview: an editor checks a library file or a draft and plays it on the
player's own screens, with nothing saved.

Where the preview stands travels with the page, in one signed hidden field (`preview`): the
file's name or the draft's text, and the answers so far. So a draft lives only in the
editor's browser (never in the library, the database or the server's memory), any server
process can answer the next step, and a reload of a file's page reads the file again.
"""

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import RequestEntityTooLarge

from .. import access
from ..content.drafts import Checked, LibraryFiles
from ..current import locale
from ..error_handling import handle_http
from ..services.common.errors import N_, Conflict, InvalidInput, NotFound
from ..services.play import preview
from ..services.play.preview import PreviewRun
from ..wording import said
from . import pages
from .messages import flash_reveal

PREVIEW_SALT = "editor-preview"


def _library() -> LibraryFiles:
    return current_app.extensions["library_files"]


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=PREVIEW_SALT)


def _token(checked: Checked, source: dict, run: PreviewRun | None = None) -> str:
    return _signer().dumps({**source, "run": run.model_dump() if run else None})


def _from_token() -> tuple[Checked, dict, PreviewRun | None]:
    """The file or draft the page was about, checked as it is now, and the run so far."""
    try:
        state = _signer().loads(request.form.get("preview", ""))
        if "file" in state:
            source = {"file": state["file"]}
        else:
            source = {"draft": state["draft"], "name": state.get("name")}
        run = PreviewRun.model_validate(state["run"]) if state.get("run") else None
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(
            N_("This preview cannot be read any more. Open the file or paste the draft again.")
        ) from exc
    return _check(source), source, run


def _check(source: dict) -> Checked:
    if "file" in source:
        checked = _library().check_file(source["file"])
        if checked is None:
            raise NotFound(N_("There is no such file in the library."))
        return checked
    return _library().check_draft(source["draft"], source.get("name"))


def _check_page(checked: Checked, source: dict, *, error: str | None = None, status: int = 200):
    if checked.problems:
        status = 422
    return (
        render_template(
            "preview_check.html",
            checked=checked,
            lines=checked.text.split("\n"),
            token=_token(checked, source),
            from_file=source.get("file"),
            draft_name=source.get("name") or "",
            error=error,
        ),
        status,
    )


def _play_page(checked, source, run: PreviewRun, *, error: str | None = None, status=200):
    lang = locale()
    quest = checked.quest
    view = preview.view(quest, run, lang)
    return (
        render_template(
            "preview_play.html",
            run=view,
            title=quest.title.get(lang),
            error=error,
            idempotency_key="",
            badge_titles=[],
            counts_for=[],
            payoff=preview.payoff(quest, run, lang) if run.completed else None,
            answer_url=url_for("pages.preview_answer"),
            back_url=url_for("pages.preview_back"),
            checked=checked,
            from_file=source.get("file"),
            token=_token(checked, source, run),
            fresh_token=_token(checked, source),
        ),
        status,
    )


@pages.get("/editor/preview")
@access.allow(access.EDITORS)
def preview_index():
    return _index_page()


def _index_page(error: str | None = None, draft: str = "", status: int = 200):
    return (
        render_template(
            "preview_index.html",
            files=_library().overview(),
            error=error,
            draft=draft,
            limit_kb=preview.MAX_DRAFT_BYTES // 1024,
        ),
        status,
    )


@pages.get("/editor/preview/files/<path:name>")
@access.allow(access.EDITORS)
def preview_file(name: str):
    source = {"file": name}
    return _check_page(_check(source), source)


@pages.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    """A draft over the whole request's limit: the preview's own words, not the bare 413."""
    if request.endpoint != "pages.preview_draft":
        return handle_http(error)
    limit = InvalidInput(
        N_("The draft is larger than %(limit)d kB; the preview takes at most %(limit)d kB."),
        limit=preview.MAX_DRAFT_BYTES // 1024,
    )
    return _index_page(said(limit), status=413)


@pages.post("/editor/preview/draft")
@access.allow(access.EDITORS)
def preview_draft():
    """Check a draft: uploaded, pasted, edited on the check page, or the one being played."""
    upload = request.files.get("upload")
    try:
        if upload is not None and upload.filename:
            data = upload.read()  # the request itself is capped (GAME_MAX_BODY_BYTES)
            text = preview.draft_from_upload(upload.filename, data)
            source = {"draft": text, "name": preview.upload_name(upload.filename)}
        elif "draft" in request.form:
            text = preview.draft_from_text(request.form["draft"])
            source = {"draft": text, "name": request.form.get("name") or None}
        else:
            checked, source, _run = _from_token()
            return _check_page(checked, source)
    except InvalidInput as error:
        return _index_page(said(error), request.form.get("draft", "")[:200_000], status=422)
    return _check_page(_library().check_draft(source["draft"], source["name"]), source)


def _playable(checked: Checked, source: dict):
    """The check page instead, when this cannot be played (yet)."""
    if checked.quest is None:
        return _check_page(checked, source, status=422)
    return None


@pages.post("/editor/preview/play")
@access.allow(access.EDITORS)
def preview_play():
    checked, source, _run = _from_token()
    if (refused := _playable(checked, source)) is not None:
        return refused
    try:
        run = preview.start(checked.quest)
    except Conflict as error:
        return _check_page(checked, source, error=said(error), status=422)
    return _play_page(checked, source, run)


@pages.post("/editor/preview/play/answer")
@access.allow(access.EDITORS)
def preview_answer():
    checked, source, run = _from_token()
    if (refused := _playable(checked, source)) is not None:
        return refused
    quest = checked.quest
    run = run or preview.start(quest)
    step_id = request.form.get("step_id", "")
    try:
        value = preview.answer_from_form(quest, step_id, request.form)
        answered = preview.answer(quest, run, step_id=step_id, value=value)
    except InvalidInput as error:
        message = _("Please check your answer: %(reason)s", reason=said(error))
        return _play_page(checked, source, run, error=message, status=422)
    except Conflict:
        return _play_page(checked, source, run)  # an old screen: show where it stands
    _say_how_it_went(quest, answered, step_id)
    return _play_page(checked, source, answered)


def _say_how_it_went(quest, run: PreviewRun, step_id: str) -> None:
    """After a quiz question, as in real play: right, or the right answer and why."""
    flash_reveal(preview.reveal(quest, run, step_id, locale()))


@pages.post("/editor/preview/play/back")
@access.allow(access.EDITORS)
def preview_back():
    checked, source, run = _from_token()
    if (refused := _playable(checked, source)) is not None:
        return refused
    run = run or preview.start(checked.quest)
    return _play_page(checked, source, preview.back(checked.quest, run))
