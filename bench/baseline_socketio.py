"""Baseline for Socket.IO: bare python-socketio, accepts everyone, "echo" acks its data.

gunicorn -k gevent -w 1 -b 127.0.0.1:PORT bench.baseline_socketio:app
"""

from gevent import monkey

monkey.patch_all()

import socketio  # noqa: E402

sio = socketio.Server(async_mode="gevent")


@sio.event
def connect(sid, environ, auth=None):
    return True


@sio.event
def echo(sid, data=None):
    return data


def healthz(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"status": "ok"}']


app = socketio.WSGIApp(sio, healthz)
