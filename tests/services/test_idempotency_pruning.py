"""Idempotency records are kept a week, then pruned a batch at a time."""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from game_server import jobs
from game_server.db import session_scope
from game_server.models import IdempotencyRecord, Role, utcnow
from game_server.services.play import idempotency

from ..factories import make_user


def _record(session, user_id: int, age: timedelta) -> str:
    key = f"test:{uuid.uuid4()}"
    session.connection().execute(
        sa.insert(IdempotencyRecord.__table__),
        {
            "user_id": user_id,
            "key": key,
            "request_digest": "d" * 64,
            "response": "{}",
            "created_at": utcnow() - age,
        },
    )
    return key


def _keys(app) -> set[str]:
    with session_scope(app) as session:
        return set(session.exec(select(IdempotencyRecord.key)).all())


def test_records_past_the_retention_go_in_batches_and_recent_ones_stay(app):
    worker = make_user(app, Role.WORKER)
    with session_scope(app) as session:
        old = {_record(session, worker.id, timedelta(days=8, minutes=n)) for n in range(5)}
        recent = {_record(session, worker.id, timedelta(days=6)) for _ in range(2)}
    with session_scope(app) as session:
        assert idempotency.prune(session, older_than=timedelta(days=7), batch=2) == 5
    assert _keys(app) == recent
    with session_scope(app) as session:  # nothing left to prune: nothing changes
        assert idempotency.prune(session, older_than=timedelta(days=7)) == 0
    assert old.isdisjoint(_keys(app))


def test_the_job_prunes_by_the_configured_retention(app):
    worker = make_user(app, Role.WORKER)
    assert app.config["GAME_SETTINGS"].idempotency_retention_days == 7
    with session_scope(app) as session:
        _record(session, worker.id, timedelta(days=7, hours=1))
        kept = _record(session, worker.id, timedelta(hours=1))
    jobs.run_round(app, "prune_idempotency_records")  # no Redis: it runs right here
    assert _keys(app) == {kept}
