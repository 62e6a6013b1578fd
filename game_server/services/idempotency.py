"""Idempotency keys: the same key with the same request replays the first response."""

import hashlib
import json
from typing import Any

from sqlmodel import Session

from ..models import IdempotencyRecord
from .errors import InvalidInput
from .run_state import RunView

MAX_KEY_LENGTH = 100


class IdempotencyMismatch(InvalidInput):
    code = "idempotency_key_reused"


def request_digest(run_id: int, step_id: str, value: Any) -> str:
    body = json.dumps({"run": run_id, "step": step_id, "value": value}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def replay(session: Session, user_id: int, key: str, digest: str) -> RunView | None:
    record = session.get(IdempotencyRecord, (user_id, key))
    if record is None:
        return None
    if record.request_digest != digest:
        raise IdempotencyMismatch(
            "This Idempotency-Key was already used for another answer; use a new key.",
            field="Idempotency-Key",
        )
    return RunView.model_validate_json(record.response)


def check_key(key: str | None) -> None:
    if key is not None and not 0 < len(key) <= MAX_KEY_LENGTH:
        raise InvalidInput(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.", field="Idempotency-Key"
        )


def remember(session: Session, user_id: int, key: str, digest: str, view: RunView) -> None:
    """Keep the response with the key, in the same transaction as the answer it describes."""
    session.add(
        IdempotencyRecord(
            user_id=user_id, key=key, request_digest=digest, response=view.model_dump_json()
        )
    )


def digest_of(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def replay_payload(session: Session, user_id: int, key: str, digest: str) -> dict | None:
    """The first response to a keyed socket event, or None; another request under the key fails."""
    record = session.get(IdempotencyRecord, (user_id, key))
    if record is None:
        return None
    if record.request_digest != digest:
        raise IdempotencyMismatch(
            "This client_id was already used for another message.", field="client_id"
        )
    return json.loads(record.response)


def remember_payload(session: Session, user_id: int, key: str, digest: str, payload: dict) -> None:
    session.add(
        IdempotencyRecord(
            user_id=user_id, key=key, request_digest=digest, response=json.dumps(payload)
        )
    )
