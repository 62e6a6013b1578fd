"""Production entry point: `gunicorn -k gevent -w 1 game_server.wsgi:app`."""

# Patch the standard library before anything else imports it (sockets, threading, ssl).
from gevent import monkey

monkey.patch_all()

import gc  # noqa: E402

from game_server import create_app  # noqa: E402
from game_server.config import Settings  # noqa: E402
from game_server.services.explore import occupations  # noqa: E402

app = create_app(Settings(async_mode="gevent"))
# Load the content now: broken files stop the start-up with every problem listed.
app.extensions["catalog_source"].current()
occupations.catalog()  # the job data too, so that the first search does not wait for it
# What start-up made lives as long as the process: moved out of the collector's sight, the
# full collections that requests trigger now and then walk only what requests made. With
# the quests and the job data that is about 250,000 objects, about 150 ms a walk.
gc.collect()
gc.freeze()


def _deliver_xapi_forever() -> None:
    """Send queued xAPI statements to the LRS now and then; failures only delay them."""
    from game_server.db import session_scope
    from game_server.extensions import socketio
    from game_server.services.progress import xapi

    while True:
        socketio.sleep(app.config["GAME_SETTINGS"].xapi_interval_seconds)
        try:
            with app.app_context(), session_scope(app) as session:
                xapi.send_pending(session, send=xapi.http_send)
        except Exception:  # noqa: BLE001 (a broken LRS or database must not end the loop)
            app.logger.exception("xAPI delivery round failed")


from game_server.extensions import socketio as _socketio  # noqa: E402

if app.config["GAME_SETTINGS"].xapi_delivery:
    _socketio.start_background_task(_deliver_xapi_forever)


def _every(interval: float, job: str) -> None:
    """Run a job of game_server.jobs now and then (through RQ with Redis, else right here);
    a failed round must not end the loop."""
    from game_server import jobs
    from game_server.extensions import socketio

    while True:
        socketio.sleep(interval)
        try:
            jobs.run_round(app, job)
        except Exception:  # noqa: BLE001
            app.logger.exception("%s round failed", job)


_settings = app.config["GAME_SETTINGS"]
if _settings.reminders:  # reminders, check-ins, the weekly mail, conversation reminders
    _socketio.start_background_task(_every, _settings.reminder_interval_seconds, "send_reminders")
if _settings.mail_delivery:  # the e-mail outbox
    _socketio.start_background_task(_every, _settings.mail_interval_seconds, "deliver_mail")
_socketio.start_background_task(  # idempotency records past their week
    _every, _settings.idempotency_prune_interval_seconds, "prune_idempotency_records"
)
