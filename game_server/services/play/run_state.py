"""The state of a run: which quest version it plays, its answers, what shows, how it looks."""

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import quest_digest
from ...content.schema import Quest
from ...content.steps import BaseStep, PeerStep
from ...models import Answer, BadgeAward, QuestRun, QuestVersion, RunStatus, XpAward
from . import group_views
from .group_views import PollResult
from .step_views import StepView, step_view

GROUP = "group"


class Progress(BaseModel):
    done: int
    total: int


class RunView(BaseModel):
    """A run as players and clients see it (the public contract's run shape)."""

    run_id: int
    quest_id: str
    status: RunStatus
    mode: str = "solo"
    step: StepView | None
    progress: Progress
    can_go_back: bool = False
    xp_gained: dict[str, int] | None = None
    badges_awarded: list[str] | None = None
    # Group play: the group, and its totals for the poll steps this player has answered.
    group_id: int | None = None
    poll_results: list[PollResult] | None = None


def version_for(session: Session, quest: Quest) -> QuestVersion:
    """The stored row of this text of the quest, made by the first run that plays it."""
    digest = quest_digest(quest)
    wanted = select(QuestVersion).where(
        QuestVersion.quest_id == quest.id, QuestVersion.digest == digest
    )
    found = session.exec(wanted).first()
    if found is not None:
        return found
    version = QuestVersion(quest_id=quest.id, digest=digest, definition=quest.model_dump_json())
    try:
        # Several first starts at once (ten live sessions opening, a crowd after a new
        # version): on PostgreSQL the others wait for the first INSERT and then hit the
        # unique key; the row it made is the one they want.
        with session.begin_nested():
            session.add(version)
    except sa.exc.IntegrityError:
        return session.exec(wanted).one()
    return version


# Parsed definitions by content digest (the same digest is the same text, in any database).
_parsed_versions: dict[str, Quest] = {}


def quest_of(session: Session, run: QuestRun) -> Quest:
    """The quest exactly as it was when this run started."""
    return quest_by_version(session, run.quest_version_id)


_DIGEST = sa.select(QuestVersion.digest).where(QuestVersion.id == sa.bindparam("version_id"))
_DEFINITION = sa.select(QuestVersion.definition).where(
    QuestVersion.id == sa.bindparam("version_id")
)


def quest_by_version(session: Session, version_id: int, digest: str | None = None) -> Quest:
    """A stored quest version; asked again in the same session, it costs no query.

    A caller that read the version's `digest` along with something else passes it, and then
    only a process that has never met this version reads its definition."""
    seen = session.info.setdefault("quest_versions", {})
    if version_id in seen:
        return seen[version_id]
    # The digest is small; the definition is only read the first time a process meets it.
    connection = session.connection()
    if digest is None:
        digest = connection.execute(_DIGEST, {"version_id": version_id}).scalar_one()
    if digest not in _parsed_versions:
        definition = connection.execute(_DEFINITION, {"version_id": version_id}).scalar_one()
        _parsed_versions[digest] = Quest.model_validate_json(definition)
    seen[version_id] = _parsed_versions[digest]
    return seen[version_id]


@dataclass
class StoredAnswer:
    """A run's answer as play holds it. The answer path reads and writes these with plain
    statements (compiled once) rather than ORM objects: it runs on every step of every run."""

    id: int | None
    run_id: int
    user_id: int
    step_id: str
    step_type: str
    value: str  # JSON
    private: bool


_ANSWERS = sa.select(
    Answer.id,
    Answer.run_id,
    Answer.user_id,
    Answer.step_id,
    Answer.step_type,
    Answer.value,
    Answer.private,
).where(Answer.run_id == sa.bindparam("run_id"))


def plain_connection(session: Session) -> sa.Connection:
    """The session's connection for plain statements, after writing what the session holds
    (plain statements do not flush it first, as ORM queries do)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


def answers_of(session: Session, run: QuestRun) -> dict[str, StoredAnswer]:
    rows = plain_connection(session).execute(_ANSWERS, {"run_id": run.id})
    return {row.step_id: StoredAnswer(*row) for row in rows}


def values_of(answers: dict[str, StoredAnswer]) -> dict[str, Any]:
    return {step_id: json.loads(row.value) for step_id, row in answers.items()}


def steps_at_start(quest: Quest, mode: str = "solo") -> int:
    """How many steps a player gets, counted as play counts them (a step shown only after a
    certain answer is not counted until it is given)."""
    return len(visible_steps(quest, {}, mode))


def visible_steps(quest: Quest, values: dict[str, Any], mode: str = "solo") -> list[BaseStep]:
    """The steps this player gets to see, given the answers so far and the way of playing.

    Steps that need other people (peer) show only in group play.
    """
    scores: dict[str, dict[str, float]] = {}
    visible = []
    for step in quest.steps:
        if not step.solo and mode != GROUP:
            continue
        if step.when is None or step.when.holds(values, scores):
            visible.append(step)
            if step.id in values:
                scores[step.id] = step.scores(values[step.id])
    return visible


def run_view(
    session: Session,
    run: QuestRun,
    locale: str,
    xp: dict[str, int] | None = None,
    *,
    quest: Quest | None = None,
    answers: dict[str, StoredAnswer] | None = None,
) -> RunView:
    """The run as the player sees it; pass `quest` and `answers` when already at hand."""
    quest = quest or quest_of(session, run)
    answers = answers_of(session, run) if answers is None else answers
    values = values_of(answers)
    visible = visible_steps(quest, values, run.mode)
    done = sum(1 for step in visible if step.id in values)
    step = None
    can_go_back = False
    current = None
    if run.status == RunStatus.ACTIVE:
        current = next((s for s in visible if s.id == run.current_step_id), None)
        if current is not None:
            answer = answers.get(current.id)
            step = step_view(current, locale, json.loads(answer.value) if answer else None)
            personal = current.personal_fields(locale, quest, values)
            if personal:
                step = type(step).model_validate({**step.model_dump(), **personal})
            can_go_back = visible.index(current) > 0
    group_id = poll_results = None
    if run.mode == GROUP:
        group_id = group_views.group_of_run(session, run)
        done = _done_in_group(run, visible, values, current)
        if group_id is not None:
            poll_results = group_views.poll_results(
                session, group_id=group_id, quest=quest, step_ids=list(values), locale=locale
            )
            if step is not None and isinstance(current, PeerStep):
                step.peer_answers = group_views.peer_answers(
                    session,
                    group_id=group_id,
                    quest=quest,
                    step=current,
                    user_id=run.user_id,
                    locale=locale,
                )
                step.asks_input = bool(step.peer_answers)  # nothing shared yet: pass it by
    badges_awarded = None
    if run.status == RunStatus.COMPLETED and xp is None:
        xp = xp_of_run(session, run)
        badges_awarded = list(
            session.exec(select(BadgeAward.badge_id).where(BadgeAward.run_id == run.id)).all()
        )
    return RunView(
        run_id=run.id,
        quest_id=run.quest_id,
        status=RunStatus(run.status),
        step=step,
        progress=Progress(done=done, total=len(visible)),
        can_go_back=can_go_back,
        xp_gained=xp,
        badges_awarded=badges_awarded,
        mode=run.mode,
        group_id=group_id,
        poll_results=poll_results,
    )


def _done_in_group(run: QuestRun, visible: list[BaseStep], values: dict, current) -> int:
    """Answered steps, plus peer steps passed by (nobody had shared an answer to respond to)."""
    passed = len(visible) if current is None else visible.index(current)
    return sum(
        1
        for index, step in enumerate(visible)
        if step.id in values or (isinstance(step, PeerStep) and index < passed)
    )


def xp_of_run(session: Session, run: QuestRun) -> dict[str, int]:
    rows = session.exec(
        select(XpAward.competency, XpAward.xp).where(XpAward.run_id == run.id)
    ).all()
    return dict(rows)
