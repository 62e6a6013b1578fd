"""Production entry point: `gunicorn -k gevent -w 1 game_server.wsgi:app`."""

# Patch the standard library before anything else imports it (sockets, threading, ssl).
from gevent import monkey

monkey.patch_all()

from game_server import create_app  # noqa: E402
from game_server.config import Settings  # noqa: E402

app = create_app(Settings(async_mode="gevent"))
# Load the content now: broken files stop the start-up with every problem listed.
app.extensions["catalog_source"].current()
