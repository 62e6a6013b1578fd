"""Playing a quest alone: start or resume a run, answer, go back, complete, abandon.

Durability: an answer is committed before the call returns, so whatever the caller sends back
has been stored. Idempotency: a key names one request; the same key with the same request
replays the first response, the same key with another request is refused, and concurrent
retries of one answer store it once (the run row is locked while answering).
"""

import hashlib
import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ..content.catalog import Catalog, quest_digest
from ..content.schema import Quest
from ..content.steps import ActionStep, AnswerRejected, BaseStep
from ..models import (
    Answer,
    IdempotencyRecord,
    QuestRun,
    QuestVersion,
    RunStatus,
    User,
    XpAward,
    utcnow,
)
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .step_views import StepView, step_view

MAX_KEY_LENGTH = 100


class Progress(BaseModel):
    done: int
    total: int


class RunView(BaseModel):
    """A run as players and clients see it (the public contract's run shape)."""

    run_id: int
    quest_id: str
    status: RunStatus
    step: StepView | None
    progress: Progress
    can_go_back: bool = False
    xp_gained: dict[str, int] | None = None


class IdempotencyMismatch(InvalidInput):
    code = "idempotency_key_reused"


# -- quest versions -----------------------------------------------------------------------


def _version_for(session: Session, quest: Quest) -> QuestVersion:
    digest = quest_digest(quest)
    found = session.exec(
        select(QuestVersion).where(QuestVersion.quest_id == quest.id, QuestVersion.digest == digest)
    ).first()
    if found is not None:
        return found
    version = QuestVersion(quest_id=quest.id, digest=digest, definition=quest.model_dump_json())
    session.add(version)
    session.flush()
    return version


# Parsed definitions by content digest (the same digest is the same text, in any database).
_parsed_versions: dict[str, Quest] = {}


def quest_of(session: Session, run: QuestRun) -> Quest:
    """The quest exactly as it was when this run started."""
    version = session.get(QuestVersion, run.quest_version_id)
    if version.digest not in _parsed_versions:
        _parsed_versions[version.digest] = Quest.model_validate_json(version.definition)
    return _parsed_versions[version.digest]


# -- reading a run ------------------------------------------------------------------------


def _answers(session: Session, run: QuestRun) -> dict[str, Answer]:
    rows = session.exec(select(Answer).where(Answer.run_id == run.id)).all()
    return {row.step_id: row for row in rows}


def _values(answers: dict[str, Answer]) -> dict[str, Any]:
    return {step_id: json.loads(row.value) for step_id, row in answers.items()}


def _visible_steps(quest: Quest, values: dict[str, Any]) -> list[BaseStep]:
    """The steps this player gets to see, given the answers so far (solo play)."""
    scores: dict[str, dict[str, float]] = {}
    visible = []
    for step in quest.steps:
        if not step.solo:
            continue
        if step.when is None or step.when.holds(values, scores):
            visible.append(step)
            if step.id in values:
                scores[step.id] = step.scores(values[step.id])
    return visible


def _view(session: Session, run: QuestRun, locale: str, xp: dict[str, int] | None = None):
    quest = quest_of(session, run)
    answers = _answers(session, run)
    values = _values(answers)
    visible = _visible_steps(quest, values)
    done = sum(1 for step in visible if step.id in values)
    step = None
    can_go_back = False
    if run.status == RunStatus.ACTIVE:
        current = next((s for s in visible if s.id == run.current_step_id), None)
        if current is not None:
            answer = answers.get(current.id)
            step = step_view(current, locale, json.loads(answer.value) if answer else None)
            can_go_back = visible.index(current) > 0
    if run.status == RunStatus.COMPLETED and xp is None:
        xp = _xp_of_run(session, run)
    return RunView(
        run_id=run.id,
        quest_id=run.quest_id,
        status=RunStatus(run.status),
        step=step,
        progress=Progress(done=done, total=len(visible)),
        can_go_back=can_go_back,
        xp_gained=xp,
    )


def _xp_of_run(session: Session, run: QuestRun) -> dict[str, int]:
    rows = session.exec(
        select(XpAward.competency, XpAward.xp).where(XpAward.run_id == run.id)
    ).all()
    return dict(rows)


def _owned_run(session: Session, *, run_id: int, user_id: int, lock: bool = False) -> QuestRun:
    statement = select(QuestRun).where(QuestRun.id == run_id)
    if lock:
        statement = statement.with_for_update()
    run = session.exec(statement).first()
    # Someone else's run is "not found": run ids must not reveal who plays what.
    if run is None or run.user_id != user_id:
        raise NotFound("No such run.")
    return run


def get_run(session: Session, *, run_id: int, user_id: int, locale: str = "nl") -> RunView:
    return _view(session, _owned_run(session, run_id=run_id, user_id=user_id), locale)


def active_runs(session: Session, *, user_id: int) -> list[QuestRun]:
    return list(
        session.exec(
            select(QuestRun)
            .where(QuestRun.user_id == user_id, QuestRun.status == RunStatus.ACTIVE)
            .order_by(QuestRun.updated_at.desc())
        ).all()
    )


def completed_quest_ids(session: Session, *, user_id: int) -> set[str]:
    rows = session.exec(
        select(QuestRun.quest_id).where(
            QuestRun.user_id == user_id, QuestRun.status == RunStatus.COMPLETED
        )
    ).all()
    return set(rows)


# -- starting -----------------------------------------------------------------------------


def start_or_resume(
    session: Session, catalog: Catalog, *, user_id: int, quest_id: str, locale: str = "nl"
) -> RunView:
    """Resume the player's active run of this quest, or start a new one."""
    quest = catalog.quest(quest_id)
    if quest is None:
        raise NotFound("No such quest.")
    user = session.get(User, user_id)
    if user.is_guest and not quest.public:
        raise Forbidden("Make an account (it is free) to play this quest.")
    existing = session.exec(
        select(QuestRun).where(
            QuestRun.user_id == user_id,
            QuestRun.quest_id == quest_id,
            QuestRun.status == RunStatus.ACTIVE,
        )
    ).first()
    if existing is not None:
        return _view(session, existing, locale)
    missing = [q for q in quest.requires if q not in completed_quest_ids(session, user_id=user_id)]
    if missing:
        titles = ", ".join(catalog.quest(q).title.get(locale) for q in missing)
        raise Conflict(f"Play this first: {titles}.", missing=missing)
    version = _version_for(session, quest)
    first = _visible_steps(quest, {})[0]
    run = QuestRun(
        user_id=user_id, quest_id=quest_id, quest_version_id=version.id, current_step_id=first.id
    )
    session.add(run)
    session.commit()
    return _view(session, run, locale)


# -- answering ----------------------------------------------------------------------------


def _request_digest(run_id: int, step_id: str, value: Any) -> str:
    body = json.dumps({"run": run_id, "step": step_id, "value": value}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def _replay(session: Session, user_id: int, key: str, digest: str) -> RunView | None:
    record = session.get(IdempotencyRecord, (user_id, key))
    if record is None:
        return None
    if record.request_digest != digest:
        raise IdempotencyMismatch(
            "This Idempotency-Key was already used for another answer; use a new key.",
            field="Idempotency-Key",
        )
    return RunView.model_validate_json(record.response)


def answer_step(
    session: Session,
    catalog: Catalog,
    *,
    user_id: int,
    run_id: int,
    step_id: str,
    value: Any,
    idempotency_key: str | None = None,
    locale: str = "nl",
    today: date | None = None,
) -> RunView:
    """Store the answer to a step and move on; returns the run after it (committed)."""
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_KEY_LENGTH:
        raise InvalidInput(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.", field="Idempotency-Key"
        )
    digest = _request_digest(run_id, step_id, value)
    run = _owned_run(session, run_id=run_id, user_id=user_id, lock=True)
    if idempotency_key and (replayed := _replay(session, user_id, idempotency_key, digest)):
        return replayed
    if run.status != RunStatus.ACTIVE:
        raise Conflict("This run has ended; start the quest again to play it once more.")
    quest = quest_of(session, run)
    answers = _answers(session, run)
    visible = _visible_steps(quest, _values(answers))
    positions = {step.id: index for index, step in enumerate(visible)}
    current_index = positions.get(run.current_step_id, len(visible))
    if step_id not in positions or positions[step_id] > current_index:
        raise Conflict("Answer the step on screen first.", field="step_id")
    step = visible[positions[step_id]]
    try:
        if isinstance(step, ActionStep):
            stored = step.check_answer(value, today=today)
        else:
            stored = step.check_answer(value)
    except AnswerRejected as rejected:
        raise InvalidInput(str(rejected), field="value") from rejected
    _store_answer(session, run, step, stored, answers.get(step.id))
    xp = _advance(session, run, quest, step)
    view = _view(session, run, locale, xp)
    if idempotency_key:
        session.add(
            IdempotencyRecord(
                user_id=user_id,
                key=idempotency_key,
                request_digest=digest,
                response=view.model_dump_json(),
            )
        )
    session.commit()
    return view


def _store_answer(
    session: Session, run: QuestRun, step: BaseStep, value: Any, existing: Answer | None
) -> None:
    now = utcnow()
    if existing is None:
        existing = Answer(
            run_id=run.id,
            user_id=run.user_id,
            step_id=step.id,
            step_type=step.type,
            private=step.private,
        )
    existing.value = json.dumps(value)
    existing.updated_at = now
    session.add(existing)
    session.flush()


def _advance(session: Session, run: QuestRun, quest: Quest, answered: BaseStep):
    """Move to the next visible step; complete the run when there is none."""
    answers = _answers(session, run)
    values = _values(answers)
    visible = _visible_steps(quest, values)
    # A changed answer can hide later steps: their old answers must not linger.
    visible_ids = {step.id for step in visible}
    for step_id, row in answers.items():
        if step_id not in visible_ids:
            session.delete(row)
    index = [s.id for s in visible].index(answered.id)
    following = visible[index + 1 :]
    run.updated_at = utcnow()
    if following:
        run.current_step_id = following[0].id
        session.add(run)
        return None
    run.status = RunStatus.COMPLETED
    run.completed_at = run.updated_at
    run.current_step_id = None
    session.add(run)
    return _award_xp(session, run, quest)


def _award_xp(session: Session, run: QuestRun, quest: Quest) -> dict[str, int]:
    """XP for the first completion of a quest; replaying (a later self-scan) earns none."""
    already = session.exec(
        select(sa.func.count())
        .select_from(XpAward)
        .where(XpAward.user_id == run.user_id, XpAward.quest_id == quest.id)
    ).one()
    if already:
        return {}
    for competency, xp in quest.competencies.items():
        if xp:
            session.add(
                XpAward(
                    user_id=run.user_id,
                    run_id=run.id,
                    quest_id=quest.id,
                    competency=competency,
                    xp=xp,
                )
            )
    return {str(c): xp for c, xp in quest.competencies.items() if xp}


def go_back(session: Session, *, user_id: int, run_id: int, locale: str = "nl") -> RunView:
    """Show the previous step again (its answer filled in) so the player can change it."""
    run = _owned_run(session, run_id=run_id, user_id=user_id, lock=True)
    if run.status != RunStatus.ACTIVE:
        raise Conflict("This run has ended.")
    quest = quest_of(session, run)
    visible = _visible_steps(quest, _values(_answers(session, run)))
    ids = [step.id for step in visible]
    index = ids.index(run.current_step_id) if run.current_step_id in ids else len(ids)
    if index == 0:
        raise Conflict("This is the first step.")
    run.current_step_id = ids[index - 1]
    run.updated_at = utcnow()
    session.add(run)
    session.commit()
    return _view(session, run, locale)


def abandon(session: Session, *, user_id: int, run_id: int, locale: str = "nl") -> RunView:
    run = _owned_run(session, run_id=run_id, user_id=user_id, lock=True)
    if run.status != RunStatus.ACTIVE:
        raise Conflict("This run has already ended.")
    run.status = RunStatus.ABANDONED
    run.updated_at = utcnow()
    session.add(run)
    session.commit()
    return _view(session, run, locale)


def xp_totals(session: Session, *, user_id: int) -> dict[str, int]:
    rows = session.exec(
        select(XpAward.competency, sa.func.sum(XpAward.xp))
        .where(XpAward.user_id == user_id)
        .group_by(XpAward.competency)
    ).all()
    return {competency: int(total) for competency, total in rows}
