"""Playing a quest as a content editor sees it before it goes live: the player's screens, step
by step, with nothing stored.

A preview run is a value (`PreviewRun`: the answers so far and the step on screen) that the
caller keeps, in the editor's browser; every function here takes one and returns the next.
Nothing touches the database: no run, answer, XP, badge, event or xAPI statement is
written, which is why none of these functions takes a session. The answers are checked by
the step types exactly as in real play, and the views are the player's own (`RunView`,
`Payoff`), so the real templates show them.
"""

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from ...content.drafts import PASTED_NAME
from ...content.schema import Quest
from ...content.step_base import Reveal
from ...content.steps import AnswerRejected
from ...models import RunStatus
from ..common.errors import N_, Conflict, InvalidInput
from ..progress.progression import LEVELS, level_for
from .payoff import LevelBar, Payoff
from .run_state import Progress, RunView, visible_steps
from .step_views import step_view

MAX_DRAFT_BYTES = 200 * 1024
DRAFT_SUFFIXES = (".yaml", ".yml")
PREVIEW_RUN_ID = 0  # no row: a preview has no run id of its own


class PreviewRun(BaseModel):
    """Where a preview stands: the answers given (as stored values) and the step on screen."""

    answers: dict[str, Any] = Field(default_factory=dict)
    current: str | None = None  # None once every step is done
    completed: bool = False


# -- the draft ----------------------------------------------------------------------------


def draft_from_text(text: str) -> str:
    """A pasted or edited draft, refused when too large for the preview."""
    text = text.replace("\r\n", "\n")
    _check_size(len(text.encode("utf-8")))
    if not text.strip():
        raise InvalidInput(N_("Paste the text of a quest file, or choose a file."), field="draft")
    return text


def draft_from_upload(filename: str, data: bytes) -> str:
    """An uploaded content file: a YAML file of text, within the preview's size."""
    if not filename.lower().endswith(DRAFT_SUFFIXES):
        raise InvalidInput(
            N_("This is not a YAML file. Choose a quest file whose name ends in .yaml."),
            field="upload",
        )
    _check_size(len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            N_("This file is not plain text. Save it as UTF-8 text (a .yaml file) and try again."),
            field="upload",
        ) from exc
    if "\x00" in text:
        raise InvalidInput(
            N_("This file is not plain text. Save it as UTF-8 text (a .yaml file) and try again."),
            field="upload",
        )
    return draft_from_text(text)


def upload_name(filename: str) -> str:
    """The name a draft's problems use for an uploaded file: its own name, without folders."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or PASTED_NAME


def _check_size(size: int) -> None:
    if size > MAX_DRAFT_BYTES:
        raise InvalidInput(
            N_("The draft is %(size)d kB; the preview takes at most %(limit)d kB."),
            field="draft",
            size=-(-size // 1024),
            limit=MAX_DRAFT_BYTES // 1024,
        )


# -- playing ------------------------------------------------------------------------------


def start(quest: Quest) -> PreviewRun:
    """A preview at the quest's first step."""
    return PreviewRun(current=visible_steps(quest, {})[0].id)


def _settled(quest: Quest, run: PreviewRun) -> PreviewRun:
    """The run against the quest as it is now: the quest may have changed on disk since the
    last screen, so answers of steps no longer shown go, and a step that went is replaced."""
    if run.completed:
        return run
    visible = visible_steps(quest, run.answers)
    ids = [step.id for step in visible]
    answers = {k: v for k, v in run.answers.items() if k in ids}
    current = run.current if run.current in ids else None
    if current is None:
        current = next((i for i in ids if i not in answers), ids[0] if ids else None)
    return PreviewRun(answers=answers, current=current)


def view(quest: Quest, run: PreviewRun, locale: str) -> RunView:
    """The preview as the player's screen shows a run."""
    run = _settled(quest, run)
    visible = visible_steps(quest, run.answers)
    done = sum(1 for step in visible if step.id in run.answers)
    step = None
    can_go_back = False
    if not run.completed:
        current = next(s for s in visible if s.id == run.current)
        step = step_view(current, locale, run.answers.get(current.id))
        personal = current.personal_fields(locale, quest, run.answers)
        if personal:
            step = type(step).model_validate({**step.model_dump(), **personal})
        can_go_back = visible.index(current) > 0
    return RunView(
        run_id=PREVIEW_RUN_ID,
        quest_id=quest.id,
        status=RunStatus.COMPLETED if run.completed else RunStatus.ACTIVE,
        step=step,
        progress=Progress(done=done, total=len(visible)),
        can_go_back=can_go_back,
        xp_gained=dict(quest.competencies) if run.completed else None,
        badges_awarded=[] if run.completed else None,
    )


def answer_from_form(quest: Quest, step_id: str, form) -> Any:
    """The answer value from the step's form, read by its type as in real play."""
    step = quest.step(step_id)
    if step is None:
        raise Conflict(N_("Answer the step on screen first."), field="step_id")
    return step.answer_from_form(form)


def answer(
    quest: Quest, run: PreviewRun, *, step_id: str, value: Any, today: date | None = None
) -> PreviewRun:
    """Check the answer as real play does and move on; the run after it (nothing stored)."""
    run = _settled(quest, run)
    if run.completed or step_id != run.current:
        raise Conflict(N_("Answer the step on screen first."), field="step_id")
    step = quest.step(step_id)
    try:
        stored = step.check_answer(value, today=today)
    except AnswerRejected as rejected:
        raise InvalidInput(rejected.template, field="value", **rejected.params) from rejected
    answers = {**run.answers, step_id: stored}
    visible = [s.id for s in visible_steps(quest, answers)]
    # A changed answer can hide later steps: their answers go, as in real play.
    answers = {k: v for k, v in answers.items() if k in visible}
    following = visible[visible.index(step_id) + 1 :]
    if following:
        return PreviewRun(answers=answers, current=following[0])
    return PreviewRun(answers=answers, current=None, completed=True)


def back(quest: Quest, run: PreviewRun) -> PreviewRun:
    """Show the previous step again, its answer filled in."""
    run = _settled(quest, run)
    if run.completed:
        return run
    ids = [step.id for step in visible_steps(quest, run.answers)]
    index = ids.index(run.current)
    if index == 0:
        return run
    return PreviewRun(answers=run.answers, current=ids[index - 1])


def reveal(quest: Quest, run: PreviewRun, step_id: str, locale: str) -> Reveal | None:
    """After a quiz question: the right answer and whether the preview had it."""
    step = quest.step(step_id)
    if step is None or not step.revealable or step_id not in run.answers:
        return None
    return step.reveal([run.answers[step_id]], locale)


def payoff(quest: Quest, run: PreviewRun, locale: str) -> Payoff:
    """The finish screen of a first completion by a new player: the results of the answers
    and the XP the quest gives. Badges and suggestions depend on a player's history, which a
    preview does not have, so it shows none."""
    results = [
        found
        for step in quest.steps
        if step.id in run.answers
        and (found := step.result(run.answers[step.id], locale)) is not None
    ]
    bars = []
    for competency, xp in sorted(quest.competencies.items(), key=lambda item: -item[1]):
        now = level_for(xp)
        start_xp = LEVELS[now.level - 1] if now.level >= 1 else 0
        end = now.next_level_at
        bars.append(
            LevelBar(
                competency=competency,
                gained=xp,
                xp=xp,
                level=now.level,
                leveled_up=now.level > level_for(0).level,
                level_start=start_xp,
                next_level_at=end,
                before=0.0,
                after=1.0 if not end else (xp - start_xp) / (end - start_xp),
            )
        )
    return Payoff(results=results, bars=bars, next_goal=None, next_quest=None)
