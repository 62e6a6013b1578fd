"""Background jobs: reminders and check-ins, the e-mail outbox, pruning old idempotency records.

With GAME_REDIS_URL they run in an RQ worker (`rq worker --url $GAME_REDIS_URL loopbaan`,
the Procfile's `worker:` line; GAME_JOB_QUEUE names the queue), enqueued by the server now
and then; without Redis the server runs them itself in the same loop. Either way the job
is idempotent.
"""

import logging

from flask import Flask

from .config import Settings

log = logging.getLogger(__name__)
_worker_app: Flask | None = None


def _app() -> Flask:
    """The app of an RQ worker process (made once; the server passes its own)."""
    global _worker_app
    if _worker_app is None:
        from . import create_app

        _worker_app = create_app(Settings(async_mode="threading"))
    return _worker_app


def send_reminders(app: Flask | None = None) -> int:
    """The job: store due reminders and tell the workers' open tabs, queue this week's
    weekly mail for those who chose it and the reminders of conversations within a day;
    returns how many reminders."""
    from .db import session_scope
    from .models import utcnow
    from .services.guidance import bookings, digest, reminders

    app = app or _app()
    with app.app_context(), session_scope(app) as session:
        sent = reminders.send_due(session, app.extensions["catalog_source"].current())
        digest.queue_week(session, now=utcnow())  # once a week each (its key is the week)
        bookings.due_reminders(session)  # conversations within a day: mails queued, once
    _publish(app, sent)
    return len(sent)


def _publish(app: Flask, sent) -> None:
    from .realtime import USER_ROOM

    if not sent:
        return
    settings = app.config["GAME_SETTINGS"]
    if settings.redis_url and app is _worker_app:
        # A job process has no sockets of its own: it emits through the message queue.
        from flask_socketio import SocketIO

        emitter = SocketIO(message_queue=settings.redis_url, channel=settings.socketio_channel)
    else:
        from .extensions import socketio as emitter
    for item in sent:
        emitter.emit(
            "reminder:new", {"kind": item.kind, **item.payload}, to=USER_ROOM.format(item.user_id)
        )


def enqueue(settings: Settings, job: str) -> None:
    """Hand a job of this module (by name) to the RQ workers."""
    from redis import Redis
    from rq import Queue

    queue = Queue(settings.job_queue, connection=Redis.from_url(settings.redis_url))
    queue.enqueue(f"game_server.jobs.{job}", job_timeout=300)


def enqueue_reminders(settings: Settings) -> None:
    enqueue(settings, "send_reminders")


def prune_idempotency_records(app: Flask | None = None) -> int:
    """The job: delete idempotency records past their retention; returns how many."""
    from datetime import timedelta

    from .db import session_scope
    from .services.play import idempotency

    app = app or _app()
    days = app.config["GAME_SETTINGS"].idempotency_retention_days
    with app.app_context(), session_scope(app) as session:
        return idempotency.prune(session, older_than=timedelta(days=days))


# The jobs the server's loops run now and then (game_server/wsgi.py).
ROUNDS = ("send_reminders", "deliver_mail", "prune_idempotency_records")


def run_round(app: Flask, job: str) -> None:
    """One round of a job from the server's loop: through RQ with Redis, else right here."""
    if job not in ROUNDS:
        raise ValueError(f"not a job that runs in rounds: {job}")
    settings = app.config["GAME_SETTINGS"]
    if settings.redis_url:
        enqueue(settings, job)
    else:
        globals()[job](app)


def deliver_mail(app: Flask | None = None) -> int:
    """The job: send the outbox's due mail (retries with backoff); returns how many went."""
    from . import mail
    from .db import session_scope
    from .services.outreach import outbox

    app = app or _app()
    send = mail.sender(app)
    with app.app_context(), session_scope(app) as session:
        return outbox.deliver_due(
            session, compose=lambda s, row: mail.compose(app, s, row), send=send
        )


def nudge_mail(app: Flask) -> None:
    """Mail someone waits for (a password reset): send it now, without blocking the request."""
    settings = app.config["GAME_SETTINGS"]
    if not settings.mail_delivery:
        return
    try:
        if settings.redis_url:
            enqueue(settings, "deliver_mail")
        else:
            from .extensions import socketio

            socketio.start_background_task(_deliver_quietly, app)
    except Exception:  # noqa: BLE001 (the loop sends it a little later)
        log.exception("could not start mail delivery now; the next round sends it")


def _deliver_quietly(app: Flask) -> None:
    try:
        deliver_mail(app)
    except Exception:  # noqa: BLE001
        log.exception("mail delivery failed; the next round tries again")
