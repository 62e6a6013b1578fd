"""The server's own loop empties the mail outbox (the embedded default: no Redis, no RQ
worker): a mail queued by another process arrives at the test's SMTP server by itself."""

import time

import pytest

from game_server.db import session_scope
from game_server.models import Role
from game_server.services.guidance import assignments, coaching
from game_server.services.outreach import outbox

from ..factories import make_user
from ..servers import start_server
from ..smtp_server import SmtpServer

pytestmark = pytest.mark.server


def test_a_queued_mail_is_sent_by_the_servers_loop(app_factory, sqlite_url, tmp_path):
    app = app_factory(sqlite_url)
    smtp = SmtpServer().start()
    env = {
        "GAME_SMTP_HOST": "127.0.0.1",
        "GAME_SMTP_PORT": str(smtp.port),
        "GAME_SMTP_STARTTLS": "0",
        "GAME_MAIL_INTERVAL_SECONDS": "0.3",
        "GAME_SECRET_KEY": app.secret_key,
    }
    server = start_server(sqlite_url, tmp_path / "instance", env=env, migrate=False)
    try:
        worker = make_user(app)
        with session_scope(app) as session:  # a coach's assignment queues its mail
            coach = make_user(app, Role.COACH)
            code = coaching.create_invite(session, coach_id=coach.id).code
            coaching.accept(session, worker_id=worker.id, code=code)
            assignments.assign(
                session,
                app.extensions["catalog_source"].current(),
                coach_id=coach.id,
                quest_id="open-to-all",
                worker_ids=[worker.id],
            )
            assert outbox.pending_count(session) == 1
        deadline = time.monotonic() + 20
        while not smtp.inbox.to(worker.email) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(smtp.inbox.to(worker.email)) == 1
        time.sleep(1)  # more rounds: still once
        assert len(smtp.inbox.to(worker.email)) == 1
    finally:
        server.stop()
        smtp.stop()
