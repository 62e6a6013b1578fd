"""Live sessions: a host paces a quest step by step while everyone answers on their phone.

The host screen is one browser tab at a time: claiming the session from a second tab hands
control over to it, and the old tab's `next`/`end` are refused. Every writing call is
idempotent on the client's `client_id`.
"""

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...content.schema import Mode, Quest
from ...content.steps import BaseStep
from ...models import (
    Answer,
    LiveParticipant,
    LiveSession,
    LiveStatus,
    QuestRun,
    Role,
    RunStatus,
    utcnow,
)
from ..common.codes import readable_code
from ..common.domain_events import (
    LiveHostReplaced,
    LiveRunsPending,
    LiveSessionEnded,
    LiveStepOpened,
)
from ..common.errors import N_, Conflict, Forbidden, HostReplaced, NotFound
from ..common.unit_of_work import raise_event
from ..identity import accounts
from ..play import idempotency
from ..play.completion import complete_run
from ..play.run_state import quest_by_version, version_for
from ..play.step_views import StepView, step_view

CODE_LENGTH = 6
HOST_ROLES = {Role.COACH, Role.ADMIN}


class LiveState(BaseModel):
    """What every screen of a session shows: where it is and which step is open."""

    session_id: int
    code: str
    quest_id: str
    title: str
    status: LiveStatus
    index: int  # -1 while people join
    total: int
    step: StepView | None
    participants: int


def live_steps(quest: Quest) -> list[BaseStep]:
    """The steps everyone plays together: branches need each player's own path, so they
    are left out, and so are peer steps (those are for groups)."""
    return [step for step in quest.steps if step.when is None and step.solo]


def new_code() -> str:
    return readable_code(CODE_LENGTH)


def create(
    session: Session, catalog: Catalog, *, host_id: int, quest_id: str, group_id: int | None = None
) -> LiveSession:
    quest = catalog.quest(quest_id)
    if quest is None:
        raise NotFound(N_("No such quest."), field="quest_id")
    if Mode.LIVE not in quest.modes:
        raise Conflict(N_("This quest is not made for live sessions."), field="quest_id")
    if group_id is None:
        if not HOST_ROLES & set(accounts.roles_of(session, host_id)):
            raise Forbidden(N_("Only a coach can host a live session without a group."))
    else:
        from ..play import groups  # groups may host their own sessions

        groups.require_owner(session, group_id=group_id, user_id=host_id)
    version = version_for(session, quest)
    code = new_code()
    while session.exec(select(LiveSession.id).where(LiveSession.code == code)).first():
        code = new_code()
    live = LiveSession(
        code=code,
        quest_id=quest.id,
        quest_version_id=version.id,
        host_id=host_id,
        group_id=group_id,
    )
    session.add(live)
    session.commit()
    return live


def find(session: Session, code: str, *, lock: bool = False) -> LiveSession:
    statement = select(LiveSession).where(LiveSession.code == code.upper())
    if lock:
        statement = statement.with_for_update()
    live = session.exec(statement).first()
    if live is None:
        raise NotFound(N_("No session with this code. Check the code on the screen."), field="code")
    return live


def hosted(session: Session, code: str, host_id: int, *, lock: bool = False) -> LiveSession:
    live = find(session, code, lock=lock)
    # Someone else's session is "not found": a code must not let anyone steer it.
    if live.host_id != host_id:
        raise NotFound(N_("No session with this code. Check the code on the screen."), field="code")
    return live


def quest_of_session(session: Session, live: LiveSession) -> Quest:
    """The quest exactly as it was when the session started (like a run, it pins a version)."""
    return quest_by_version(session, live.quest_version_id)


def current_step(session: Session, live: LiveSession) -> BaseStep | None:
    steps = live_steps(quest_of_session(session, live))
    if live.status != LiveStatus.RUNNING or not 0 <= live.step_index < len(steps):
        return None
    return steps[live.step_index]


def state(
    session: Session, live: LiveSession, locale: str = "nl", *, participants: int | None = None
) -> LiveState:
    quest = quest_of_session(session, live)
    step = current_step(session, live)
    return LiveState(
        session_id=live.id,
        code=live.code,
        quest_id=live.quest_id,
        title=quest.title.get(locale),
        status=LiveStatus(live.status),
        index=live.step_index,
        total=len(live_steps(quest)),
        step=step_view(step, locale) if step else None,
        participants=participant_count(session, live) if participants is None else participants,
    )


def participant_count(session: Session, live: LiveSession) -> int:
    return session.exec(select(sa.func.count()).where(LiveParticipant.session_id == live.id)).one()


def claim_host(session: Session, *, code: str, host_id: int, sid: str) -> str | None:
    """Make this socket the host screen; returns the socket that had control, if another."""
    live = hosted(session, code, host_id, lock=True)
    previous = live.host_sid if live.host_sid != sid else None
    live.host_sid = sid
    session.add(live)
    if previous:
        raise_event(session, LiveHostReplaced(code=live.code, previous_sid=previous))
    session.commit()
    return previous


def controlling(session: Session, code: str, host_id: int, sid: str) -> LiveSession:
    live = hosted(session, code, host_id, lock=True)
    if live.host_sid != sid:
        raise HostReplaced(N_("Another screen has taken over this session."))
    return live


def advance(
    session: Session, *, code: str, host_id: int, sid: str, client_id: str, locale: str = "nl"
) -> tuple[LiveState, bool]:
    """Open the next step; returns the state and whether it moved (False on a retry)."""
    live = controlling(session, code, host_id, sid)
    key, digest = f"live-next:{client_id}", idempotency.digest_of("next", live.id)
    if idempotency.replay_payload(session, host_id, key, digest) is not None:
        return state(session, live, locale), False
    if live.status == LiveStatus.ENDED:
        raise Conflict(N_("This session has ended."))
    if live.step_index + 1 >= len(live_steps(quest_of_session(session, live))):
        raise Conflict(N_("This was the last step. End the session to hand out the XP."))
    live.step_index += 1
    live.status = LiveStatus.RUNNING
    session.add(live)
    raise_event(session, LiveStepOpened(session_id=live.id, code=live.code))
    idempotency.remember_payload(session, host_id, key, digest, {"index": live.step_index})
    session.commit()
    return state(session, live, locale), True


def end(session: Session, *, code: str, host_id: int, sid: str, client_id: str) -> LiveSession:
    """End the session (committed). Ending twice (a second tab) changes nothing, except that
    runs an earlier end left uncompleted (a crash) are completed now; the same `client_id`
    again (a resend) does nothing at all.

    The runs are completed afterwards by `complete_runs`, a batch at a time, so that a room
    of a thousand does not wait for a thousand completions before it hears the end.
    """
    live = controlling(session, code, host_id, sid)
    key, digest = f"live-end:{client_id}", idempotency.digest_of("end", live.id)
    if idempotency.replay_payload(session, host_id, key, digest) is not None:
        return live
    if live.status != LiveStatus.ENDED:
        live.status = LiveStatus.ENDED
        live.ended_at = utcnow()
        session.add(live)
        raise_event(session, LiveSessionEnded(session_id=live.id, code=live.code))
    elif session.exec(_open_runs(live).limit(1)).first() is not None:
        raise_event(session, LiveRunsPending(session_id=live.id))
    idempotency.remember_payload(session, host_id, key, digest, {"ended": True})
    session.commit()
    return live


def _open_runs(live: LiveSession):
    """The session's runs not yet completed (nor abandoned), oldest first."""
    return (
        select(QuestRun)
        .join(LiveParticipant, LiveParticipant.run_id == QuestRun.id)
        .where(LiveParticipant.session_id == live.id, QuestRun.status == RunStatus.ACTIVE)
        .order_by(QuestRun.id)
    )


def complete_runs(session: Session, catalog: Catalog, *, session_id: int, batch: int = 100) -> int:
    """Complete up to `batch` runs of an ended session (XP and badges for those who answered,
    through the one completion path); returns how many runs it ended.

    Call it until it returns 0. Each batch is its own transaction, so after a crash the next
    call (the host's `live:end` again) goes on where it stopped.
    """
    live = session.get(LiveSession, session_id)
    if live is None or live.status != LiveStatus.ENDED:
        return 0
    # Skipping rows another completer holds (a second end while this one runs): each run is
    # completed by one of them (PostgreSQL; SQLite has one writer at a time anyway).
    rows = session.exec(
        _open_runs(live).limit(batch).with_for_update(skip_locked=True, of=QuestRun)
    ).all()
    if not rows:
        return 0
    quest = quest_of_session(session, live)
    answered = _runs_with_answers(session, live)
    for run in rows:
        if run.id not in answered:
            run.status = RunStatus.ABANDONED  # joined but never answered: no XP for watching
            run.updated_at, run.current_step_id = live.ended_at, None
            session.add(run)
            continue
        locale = accounts.get_user(session, run.user_id).locale
        complete_run(session, catalog, run, quest, locale=locale, at=live.ended_at)
    session.commit()
    return len(rows)


def _runs_with_answers(session: Session, live: LiveSession) -> set[int]:
    return set(
        session.exec(
            select(Answer.run_id)
            .join(LiveParticipant, LiveParticipant.run_id == Answer.run_id)
            .where(LiveParticipant.session_id == live.id)
            .distinct()
        ).all()
    )
