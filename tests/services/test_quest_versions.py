"""The stored version of a quest: made once, by whichever first start wins."""

import threading
import time

import sqlalchemy as sa
from sqlmodel import Session, select

from game_server.db import get_engine, session_scope
from game_server.models import QuestVersion
from game_server.services.play.run_state import version_for

from ..conftest import _truncate_all


def _waiting_on_a_lock(engine) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar()
        )


def test_two_first_starts_at_once_share_one_version_row(app_factory, postgres_database):
    """Found by the soak (bench/soak.py): ten live sessions of one quest opened at once on
    PostgreSQL, and all but one answered 500 (a unique violation on quest_versions)."""
    _truncate_all(postgres_database)
    app = app_factory(postgres_database)
    engine = get_engine(app)
    quest = app.extensions["catalog_source"].current().quest("at-the-depot")
    first = Session(engine)
    made = version_for(first, quest)  # inserted, not yet committed: the other start waits
    outcome: dict = {}

    def second_start() -> None:
        try:
            with session_scope(app) as session:
                outcome["id"] = version_for(session, quest).id
                session.commit()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = error

    other = threading.Thread(target=second_start)
    other.start()
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock(engine) and time.monotonic() < deadline:
        time.sleep(0.05)  # poll until the second INSERT waits on the first's unique key
    first.commit()
    made_id = made.id
    first.close()
    other.join(timeout=30)
    assert outcome == {"id": made_id}
    with session_scope(app) as session:
        assert len(session.exec(select(QuestVersion)).all()) == 1
