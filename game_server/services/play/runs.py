"""Playing a quest alone: start or resume a run, answer, go back, complete, abandon.

Durability: an answer is committed before the call returns, so whatever the caller sends back
has been stored. Idempotency: a key names one request; the same key with the same request
replays the first response, the same key with another request is refused, and concurrent
retries of one answer store it once (the run row is locked while answering).
"""

import json
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...content.schema import Quest
from ...content.step_base import Reveal
from ...content.steps import AnswerRejected, BaseStep, PeerStep
from ...models import (
    Answer,
    Assignment,
    GroupRun,
    IdempotencyRecord,
    QuestRun,
    QuestVersion,
    RunStatus,
    User,
    utcnow,
)
from ..common.domain_events import GroupActivity
from ..common.errors import N_, Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ..common.unit_of_work import raise_event
from ..funds.challenges import open_with_quest
from ..progress import badges
from . import group_feed, group_sharing, group_views, idempotency
from .answer_writes import AnswerWrites
from .completion import Completed, complete_run
from .idempotency import IdempotencyMismatch
from .run_state import (
    GROUP,
    Progress,
    RunView,
    StoredAnswer,
    answers_of,
    plain_connection,
    quest_by_version,
    quest_of,
    run_view,
    values_of,
    version_for,
    visible_steps,
)

__all__ = ["IdempotencyMismatch", "Progress", "RunView"]


_RUN = select(QuestRun).where(QuestRun.id == sa.bindparam("run_id"))
_LOCKED_RUN = _RUN.with_for_update()
# What an answer must know before it writes, in one round trip: the run (locked, so retries
# of one answer wait for each other), its quest version's digest, and any record under the
# request's key.
_ANSWERING = (
    select(
        QuestRun,
        QuestVersion.digest,
        IdempotencyRecord.request_digest,
        IdempotencyRecord.response,
    )
    .join(QuestVersion, QuestVersion.id == QuestRun.quest_version_id)
    .outerjoin(IdempotencyRecord, idempotency.UNDER_KEY)
    .where(QuestRun.id == sa.bindparam("run_id"))
    .with_for_update(of=QuestRun)
)


def _owned_run(session: Session, *, run_id: int, user_id: int, lock: bool = False) -> QuestRun:
    run = session.exec(_LOCKED_RUN if lock else _RUN, params={"run_id": run_id}).first()
    # Someone else's run is "not found": run ids must not reveal who plays what.
    if run is None or run.user_id != user_id:
        raise NotFound(N_("No such run."))
    return run


def get_run(session: Session, *, run_id: int, user_id: int, locale: str = "nl") -> RunView:
    return run_view(session, _owned_run(session, run_id=run_id, user_id=user_id), locale)


def answer_from_form(session: Session, *, run_id: int, user_id: int, step_id: str, form) -> Any:
    """The answer value from a submitted step form, read by the step's type (as the run's
    version of the quest has it); checked when it is answered, like any other value."""
    step = quest_of(session, _owned_run(session, run_id=run_id, user_id=user_id)).step(step_id)
    if step is None:
        raise NotFound(N_("No such step."), field="step_id")
    return step.answer_from_form(form)


def reveal_answer(
    session: Session, *, run_id: int, user_id: int, step_id: str, locale: str = "nl"
) -> Reveal | None:
    """For a step with a right answer (a quiz), the right answer and whether the stored
    answer had it; None for any other step, or one not answered."""
    step = quest_of(session, _owned_run(session, run_id=run_id, user_id=user_id)).step(step_id)
    if step is None or not step.revealable:
        return None
    stored = session.exec(
        select(Answer.value).where(Answer.run_id == run_id, Answer.step_id == step_id)
    ).first()
    if stored is None:
        return None
    return step.reveal([json.loads(stored)], locale)


def active_runs(session: Session, *, user_id: int) -> list[QuestRun]:
    """Runs to continue; a live session's run is paced by its host, so it is not one of them."""
    return list(
        session.exec(
            select(QuestRun)
            .where(
                QuestRun.user_id == user_id,
                QuestRun.status == RunStatus.ACTIVE,
                QuestRun.mode != "live",
            )
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


def _given_to(
    session: Session, catalog: Catalog, user_id: int, quest: Quest, group_id: int | None
) -> bool:
    """Whether someone gave this quest to the player: their group plays it (the caller
    checked the membership), a coach assigned it (or a track with it), or a challenge they
    joined counts it. A guest may play every quest given to them, public or not."""
    if group_id is not None:
        return True
    if open_with_quest(session, user_id=user_id, quest_id=quest.id):
        return True
    tracks = [t.id for t in catalog.library.tracks.values() if quest.id in t.quests]
    assigned = select(Assignment.id).where(
        Assignment.worker_id == user_id,
        sa.or_(Assignment.quest_id == quest.id, Assignment.track_id.in_(tracks)),
    )
    return session.exec(assigned.limit(1)).first() is not None


def start_or_resume(
    session: Session,
    catalog: Catalog,
    *,
    user_id: int,
    quest_id: str,
    locale: str = "nl",
    group_id: int | None = None,
) -> tuple[RunView, bool]:
    """Resume the player's active run of this quest, or start a new one; True when new.

    Alone by default; with `group_id`, a group run in that group (the caller has checked the
    membership). A solo run and a group run of one quest are separate runs.
    """
    quest = catalog.quest(quest_id)
    if quest is None:
        raise NotFound(N_("No such quest."))
    user = session.get(User, user_id)
    if (
        user.is_guest
        and not quest.public
        and not _given_to(session, catalog, user_id, quest, group_id)
    ):
        raise Forbidden(N_("Make an account (it is free) to play this quest."))
    mode = "solo" if group_id is None else GROUP
    active = select(QuestRun).where(
        QuestRun.user_id == user_id,
        QuestRun.quest_id == quest_id,
        QuestRun.status == RunStatus.ACTIVE,
        QuestRun.mode == mode,
    )
    if group_id is not None:
        active = active.join(GroupRun, GroupRun.run_id == QuestRun.id).where(
            GroupRun.group_id == group_id
        )
    existing = session.exec(active).first()
    if existing is not None:
        return run_view(session, existing, locale), False
    missing = [q for q in quest.requires if q not in completed_quest_ids(session, user_id=user_id)]
    if missing:
        titles = ", ".join(catalog.quest(q).title.get(locale) for q in missing)
        raise Conflict(N_("Play this first: %(titles)s."), missing=missing, titles=titles)
    version = version_for(session, quest)
    first = visible_steps(quest, {}, mode)[0]
    run = QuestRun(
        user_id=user_id,
        quest_id=quest_id,
        quest_version_id=version.id,
        current_step_id=first.id,
        mode=mode,
    )
    session.add(run)
    if group_id is not None:
        session.flush()
        session.add(GroupRun(run_id=run.id, group_id=group_id, quest_id=quest_id))
    session.commit()
    return run_view(session, run, locale), True


# -- answering ----------------------------------------------------------------------------


def answer_step(
    session: Session,
    catalog: Catalog,
    *,
    user_id: int,
    run_id: int,
    step_id: str,
    value: Any,
    idempotency_key: str | None = None,
    share: bool = False,
    locale: str = "nl",
    today: date | None = None,
) -> RunView:
    """Store the answer to a step and move on; returns the run after it (committed).

    Every way of answering comes here: solo and group runs, from the API, the pages and the
    sockets. In a group run, `share` shares the answer with the group in the same
    transaction. A completion goes the one way of `completion.complete_run`. With a key, the
    same request again replays the first response and raises no event.
    """
    idempotency.check_key(idempotency_key)
    digest = idempotency.request_digest(run_id, step_id, value, share=share)
    found = session.exec(
        _ANSWERING, params={"run_id": run_id, "user_id": user_id, "key": idempotency_key}
    ).first()
    # Someone else's run is "not found": run ids must not reveal who plays what.
    if found is None or found[0].user_id != user_id:
        raise NotFound(N_("No such run."))
    run, quest_digest, recorded_digest, recorded_response = found
    if recorded_digest is not None:
        return idempotency.replayed_view(recorded_digest, recorded_response, digest)
    try:
        return _answer_locked_run(
            session,
            catalog,
            run,
            quest_digest,
            step_id=step_id,
            value=value,
            keyed=(idempotency_key, digest),
            share=share,
            locale=locale,
            today=today,
        )
    except (DomainError, sa.exc.IntegrityError):
        # A retry under the same key that waited for the run's lock: on PostgreSQL its read
        # of the key's record came from before the first one committed, so it found the run
        # moved on or ended (a refusal) or the key taken (IntegrityError). The first stands.
        session.rollback()
        replayed = (
            idempotency.replay(session, user_id, idempotency_key, digest)
            if idempotency_key
            else None
        )
        if replayed is None:
            raise
        return replayed


def _answer_locked_run(
    session: Session,
    catalog: Catalog,
    run: QuestRun,
    quest_digest: str,
    *,
    step_id: str,
    value: Any,
    keyed: tuple[str | None, str],
    share: bool,
    locale: str,
    today: date | None,
) -> RunView:
    """`answer_step` once the run is read and locked and its key has no record yet."""
    idempotency_key, digest = keyed
    if run.status != RunStatus.ACTIVE:
        raise Conflict(N_("This run has ended; start the quest again to play it once more."))
    quest = quest_by_version(session, run.quest_version_id, quest_digest)
    answers = answers_of(session, run)
    visible = visible_steps(quest, values_of(answers), run.mode)
    positions = {step.id: index for index, step in enumerate(visible)}
    current_index = positions.get(run.current_step_id, len(visible))
    if step_id not in positions or positions[step_id] > current_index:
        raise Conflict(N_("Answer the step on screen first."), field="step_id")
    step = visible[positions[step_id]]
    group_id = group_views.group_of_run(session, run) if run.mode == GROUP else None
    first_response = False
    if isinstance(step, PeerStep):
        stored = group_views.peer_response(session, run, quest, step, value)
        first_response = stored is not None and step.id not in answers
    else:
        stored = _checked(step, value, today)
    # Held for one statement with the record on PostgreSQL, where nothing else needs them
    # written first: group play reads and shares what it writes.
    writes = AnswerWrites(session, hold=group_id is None and not isinstance(step, PeerStep))
    if stored is not None or not isinstance(step, PeerStep):
        answers[step.id] = writes.store_answer(_answer_row(run, step, stored), answers.get(step.id))
    completed = _advance(session, catalog, run, quest, step, answers, locale, group_id, writes)
    awarded = completed.badges_awarded if completed is not None else None
    if first_response:
        awarded = (awarded or []) + badges.evaluate(
            session,
            catalog,
            user_id=run.user_id,
            event=badges.PEER_FEEDBACK,
            run_id=run.id,
            locale=locale,
        )
    if group_id is not None:
        session.flush()
        for activity in group_feed.after_answer(session, run, group_id, step.id):
            raise_event(session, GroupActivity(activity))
        row = answers.get(step.id)
        if share and row is not None and row.step_type in group_views.SHAREABLE_TYPES:
            earned = group_sharing.share(
                session, catalog, answer=row, group_id=group_id, locale=locale
            )
            if earned is not None:
                awarded = (awarded or []) + earned
    xp = completed.xp if completed is not None else None
    view = run_view(session, run, locale, xp, quest=quest, answers=answers)
    if awarded is not None:
        view.badges_awarded = awarded
    if idempotency_key:
        writes.remember(run.user_id, idempotency_key, digest, view.model_dump_json())
    writes.flush()
    session.commit()
    return view


def _checked(step: BaseStep, value: Any, today: date | None) -> Any:
    try:
        return step.check_answer(value, today=today)
    except AnswerRejected as rejected:
        raise InvalidInput(rejected.template, field="value", **rejected.params) from rejected


_DELETE_ANSWERS = sa.delete(Answer).where(Answer.id.in_(sa.bindparam("ids", expanding=True)))


def _answer_row(run: QuestRun, step: BaseStep, value: Any) -> StoredAnswer:
    return StoredAnswer(
        id=None,
        run_id=run.id,
        user_id=run.user_id,
        step_id=step.id,
        step_type=step.type,
        value=json.dumps(value),
        private=step.private,
    )


def _advance(
    session: Session,
    catalog: Catalog,
    run: QuestRun,
    quest: Quest,
    answered: BaseStep,
    answers: dict[str, StoredAnswer],
    locale: str,
    group_id: int | None,
    writes: AnswerWrites,
) -> Completed | None:
    """Move to the next visible step; complete the run when there is none.

    `answers` is the run's answers including the new one; rows of steps that a changed
    answer hides are deleted, and removed from `answers` too.
    """
    values = values_of(answers)
    visible = visible_steps(quest, values, run.mode)
    # A changed answer can hide later steps: their old answers must not linger.
    visible_ids = {step.id for step in visible}
    hidden = [answers.pop(step_id).id for step_id in list(answers) if step_id not in visible_ids]
    if hidden:
        plain_connection(session).execute(_DELETE_ANSWERS, {"ids": hidden})
    index = [s.id for s in visible].index(answered.id)
    following = visible[index + 1 :]
    now = utcnow()
    if following:
        # A plain UPDATE, and the loaded run told what it now holds, so the commit has
        # nothing left to flush: this is the path of every answer but a run's last.
        writes.move_on(run, following[0].id)
        set_committed_value(run, "current_step_id", following[0].id)
        set_committed_value(run, "updated_at", now)
        return None
    writes.flush()  # the completion reads the answers and writes through the ORM
    run.updated_at = now
    return complete_run(session, catalog, run, quest, locale=locale, group_id=group_id)


def go_back(session: Session, *, user_id: int, run_id: int, locale: str = "nl") -> RunView:
    """Show the previous step again (its answer filled in) so the player can change it."""
    run = _owned_run(session, run_id=run_id, user_id=user_id, lock=True)
    if run.status != RunStatus.ACTIVE:
        raise Conflict(N_("This run has ended."))
    quest = quest_of(session, run)
    visible = visible_steps(quest, values_of(answers_of(session, run)), run.mode)
    ids = [step.id for step in visible]
    index = ids.index(run.current_step_id) if run.current_step_id in ids else len(ids)
    if index == 0:
        raise Conflict(N_("This is the first step."))
    run.current_step_id = ids[index - 1]
    run.updated_at = utcnow()
    session.add(run)
    session.commit()
    return run_view(session, run, locale)


def abandon(session: Session, *, user_id: int, run_id: int, locale: str = "nl") -> RunView:
    run = _owned_run(session, run_id=run_id, user_id=user_id, lock=True)
    if run.status != RunStatus.ACTIVE:
        raise Conflict(N_("This run has already ended."))
    run.status = RunStatus.ABANDONED
    run.updated_at = utcnow()
    session.add(run)
    session.commit()
    return run_view(session, run, locale)
