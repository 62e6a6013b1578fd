"""Production entry point: `gunicorn -k gevent -w 1 game_server.wsgi:app`."""

# Patch the standard library before anything else imports it (sockets, threading, ssl).
from gevent import monkey

monkey.patch_all()

from game_server import create_app  # noqa: E402
from game_server.config import Settings  # noqa: E402

app = create_app(Settings(async_mode="gevent"))
# Load the content now: broken files stop the start-up with every problem listed.
app.extensions["catalog_source"].current()


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


if app.config["GAME_SETTINGS"].xapi_delivery:
    from game_server.extensions import socketio as _socketio

    _socketio.start_background_task(_deliver_xapi_forever)


def _remind_forever() -> None:
    """Reminders and check-ins now and then: through RQ with Redis, else right here."""
    from game_server import jobs
    from game_server.extensions import socketio

    settings = app.config["GAME_SETTINGS"]
    while True:
        socketio.sleep(settings.reminder_interval_seconds)
        try:
            if settings.redis_url:
                jobs.enqueue_reminders(settings)
            else:
                jobs.send_reminders(app)
        except Exception:  # noqa: BLE001 (a failed round must not end the loop)
            app.logger.exception("reminder round failed")


if app.config["GAME_SETTINGS"].reminders:
    from game_server.extensions import socketio as _socketio

    _socketio.start_background_task(_remind_forever)


def _mail_forever() -> None:
    """Empty the e-mail outbox now and then: through RQ with Redis, else right here."""
    from game_server import jobs
    from game_server.extensions import socketio

    settings = app.config["GAME_SETTINGS"]
    while True:
        socketio.sleep(settings.mail_interval_seconds)
        try:
            if settings.redis_url:
                jobs.enqueue_mail(settings)
            else:
                jobs.deliver_mail(app)
        except Exception:  # noqa: BLE001 (a failed round must not end the loop)
            app.logger.exception("mail round failed")


if app.config["GAME_SETTINGS"].mail_delivery:
    from game_server.extensions import socketio as _socketio

    _socketio.start_background_task(_mail_forever)
