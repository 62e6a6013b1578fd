"""The writes of an answer to a step: the answer, the run's next step, the key's record.

On SQLite each is its own statement, sent at once. On PostgreSQL a round trip costs more
than the writes themselves, so the answer and the run's next step are held until the
response is known and then go with the idempotency record as one statement of
data-modifying CTEs (one statement is atomic, as the transaction around it is). What
needs them written first (a completion, group play, reading the answers again) calls
`flush()`.
"""

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

from ...models import Answer, IdempotencyRecord, QuestRun, utcnow
from .idempotency import record_insert
from .run_state import StoredAnswer, plain_connection

_INSERT_ANSWER = sa.insert(Answer)
_UPDATE_ANSWER = (
    sa.update(Answer)
    .where(Answer.id == sa.bindparam("answer_id"))
    .values(value=sa.bindparam("value"), updated_at=sa.bindparam("now"))
)
_MOVE_ON = (
    sa.update(QuestRun)
    .where(QuestRun.id == sa.bindparam("run_id"))
    .values(current_step_id=sa.bindparam("step_id"), updated_at=sa.bindparam("now"))
)
_RECORD = sa.insert(IdempotencyRecord.__table__)


class AnswerWrites:
    """One answer's writes, sent at once (SQLite) or held for one statement (PostgreSQL)."""

    def __init__(self, session: Session, *, hold: bool = True) -> None:
        self.session = session
        self.hold = hold and session.get_bind().dialect.name == "postgresql"
        self._answer: dict | None = None  # the answer's row, held
        self._held_row: StoredAnswer | None = None  # told its id once written
        self._move_on: dict | None = None  # the run's next step, held

    def store_answer(self, row: StoredAnswer, existing: StoredAnswer | None) -> StoredAnswer:
        """The answer, new or changed. A held new answer has no id until it is written."""
        now = utcnow()
        if existing is not None:
            existing.value = row.value
            row = existing
        columns = {
            "run_id": row.run_id,
            "user_id": row.user_id,
            "step_id": row.step_id,
            "step_type": row.step_type,
            "value": row.value,
            "private": row.private,
        }
        if self.hold:
            self._answer = columns | {"now": now}
            self._held_row = row
            return row
        connection = plain_connection(self.session)
        if existing is not None:
            connection.execute(
                _UPDATE_ANSWER, {"answer_id": row.id, "value": row.value, "now": now}
            )
            return row
        inserted = connection.execute(
            _INSERT_ANSWER, columns | {"created_at": now, "updated_at": now}
        )
        row.id = inserted.inserted_primary_key[0]
        return row

    def move_on(self, run: QuestRun, step_id: str) -> None:
        params = {"run_id": run.id, "step_id": step_id, "now": utcnow()}
        if self.hold:
            self._move_on = params
        else:
            plain_connection(self.session).execute(_MOVE_ON, params)

    def remember(self, user_id: int, key: str, digest: str, response: str) -> None:
        """The response under its key, with whatever is held, in one statement."""
        record = {
            "user_id": user_id,
            "key": key,
            "request_digest": digest,
            "response": response,
            "created_at": utcnow(),
        }
        if self._answer is None and self._move_on is None:
            plain_connection(self.session).execute(_RECORD, record)
        else:
            self._send(record)

    def flush(self) -> None:
        """Write what is held (before anything that reads it or needs its ids)."""
        if self._answer is not None or self._move_on is not None:
            self._send(None)

    def _send(self, record: dict | None) -> None:
        answer, move_on = self._answer, self._move_on
        params: dict[str, Any] = {}
        for prefix, part in (("a_", answer), ("m_", move_on), ("r_", record)):
            if part is not None:
                params |= {prefix + name: value for name, value in part.items()}
        statement = _combined(answer is not None, move_on is not None, record is not None)
        answer_id = plain_connection(self.session).execute(statement, params).scalar_one()
        if answer is not None and self._held_row.id is None:
            self._held_row.id = answer_id
        self._answer = self._held_row = self._move_on = None


def answer_upsert(prefix: str = ""):
    """On PostgreSQL, the answer's INSERT, or its UPDATE when the step was answered before,
    returning its id; bind parameters `prefix` + its columns, the time as `prefix` + "now"."""
    p = sa.bindparam
    stored = postgresql.insert(Answer.__table__).values(
        run_id=p(prefix + "run_id"),
        user_id=p(prefix + "user_id"),
        step_id=p(prefix + "step_id"),
        step_type=p(prefix + "step_type"),
        private=p(prefix + "private"),
        value=p(prefix + "value"),
        created_at=p(prefix + "now"),
        updated_at=p(prefix + "now"),
    )
    return stored.on_conflict_do_update(
        index_elements=["run_id", "step_id"],
        set_={"value": stored.excluded.value, "updated_at": stored.excluded.updated_at},
    ).returning(Answer.__table__.c.id)


@functools.cache
def _combined(answer: bool, move_on: bool, record: bool):
    """The held writes as CTEs of one statement, built once per shape."""
    p = sa.bindparam
    parts = []
    if answer:
        stored = answer_upsert("a_").cte("stored")
        parts.append(stored)
    if move_on:
        runs = QuestRun.__table__
        moved = (
            sa.update(runs)
            .where(runs.c.id == p("m_run_id"))
            .values(current_step_id=p("m_step_id"), updated_at=p("m_now"))
            .cte("moved")
        )
        parts.append(moved)
    if record:
        parts.append(record_insert("r_").cte("remembered"))
    statement = sa.select(stored.c.id) if answer else sa.select(sa.null())
    for part in parts:
        statement = statement.add_cte(part)
    return statement
