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
        if self.hold:
            self._answer = {
                "run_id": row.run_id,
                "user_id": row.user_id,
                "step_id": row.step_id,
                "step_type": row.step_type,
                "value": row.value,
                "private": row.private,
                "now": now,
            }
            self._held_row = row
            return row
        connection = plain_connection(self.session)
        if existing is not None:
            connection.execute(
                _UPDATE_ANSWER, {"answer_id": row.id, "value": row.value, "now": now}
            )
            return row
        inserted = connection.execute(
            _INSERT_ANSWER,
            {
                "run_id": row.run_id,
                "user_id": row.user_id,
                "step_id": row.step_id,
                "step_type": row.step_type,
                "value": row.value,
                "private": row.private,
                "created_at": now,
                "updated_at": now,
            },
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


@functools.cache
def _combined(answer: bool, move_on: bool, record: bool):
    """The held writes as CTEs of one statement, built once per shape."""
    p = sa.bindparam
    parts = []
    if answer:
        answers = Answer.__table__
        stored = postgresql.insert(answers).values(
            run_id=p("a_run_id"),
            user_id=p("a_user_id"),
            step_id=p("a_step_id"),
            step_type=p("a_step_type"),
            private=p("a_private"),
            value=p("a_value"),
            created_at=p("a_now"),
            updated_at=p("a_now"),
        )
        stored = stored.on_conflict_do_update(
            index_elements=["run_id", "step_id"],
            set_={"value": stored.excluded.value, "updated_at": stored.excluded.updated_at},
        ).returning(answers.c.id)
        stored = stored.cte("stored")
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
        remembered = (
            sa.insert(IdempotencyRecord.__table__)
            .values(
                user_id=p("r_user_id"),
                key=p("r_key"),
                request_digest=p("r_request_digest"),
                response=p("r_response"),
                created_at=p("r_created_at"),
            )
            .cte("remembered")
        )
        parts.append(remembered)
    statement = sa.select(stored.c.id) if answer else sa.select(sa.null())
    for part in parts:
        statement = statement.add_cte(part)
    return statement
