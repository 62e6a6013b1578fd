"""Idempotency keys: the same key with the same request replays the first response."""

import hashlib
import json
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from ...models import IdempotencyRecord, utcnow
from ..common.errors import N_, InvalidInput
from .run_state import RunView

MAX_KEY_LENGTH = 100


class IdempotencyMismatch(InvalidInput):
    code = "idempotency_key_reused"


def request_digest(run_id: int, step_id: str, value: Any, *, share: bool = False) -> str:
    request = {"run": run_id, "step": step_id, "value": value}
    if share:  # only then, so keys stored before sharing existed keep their digest
        request["share"] = True
    body = json.dumps(request, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


# The record under a request's key, by the bind parameters `user_id` and `key`: looked up
# alone here, joined to the run (solo answers) or to the seat (live answers) there.
UNDER_KEY = sa.and_(
    IdempotencyRecord.user_id == sa.bindparam("user_id"),
    IdempotencyRecord.key == sa.bindparam("key"),
)
_RECORDED = sa.select(IdempotencyRecord.request_digest, IdempotencyRecord.response).where(UNDER_KEY)
_RECORD = sa.insert(IdempotencyRecord.__table__)


def record_insert(prefix: str = "", created_at: str = "created_at"):
    """The record's INSERT with bind parameters named `prefix` + its columns (the time as
    `prefix` + `created_at`), for a statement that writes it along with the answer."""
    p = sa.bindparam
    return sa.insert(IdempotencyRecord.__table__).values(
        user_id=p(prefix + "user_id"),
        key=p(prefix + "key"),
        request_digest=p(prefix + "request_digest"),
        response=p(prefix + "response"),
        created_at=p(prefix + created_at),
    )


def replay(session: Session, user_id: int, key: str, digest: str) -> RunView | None:
    """The first response to an answer under this key, or None if there is none yet."""
    found = session.connection().execute(_RECORDED, {"user_id": user_id, "key": key}).first()
    if found is None:
        return None
    return replayed_view(found.request_digest, found.response, digest)


def replayed_view(stored_digest: str, response: str, digest: str) -> RunView:
    """The first response to an answer, from the record under its key (the caller read it
    along with the run); another request under the key is refused."""
    if stored_digest != digest:
        raise IdempotencyMismatch(
            "This Idempotency-Key was already used for another answer; use a new key.",
            field="Idempotency-Key",
        )
    return RunView.model_validate_json(response)


def check_key(key: str | None) -> None:
    if key is not None and not 0 < len(key) <= MAX_KEY_LENGTH:
        raise InvalidInput(
            N_("Idempotency-Key must be 1 to %(max)d characters."),
            field="Idempotency-Key",
            max=MAX_KEY_LENGTH,
        )


def digest_of(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def replay_payload(session: Session, user_id: int, key: str, digest: str) -> dict | None:
    """The first response to a keyed socket event, or None; another request under the key fails.

    Plain SQL on the session's connection: this is on the path of every live answer.
    """
    found = session.connection().execute(_RECORDED, {"user_id": user_id, "key": key}).first()
    if found is None:
        return None
    return recorded_payload(found.request_digest, found.response, digest)


def recorded_payload(stored_digest: str | None, response: str | None, digest: str) -> dict | None:
    """`replay_payload` for a record the caller read itself (or None where there was none):
    the live answer reads it in the same statement as the seat."""
    if stored_digest is None:
        return None
    if stored_digest != digest:
        raise IdempotencyMismatch(
            "This client_id was already used for another message.", field="client_id"
        )
    return json.loads(response)


def remember_payload(session: Session, user_id: int, key: str, digest: str, payload: dict) -> None:
    """Store the response with its key, in the caller's transaction.

    A racing request with the same key makes this (or the commit) raise IntegrityError.
    """
    _insert(session, user_id, key, digest, json.dumps(payload))


def _insert(session: Session, user_id: int, key: str, digest: str, response: str) -> None:
    session.connection().execute(
        _RECORD,
        {
            "user_id": user_id,
            "key": key,
            "request_digest": digest,
            "response": response,
            "created_at": utcnow(),
        },
    )


def once(session: Session, *, user_id: int, key: str, request: Any, act) -> dict:
    """Do `act` (which commits) once per key; the same key again returns the first result.

    The same key with another request is refused, as for answers.
    """
    digest = digest_of(request)
    replayed = replay_payload(session, user_id, key, digest)
    if replayed is not None:
        return replayed
    result = act()
    try:
        remember_payload(session, user_id, key, digest, result)
        session.commit()
    except sa.exc.IntegrityError:  # a retry racing the first call: it was done once, keep that
        session.rollback()
    return result


# A batch per transaction: the delete holds its locks only briefly while answers go on.
PRUNE_BATCH = 5000
_OLD_RECORDS = (
    sa.select(IdempotencyRecord.user_id, IdempotencyRecord.key)
    .where(IdempotencyRecord.created_at < sa.bindparam("before"))
    .limit(sa.bindparam("batch"))
)
_PRUNE = sa.delete(IdempotencyRecord).where(
    sa.tuple_(IdempotencyRecord.user_id, IdempotencyRecord.key).in_(_OLD_RECORDS)
)


def prune(session: Session, *, older_than: timedelta, batch: int = PRUNE_BATCH) -> int:
    """Delete the records older than `older_than`, a committed batch at a time; how many.

    After that a request under such a key is handled as new. Nothing resends that late:
    a phone resends an unacknowledged answer within seconds, a page within minutes."""
    before = utcnow() - older_than
    pruned = 0
    while True:
        deleted = session.connection().execute(_PRUNE, {"before": before, "batch": batch})
        session.commit()
        pruned += deleted.rowcount
        if deleted.rowcount < batch:
            return pruned
