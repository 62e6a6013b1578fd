"""Baseline for HTTP: bare Flask, one JSON route, served like ours.

gunicorn -k gevent -w 1 -b 127.0.0.1:PORT bench.baseline_flask:app
"""

from gevent import monkey

monkey.patch_all()

from flask import Flask, jsonify  # noqa: E402

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
