"""Answering in a live session: the hot path of a room where a thousand phones answer at once.

Durability and idempotency are those of every answer (committed before the ack; the same
client_id again replays the first ack). It is written in a handful of SQL statements rather
than through the ORM's unit of work, because a room's answers arrive within a second or two
and each one holds the database's write lock for as long as it takes.
"""

import functools
import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from ...content.steps import AnswerRejected
from ...models import (
    Answer,
    AnswerShare,
    Audience,
    IdempotencyRecord,
    LiveParticipant,
    LiveSession,
    LiveStatus,
    QuestVersion,
    utcnow,
)
from ..common.domain_events import LiveAnswered
from ..common.errors import N_, Conflict, InvalidInput, NotFound
from ..common.unit_of_work import raise_event
from ..play import idempotency
from ..play.answer_writes import answer_upsert
from ..play.run_state import quest_by_version
from .live import live_steps

# One round trip for all an answer must know before it writes: the session, the player's
# seat, the quest version's digest and any earlier answer under this client_id.
_SEAT = (
    sa.select(
        LiveSession.id,
        LiveSession.status,
        LiveSession.step_index,
        LiveSession.quest_version_id,
        QuestVersion.digest.label("quest_digest"),
        LiveParticipant.run_id,
        IdempotencyRecord.request_digest.label("recorded_digest"),
        IdempotencyRecord.response.label("recorded_response"),
    )
    .select_from(LiveSession)
    .join(QuestVersion, QuestVersion.id == LiveSession.quest_version_id)
    .outerjoin(
        LiveParticipant,
        sa.and_(
            LiveParticipant.session_id == LiveSession.id,
            LiveParticipant.user_id == sa.bindparam("user_id"),
        ),
    )
    .outerjoin(IdempotencyRecord, idempotency.UNDER_KEY)
    .where(LiveSession.code == sa.bindparam("code"))
)
_UNSHARE = sa.delete(AnswerShare).where(
    AnswerShare.answer_id == sa.bindparam("answer_id"),
    AnswerShare.audience == Audience.LIVE.value,
    AnswerShare.audience_id == sa.bindparam("session_id"),
)
_upserts: dict[str, tuple] = {}


def _upsert_statements(session: Session) -> tuple:
    """The answer upsert and the share insert for this database, built once (they cost more
    to build than to run)."""
    dialect = session.get_bind().dialect.name
    if dialect not in _upserts:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stored = insert(Answer.__table__)
        stored = stored.on_conflict_do_update(
            index_elements=["run_id", "step_id"],
            set_={"value": stored.excluded.value, "updated_at": stored.excluded.updated_at},
        ).returning(Answer.__table__.c.id)
        share = insert(AnswerShare.__table__).on_conflict_do_nothing()
        _upserts[dialect] = (stored, share)
    return _upserts[dialect]


def _store(session, seat, user_id, open_step, checked, shared, key, digest, ack) -> None:
    """Write the answer, its share on the screen (or its removal) and the ack under its key."""
    now = utcnow()
    row = {
        "run_id": seat.run_id,
        "user_id": user_id,
        "step_id": open_step.id,
        "step_type": open_step.type,
        "private": open_step.private,
        "value": json.dumps(checked),
    }
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # A round trip to the server costs more than the three writes: one statement.
        record = {"key": key, "request_digest": digest, "response": json.dumps(ack)}
        connection.execute(_pg_store(shared), row | record | {"now": now, "session_id": seat.id})
        return
    store_answer, share_answer = _upsert_statements(session)
    answer_id = connection.execute(
        store_answer, row | {"created_at": now, "updated_at": now}
    ).scalar_one()
    if shared:
        connection.execute(
            share_answer,
            {
                "answer_id": answer_id,
                "user_id": user_id,
                "audience": Audience.LIVE.value,
                "audience_id": seat.id,
                "created_at": now,
            },
        )
    else:  # a changed answer that is no longer to be shown
        connection.execute(_UNSHARE, {"answer_id": answer_id, "session_id": seat.id})
    idempotency.remember_payload(session, user_id, key, digest, ack)


@functools.cache
def _pg_store(shared: bool):
    """On PostgreSQL, `_store`'s writes as data-modifying CTEs of one statement."""
    p = sa.bindparam
    stored = answer_upsert().cte("stored")
    shares = AnswerShare.__table__
    if shared:
        screen = (
            postgresql.insert(shares)
            .from_select(
                ["answer_id", "user_id", "audience", "audience_id", "created_at"],
                sa.select(
                    stored.c.id,
                    p("user_id", type_=sa.Integer),
                    sa.literal(Audience.LIVE.value),
                    p("session_id", type_=sa.Integer),
                    p("now", type_=shares.c.created_at.type),
                ),
            )
            .on_conflict_do_nothing()
            .cte("shown")
        )
    else:  # a changed answer that is no longer to be shown
        screen = (
            sa.delete(shares)
            .where(
                shares.c.answer_id.in_(sa.select(stored.c.id)),
                shares.c.audience == Audience.LIVE.value,
                shares.c.audience_id == p("session_id"),
            )
            .cte("unshown")
        )
    remembered = idempotency.record_insert(created_at="now").cte("remembered")
    return sa.select(stored.c.id).add_cte(screen).add_cte(remembered)


def answer(
    session: Session,
    *,
    code: str,
    user_id: int,
    step_id: str,
    value: Any = None,
    client_id: str,
    share: bool = False,
    form: Mapping | None = None,
) -> dict:
    """Store the answer to the open step (committed before this returns); a retry is a no-op.

    The answer is `value`, or read by the step's type from `form` (the fields of its
    partial, as a phone posts them). The live:answer event runs it statement by statement
    on PostgreSQL (one_statement): its writes there must stay one statement."""
    # Core statements on the session's connection: the ORM adds nothing here but time.
    connection = session.connection()
    key = f"live-answer:{client_id}"
    seat = connection.execute(_SEAT, {"code": code.upper(), "user_id": user_id, "key": key}).first()
    if seat is None or seat.run_id is None:
        raise NotFound(N_("Join the session first."), field="code")
    sent = form.to_dict(flat=False) if form is not None else value
    digest = idempotency.digest_of("answer", seat.id, step_id, sent, share)
    replayed = idempotency.recorded_payload(seat.recorded_digest, seat.recorded_response, digest)
    if replayed is not None:
        return replayed
    steps = live_steps(quest_by_version(session, seat.quest_version_id, seat.quest_digest))
    open_step = (
        steps[seat.step_index]
        if seat.status == LiveStatus.RUNNING and 0 <= seat.step_index < len(steps)
        else None
    )
    if open_step is None or open_step.id != step_id:
        raise Conflict(N_("This question is closed. Look at the big screen."), field="step_id")
    if form is not None:
        value = open_step.answer_from_form(form)
    try:
        checked = open_step.check_answer(value)
    except AnswerRejected as rejected:
        raise InvalidInput(rejected.template, field="value", **rejected.params) from rejected
    shared = bool(share and open_step.private)
    ack = {"ok": True, "step_id": open_step.id, "value": checked, "shared": shared}
    raise_event(session, LiveAnswered(code=code.upper()))
    try:
        _store(session, seat, user_id, open_step, checked, shared, key, digest, ack)
        session.commit()
    except sa.exc.IntegrityError:  # the same client_id raced us from another connection
        session.rollback()
        replayed = idempotency.replay_payload(session, user_id, key, digest)
        if replayed is None:
            raise
        return replayed
    return ack
