"""The unit of work: services raise domain events into the session; its commit hands them on.

A service calls `raise_event(session, event)` at the moment the state changes. Nothing is
sent then. When the session's transaction commits, the events go to their handlers from one
registry (`HANDLERS`), in two phases:

- `during` handlers run just before the commit, in the same transaction (the xAPI outbox):
  what they write is stored with the change that caused it, or not at all;
- `after` handlers run once the commit has succeeded (socket publishing): a change nobody
  stored is never announced. They must not use the session (it is between transactions):
  what they need from the database a `prepare` function reads just before the commit, and
  the handler gets it as its second argument.

A rollback drops the events raised since the transaction (or savepoint) began. An idempotent
replay raises nothing, so it publishes and queues nothing. No flask here: the subscribers
that need the app (sockets, settings) register from `game_server/subscribers/`.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

log = logging.getLogger(__name__)

_EVENTS = "domain_events"
_MARKS = "domain_event_marks"
_CALLS = "domain_event_calls"

During = Callable[[Session, Any], None]
After = Callable[..., None]
Prepare = Callable[[Session, Any], Any]


class Handlers:
    """Which handlers hear which event type, in each phase."""

    def __init__(self) -> None:
        self.during: dict[type, list[During]] = defaultdict(list)
        self.after: dict[type, list[tuple[After, Prepare | None]]] = defaultdict(list)

    def during_commit(self, *event_types: type) -> Callable[[During], During]:
        def register(handler: During) -> During:
            for event_type in event_types:
                self.during[event_type].append(handler)
            return handler

        return register

    def after_commit(
        self, *event_types: type, prepare: Prepare | None = None
    ) -> Callable[[After], After]:
        def register(handler: After) -> After:
            for event_type in event_types:
                self.after[event_type].append((handler, prepare))
            return handler

        return register


HANDLERS = Handlers()


def raise_event(session: Session, event: Any) -> None:
    """Record that something happened in this unit of work (sent on commit, dropped on rollback)."""
    session.info.setdefault(_EVENTS, []).append(event)


def pending_events(session: Session) -> list[Any]:
    """The events raised and not yet committed (for tests and for a service that must look)."""
    return list(session.info.get(_EVENTS, ()))


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.get(_EVENTS):
        return
    events = session.info[_EVENTS]
    # A handler may raise events of its own (they are handled in this same pass).
    handled = 0
    while handled < len(events):
        event = events[handled]
        handled += 1
        for handler in HANDLERS.during.get(type(event), ()):
            handler(session, event)
    calls = []
    for event in events:
        for handler, prepare in HANDLERS.after.get(type(event), ()):
            calls.append((handler, event, (prepare(session, event),) if prepare else ()))
    session.info[_CALLS] = calls


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_EVENTS, None)
    session.info.pop(_MARKS, None)
    for handler, event, prepared in session.info.pop(_CALLS, ()):
        try:
            handler(event, *prepared)
        except Exception:  # noqa: BLE001 - the change is stored; a lost notice must not fail it
            log.exception("handler %s failed for %r", handler.__qualname__, event)


def _forget(session: Session) -> None:
    for key in (_EVENTS, _MARKS, _CALLS):
        session.info.pop(key, None)


def _savepoint_began(session: Session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[id(transaction)] = len(session.info.get(_EVENTS, ()))


def _rolled_back(session: Session, transaction) -> None:
    if transaction.nested:
        mark = session.info.get(_MARKS, {}).pop(id(transaction), None)
        if mark is not None:
            del session.info.get(_EVENTS, [])[mark:]
        return
    _forget(session)


def _transaction_ended(session: Session, transaction) -> None:
    # A savepoint's mark stays until the root ends: a rollback of it is told afterwards.
    if transaction.parent is None:
        # Closed without a commit (the request ended, the session was closed): never sent.
        _forget(session)


def install() -> None:
    """Listen on every session (once per process)."""
    if sa.event.contains(Session, "after_commit", _after_commit):
        return
    sa.event.listen(Session, "before_commit", _before_commit)
    sa.event.listen(Session, "after_commit", _after_commit)
    sa.event.listen(Session, "after_transaction_create", _savepoint_began)
    sa.event.listen(Session, "after_soft_rollback", _rolled_back)
    sa.event.listen(Session, "after_transaction_end", _transaction_ended)
