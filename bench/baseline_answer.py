"""Baseline for answering: bare Flask, one INSERT per answer, served like ours.

BENCH_ANSWER_DB=/tmp/x.db gunicorn -k gevent -w 1 -b 127.0.0.1:PORT baseline_answer:app
BENCH_ANSWER_PG=postgresql://... gunicorn ... baseline_answer:app   (the same on PostgreSQL)

`POST /runs/<run_id>/answers` takes the same JSON as ours (`{"step_id": ..., "value": ...}`),
stores it with one INSERT (committed: with these pragmas the commit is an fsync, as ours) and
returns the new row's id as JSON. SQLite is set up as ours (game_server/db.py): WAL,
synchronous=FULL, one connection per process.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import sqlite3  # noqa: E402

from flask import Flask, abort, jsonify, request  # noqa: E402

DATABASE = os.environ.get("BENCH_ANSWER_DB")
POSTGRES = os.environ.get("BENCH_ANSWER_PG")  # a postgresql:// URL: the same on PostgreSQL
if not DATABASE and not POSTGRES:
    raise SystemExit("set BENCH_ANSWER_DB (SQLite file) or BENCH_ANSWER_PG (PostgreSQL URL)")

if POSTGRES:
    import psycopg  # noqa: E402

    connection = psycopg.connect(POSTGRES)  # one connection per process, as ours has a pool
    connection.execute(
        "CREATE TABLE IF NOT EXISTS answers (id SERIAL PRIMARY KEY, run_id INTEGER NOT NULL, "
        "step_id TEXT NOT NULL, value TEXT NOT NULL)"
    )
    connection.commit()
else:
    connection = sqlite3.connect(DATABASE, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(
        "CREATE TABLE IF NOT EXISTS answers (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, "
        "step_id TEXT NOT NULL, value TEXT NOT NULL)"
    )


def store(run_id: int, step_id: str, value: str) -> int:
    """One INSERT, committed (an fsync on either database)."""
    if POSTGRES:
        row = connection.execute(
            "INSERT INTO answers (run_id, step_id, value) VALUES (%s, %s, %s) RETURNING id",
            (run_id, step_id, value),
        ).fetchone()
        connection.commit()
        return row[0]
    cursor = connection.execute(
        "INSERT INTO answers (run_id, step_id, value) VALUES (?, ?, ?)", (run_id, step_id, value)
    )
    return cursor.lastrowid


app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.post("/runs/<int:run_id>/answers")
def answer(run_id: int):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("step_id"), str):
        abort(400)
    answer_id = store(run_id, body["step_id"], json.dumps(body.get("value")))
    return jsonify(answer_id=answer_id, run_id=run_id, step_id=body["step_id"])
