"""Reminder jobs through a real RQ worker on Redis; the reminder reaches an open tab live."""

import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from redis import Redis
from rq import Queue

from ..conftest import create_postgres_database, drop_postgres_database, need_redis
from ..servers import ROOT, start_server
from .live_clients import coach_token, guest_token, screen

pytestmark = pytest.mark.server


def _api(server, method, path, token, **kwargs):
    return requests.request(
        method,
        f"{server.url}/api/v1{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
        **kwargs,
    )


def _run_worker(server) -> None:
    """`rq worker --burst`: work the queue until it is empty, then stop (as the Procfile's
    worker does for ever)."""
    rq = str(Path(sys.executable).parent / "rq")
    env = server.env
    subprocess.run(
        [rq, "worker", "--burst", "--url", env["GAME_REDIS_URL"], env["GAME_JOB_QUEUE"]],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_a_reminder_runs_in_an_rq_worker_once_and_reaches_the_open_tab(tmp_path):
    redis_url = need_redis()
    database_url = create_postgres_database("lq_jobs")
    name = uuid.uuid4().hex[:8]
    env = {"GAME_SOCKETIO_CHANNEL": f"lq-jobs-{name}", "GAME_JOB_QUEUE": f"lq-jobs-{name}"}
    server = start_server(database_url, tmp_path / "instance", redis_url=redis_url, env=env)
    try:
        coach, worker = coach_token(server), guest_token(server, "Tess")
        worker_id = _api(server, "GET", "/me", worker).json()["id"]
        code = _api(server, "POST", "/coach/invites", coach).json()["code"]
        _api(server, "POST", "/me/coaches", worker, json={"code": code})
        due = (date.today() + timedelta(days=1)).isoformat()
        made = _api(
            server,
            "POST",
            "/coach/assignments",
            coach,
            json={"quest_id": "open-to-all", "worker_ids": [worker_id], "due": due},
        )
        assert made.status_code == 201, made.text
        tab = screen(server, worker)
        try:
            from game_server.config import Settings
            from game_server.jobs import enqueue_reminders

            settings = Settings(redis_url=redis_url, job_queue=env["GAME_JOB_QUEUE"])
            enqueue_reminders(settings)
            _run_worker(server)
            reminder = tab.wait_for("reminder:new")
            assert reminder["kind"] == "assignment_due" and reminder["due"] == due
            enqueue_reminders(settings)  # a second round: nothing new to say
            _run_worker(server)
            queue = Queue(env["GAME_JOB_QUEUE"], connection=Redis.from_url(redis_url))
            # The server's own loops go on enqueueing (the outbox every 30 s): count ours.
            left = [job for job in queue.jobs if job.func_name.endswith("send_reminders")]
            assert left == [] and queue.failed_job_registry.count == 0
            engine = sa.create_engine(database_url)
            with engine.connect() as connection:
                stored = connection.execute(sa.text("SELECT count(*) FROM notifications")).scalar()
            engine.dispose()
            assert stored == 1  # the second round stored nothing, so it told nobody
            assert len(tab.received("reminder:new")) == 1
        finally:
            tab.close()
    finally:
        server.stop()
        drop_postgres_database(database_url)
