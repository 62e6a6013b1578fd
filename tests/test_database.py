"""The database: SQLite tuned for gevent, migrations that match the models on both backends."""

import subprocess
import sys
import textwrap
import time

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import game_server.models  # noqa: F401
from game_server.db import create_db_engine, upgrade_database

from .conftest import create_postgres_database, drop_postgres_database


def test_sqlite_runs_with_wal_foreign_keys_full_sync_and_a_busy_timeout(sqlite_url):
    engine = create_db_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        # Waiting happens in Python (cooperatively), not in sqlite's hub-blocking handler.
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() <= 100
    assert engine.pool.size() == 1
    engine.dispose()


def test_sqlite_enforces_foreign_keys(sqlite_url):
    engine = create_db_engine(sqlite_url)
    with engine.connect() as conn:
        try:
            conn.exec_driver_sql("INSERT INTO user_roles (user_id, role) VALUES (999, 'worker')")
            conn.commit()
            raised = False
        except sa.exc.IntegrityError:
            raised = True
    engine.dispose()
    assert raised


def test_sqlite_write_transactions_take_the_lock_at_begin(sqlite_url):
    """Another process must wait at BEGIN, not fail half-way with "database is locked"."""
    import sqlite3

    engine = create_db_engine(sqlite_url)
    other_process = sqlite3.connect(sa.make_url(sqlite_url).database, timeout=0.1)
    with engine.connect() as ours:
        ours.exec_driver_sql("SELECT 1")  # a read, yet our BEGIN IMMEDIATE took the write lock
        try:
            other_process.execute("BEGIN IMMEDIATE")
            blocked = False
        except sqlite3.OperationalError as exc:
            blocked = "locked" in str(exc)
    other_process.close()
    engine.dispose()
    assert blocked


def test_many_greenlets_write_to_sqlite_without_locking_errors(sqlite_url, tmp_path):
    """Under gevent, 40 greenlets x 10 read-then-write transactions all land, none 'locked'."""
    script = textwrap.dedent(f"""
        from gevent import monkey; monkey.patch_all()
        import gevent, sqlalchemy as sa
        from sqlmodel import Session
        from game_server.db import create_db_engine
        from game_server.models import Organisation
        engine = create_db_engine({sqlite_url!r})
        errors = []
        def writer(n):
            for i in range(10):
                try:
                    with Session(engine) as session:
                        # Read, yield to other greenlets (as real work does), then write.
                        session.exec(sa.select(sa.func.count()).select_from(Organisation)).one()
                        gevent.sleep(0.001)
                        session.add(Organisation(name=f"org-{{n}}-{{i}}", kind="employer"))
                        session.commit()
                except Exception as exc:
                    errors.append(repr(exc))
        gevent.joinall([gevent.spawn(writer, n) for n in range(40)], timeout=60)
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT count(*) FROM organisations").scalar()
        print(rows, len(errors), errors[:3])
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    rows, errors = result.stdout.split()[:2]
    assert (rows, errors) == ("400", "0"), result.stdout


HOLD_LOCK = textwrap.dedent("""
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    connection.execute("ROLLBACK")
""")


def test_a_lock_held_by_another_process_does_not_freeze_other_greenlets(sqlite_url):
    """While a CLI command holds the write lock, the server's other greenlets keep running."""
    path = sa.make_url(sqlite_url).database
    script = textwrap.dedent(f"""
        from gevent import monkey; monkey.patch_all()
        import subprocess, sys, gevent
        from sqlmodel import Session
        from game_server.db import create_db_engine
        from game_server.models import Organisation
        engine = create_db_engine({sqlite_url!r})
        holder = subprocess.Popen(
            [sys.executable, "-c", {HOLD_LOCK!r}, {path!r}, "1.0"], stdout=subprocess.PIPE
        )
        holder.stdout.readline()
        state = {{"ticks": 0, "done": False}}
        def ticker():
            while not state["done"]:
                state["ticks"] += 1
                gevent.sleep(0.01)
        def writer():
            with Session(engine) as session:
                session.add(Organisation(name="after the lock", kind="employer"))
                session.commit()
        gevent.spawn(ticker)
        job = gevent.spawn(writer)
        job.join()
        state["done"] = True
        holder.wait()
        print(state["ticks"], job.successful())
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    ticks, written = result.stdout.split()
    # About 100 ticks fit in the one-second wait; a blocked hub manages none or one.
    assert written == "True"
    assert int(ticks) >= 10, f"the hub froze while waiting for the lock ({ticks} ticks)"


def test_a_lock_held_too_long_fails_cleanly_and_writes_nothing(sqlite_url, monkeypatch):
    from sqlmodel import Session

    from game_server import db
    from game_server.models import Organisation

    monkeypatch.setattr(db, "SQLITE_LOCK_WAIT_SECONDS", 0.2)
    path = sa.make_url(sqlite_url).database
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, path, "2"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        engine = create_db_engine(sqlite_url)
        with Session(engine) as session:
            session.add(Organisation(name="too early", kind="employer"))
            try:
                session.commit()
                failed = False
            except sa.exc.OperationalError:
                failed = True
    finally:
        holder.wait(timeout=10)
    assert failed
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM organisations").scalar() == 0
    engine.dispose()


def _assert_schema_matches_models(url: str) -> None:
    engine = create_db_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def _table_names(url: str) -> set[str]:
    engine = create_db_engine(url)
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    return names


def _check_migrations(url: str) -> None:
    from alembic import command

    from game_server.db import alembic_config

    upgrade_database(url)
    _assert_schema_matches_models(url)
    command.downgrade(alembic_config(url), "base")
    assert _table_names(url) <= {"alembic_version"}
    upgrade_database(url)
    _assert_schema_matches_models(url)


def test_migrations_build_the_models_schema_on_sqlite(tmp_path):
    _check_migrations(f"sqlite:///{tmp_path / 'fresh.db'}")


def test_migrations_build_the_models_schema_on_postgresql():
    url = create_postgres_database("lq_mig")
    try:
        _check_migrations(url)
    finally:
        drop_postgres_database(url)


def test_flask_db_upgrade_command(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "game_server", "db", "upgrade"],
        env={"GAME_DATABASE_URL": url, "GAME_INSTANCE_PATH": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "users" in _table_names(url)


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def test_a_pooled_postgresql_connection_the_server_closed_is_replaced_before_use(monkeypatch):
    """Without a ping per checkout: the server's goodbye on an idle connection is noticed."""
    import game_server.db as db

    url = create_postgres_database("lq_pool")
    engine = create_db_engine(url)
    admin = sa.create_engine(sa.make_url(url), isolation_level="AUTOCOMMIT")
    pings: list[str] = []
    try:
        first = _backend_pid(engine)
        assert _backend_pid(engine) == first  # in steady use: the same connection, kept
        with admin.connect() as conn:  # as a restart or an administrator would
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({first})")
        for _ in range(50):  # the goodbye reaches the socket a moment later
            if db._closed_by_server(engine.pool._pool.queue[0].dbapi_connection.fileno()):
                break
            time.sleep(0.02)
        replaced = _backend_pid(engine)  # no error: the closed connection was not handed out
        assert replaced != first

        # One idle past the limit is pinged; one used just now is not.
        real_execute = type(engine.pool._pool.queue[0].dbapi_connection).execute

        def counting_execute(self, query, *args, **kwargs):
            pings.append(query)
            return real_execute(self, query, *args, **kwargs)

        monkeypatch.setattr(
            type(engine.pool._pool.queue[0].dbapi_connection), "execute", counting_execute
        )
        _backend_pid(engine)
        assert "SELECT 1" not in pings
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
        assert _backend_pid(engine) == replaced
        assert "SELECT 1" in pings
    finally:
        engine.dispose()
        admin.dispose()
        drop_postgres_database(url)
