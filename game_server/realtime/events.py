"""The one door for client events: rate-limited, validated, signed in, answered by an ack.

Every client event goes through `client_event`, so a handler only ever sees a live user and a
payload that passed its pydantic model. A flood from one connection is refused per event and
then disconnected; other connections never notice (each has its own bucket). The payload is
checked before anything touches the database, so hostile input costs no queries.
"""

import functools
import threading
import time
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from flask import current_app, request
from flask_babel import gettext as _
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ..db import open_statement_session
from ..extensions import socketio
from ..models.types import MAX_ROW_ID
from . import disconnect_after_reply, refusal, socket_user

# A UUID the client makes per write; a retry sends the same one.
ClientId = Annotated[uuid.UUID, Field(description="idempotency key of a write")]
JoinCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z0-9]{6}$")
]
# An id from the client: one that cannot be a row is refused here, not by the database driver
# (which raises an overflow on SQLite and "integer out of range" on PostgreSQL).
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]

# Answers are a list or an object one level deep; this leaves room and stops a payload nested
# a thousand levels deep before any code walks it recursively (and hits the recursion limit).
MAX_NESTING = 6
# Strings, numbers, lists and objects in one payload. An answer has a few dozen at most; a 64 KB
# message can hold 30,000, and checking each costs the server (and its one hub) real time.
MAX_PARTS = 1_000
MAX_REPORTED_FIELDS = 10
MAX_FIELD_NAME_CHARS = 60

# Every client event and its payload model (None: the event takes no data), as registered.
CLIENT_EVENTS: dict[str, type[BaseModel] | None] = {}


def check_json_shape(data: Any) -> None:
    """Refuse more than MAX_PARTS parts, nesting deeper than MAX_NESTING, and text a database
    cannot store.

    Walked without recursion. A lone surrogate ("\\ud800" in JSON) is a valid Python str but
    cannot be stored as UTF-8, and PostgreSQL refuses text with a NUL character: the database
    would fail on either.
    """
    stack = [(data, 0)]
    seen = 1  # parts taken on the stack so far: counted before a list is walked, not after
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ValueError("text contains a NUL character")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("text contains characters that are not valid Unicode") from None
        elif isinstance(item, dict | list):
            if depth >= MAX_NESTING:
                raise ValueError(f"data is nested more than {MAX_NESTING} levels deep")
            seen += 2 * len(item) if isinstance(item, dict) else len(item)
            if seen > MAX_PARTS:
                raise ValueError(f"data has more than {MAX_PARTS} parts")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


class Payload(BaseModel):
    """Base for event payloads: unknown fields, oversized strings and deep nesting are refused."""

    model_config = ConfigDict(extra="forbid", str_max_length=5_000)

    @model_validator(mode="before")
    @classmethod
    def _reasonable_json(cls, data: Any) -> Any:
        check_json_shape(data)
        return data


class TokenBucket:
    """Tokens per connection; one event takes one. Refusals in a row are counted."""

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, list[float]] = {}  # sid -> [tokens, last refill, refusals]
        self._lock = threading.Lock()

    def take(self, sid: str) -> int:
        """0 when the event may pass; otherwise how many events were refused in a row."""
        now = time.monotonic()
        with self._lock:
            tokens, last, refused = self._buckets.get(sid, (self.burst, now, 0))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[sid] = [tokens - 1, now, 0]
                return 0
            self._buckets[sid] = [tokens, now, refused + 1]
            return int(refused + 1)

    def forget(self, sid: str) -> None:
        with self._lock:
            self._buckets.pop(sid, None)


def _bucket() -> TokenBucket:
    app = current_app._get_current_object()
    bucket = app.extensions.get("socket_bucket")
    if bucket is None:
        settings = app.config["GAME_SETTINGS"]
        bucket = TokenBucket(settings.socket_events_per_second, settings.socket_event_burst)
        app.extensions["socket_bucket"] = bucket
    return bucket


def forget_connection(sid: str) -> None:
    _bucket().forget(sid)


def _validation_refusal(error: ValidationError) -> dict:
    # Bounded: a payload with ten thousand unknown keys gets a short answer, not an echo.
    fields = {}
    for problem in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in problem["loc"]) or "payload"
        if len(where) > MAX_FIELD_NAME_CHARS:
            where = where[: MAX_FIELD_NAME_CHARS - 1] + "…"
        fields.setdefault(where, problem["msg"])
        if len(fields) == MAX_REPORTED_FIELDS:
            break
    message = "; ".join(f"{where}: {msg}" for where, msg in fields.items())
    answer = refusal(
        "invalid_input", _("The event's data is not valid: %(problems)s", problems=message)
    )
    answer["error"]["fields"] = fields
    return answer


def client_event(
    name: str, payload: type[BaseModel] | None = None, *, one_statement: bool = False
) -> Callable:
    """Register `handler(user, payload)` for the event `name`; what it returns is the ack.

    `one_statement`: the handler's writes are a single statement, so its session commits
    each statement by itself (db.open_statement_session)."""

    def register(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def on_event(data=None, *_extra):
            refused = _bucket().take(request.sid)
            if refused:
                limit = current_app.config["GAME_SETTINGS"].socket_flood_refusals
                if refused >= limit:
                    disconnect_after_reply(request.sid)
                return refusal("rate_limited", _("Too many messages; wait a moment."))
            parsed = None
            if payload is not None:
                try:
                    parsed = payload.model_validate(data if data is not None else {})
                except ValidationError as error:
                    return _validation_refusal(error)
            if one_statement:
                open_statement_session()
            user = socket_user()
            if user is None:
                return refusal("unauthorized", _("Your login has ended. Log in again."))
            return handler(user, parsed)

        CLIENT_EVENTS[name] = payload
        socketio.on_event(name, on_event)
        return handler

    return register
