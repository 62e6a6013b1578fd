"""The database engine, one session per request or socket event, and the `flask db` commands.

SQLite under gevent: sqlite waits for a lock inside C, which freezes the whole hub (every
socket of a live session), and two connections of one process that both read-then-write
end in "database is locked". So the embedded mode
- uses one connection per process, handed out by a pool whose wait is gevent-aware;
- starts every transaction with BEGIN IMMEDIATE, so the write lock is taken up front and a
  transaction never fails half-way;
- waits for a lock held by another process (a CLI command beside the server) in Python,
  with a cooperative sleep, instead of in sqlite's busy handler.
Never open a second session inside a request: with one connection it would wait for itself.
"""

import _socket
import sqlite3
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from flask.cli import AppGroup
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

# How long a transaction waits for another process's write lock before giving up.
SQLITE_LOCK_WAIT_SECONDS = 10.0
# sqlite's own (hub-blocking) busy wait: only a short backstop for rare non-BEGIN waits.
SQLITE_BUSY_TIMEOUT_MS = 50
# How long a request or socket event waits for a free database connection before it is
# answered "busy, try again" (sockets: a rate_limited ack). The browser resends an event
# that has no ack after 5 s, so a longer wait only serves a copy nobody waits for; the soak
# (bench/soak.py) on an overloaded machine saw events wait 30 s and end without any answer.
POOL_TIMEOUT_SECONDS = 10


def create_db_engine(url: str) -> Engine:
    """Create the engine for `url`, tuned for SQLite or PostgreSQL."""
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=0,
            pool_timeout=POOL_TIMEOUT_SECONDS,
        )
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = sa.create_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_timeout=POOL_TIMEOUT_SECONDS,
    )
    sa.event.listen(engine, "checkin", _note_checkin)
    sa.event.listen(engine, "checkout", _check_pooled_connection)
    return engine


# A pooled connection unused this long is pinged before it is handed out: a firewall or a
# failover may have dropped it without a word. One in steady use is not: the round trip of
# a ping on every checkout (pool_pre_ping) cost a sixth of a live answer's time.
IDLE_PING_SECONDS = 30.0


def _note_checkin(_dbapi_connection, record) -> None:
    record.info["checked_in"] = time.monotonic()


def _check_pooled_connection(dbapi_connection, record, _proxy) -> None:
    """Refuse a pooled connection the server has closed, or one idle long that fails a ping.

    The pool then opens a fresh one. A server that stops or restarts says goodbye on every
    connection (a message, then the end of the stream), so an idle connection with anything
    to read is one it has closed: that costs a peek at the socket, not a round trip."""
    if "checked_in" not in record.info:  # just opened
        return
    if _closed_by_server(dbapi_connection.fileno()):
        raise sa.exc.DisconnectionError("the server closed this connection")
    if time.monotonic() - record.info["checked_in"] > IDLE_PING_SECONDS:
        try:
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as exc:
            raise sa.exc.DisconnectionError("the idle connection failed its ping") from exc


def _closed_by_server(fd: int) -> bool:
    """Whether the idle connection's socket has anything to read (it should have nothing).

    Peeked through the C socket module: gevent's socket would wait on the hub, and select()
    fails on a process's descriptors past 1024."""
    peek = _socket.socket(fileno=fd)
    try:
        peek.recv(1, _socket.MSG_PEEK | _socket.MSG_DONTWAIT)  # a goodbye, or b"" at the end
        return True
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        peek.detach()  # the descriptor stays the driver's


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Take transaction control away from the driver so BEGIN IMMEDIATE is ours to emit.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: an acknowledged answer survives a power cut, not only a crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    """Take the write lock; while another process holds it, wait without blocking the hub."""
    raw = connection.connection.driver_connection
    deadline = time.monotonic() + SQLITE_LOCK_WAIT_SECONDS
    pause = 0.002
    while True:
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise sa.exc.OperationalError("BEGIN IMMEDIATE", (), exc) from exc
        time.sleep(pause)  # gevent-patched in the server: other greenlets run meanwhile
        pause = min(pause * 2, 0.05)


# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 10
# SQLite's words for "busy or out of reach right now" (its other OperationalErrors, such as
# "no such table", are faults of ours and stay 500s).
SQLITE_UNAVAILABLE = ("locked", "busy", "unable to open")


def database_unavailable(exc: BaseException) -> bool:
    """True when the database cannot be reached or is busy right now (the caller gets a 503 and
    may retry; the pool replaces dead connections later), not when the request itself failed."""
    if isinstance(exc, sa.exc.TimeoutError):  # no pooled connection came free in time
        return True
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if isinstance(exc.orig, sqlite3.Error):
        return any(word in str(exc.orig) for word in SQLITE_UNAVAILABLE)
    # psycopg: connection refused, closed, or ended by an administrator's shutdown.
    return isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError))


def init_app(app: Flask, url: str) -> None:
    app.extensions["game_db_engine"] = create_db_engine(url)
    app.teardown_appcontext(_close_session)
    app.cli.add_command(db_cli)


def get_engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions["game_db_engine"]


def get_session() -> Session:
    """Return this request's (or socket event's) session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def open_statement_session() -> Session:
    """Open this request's session with every statement committed by itself (PostgreSQL).

    For a socket event whose reads stand alone and whose writes are one statement (a live
    answer): the BEGIN and COMMIT round trips were a third of its time. Reads see what READ
    COMMITTED would show them, and a failed statement leaves nothing behind. On SQLite the
    usual session: its writes are several statements, and BEGIN IMMEDIATE is its lock."""
    engine = get_engine()
    if engine.dialect.name == "postgresql":
        extensions = current_app.extensions
        if "game_db_autocommit" not in extensions:
            extensions["game_db_autocommit"] = engine.execution_options(
                isolation_level="AUTOCOMMIT"
            )
        g.db_session = Session(extensions["game_db_autocommit"], expire_on_commit=False)
    return get_session()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """A session outside a request (CLI, jobs): committed on success, rolled back on error.

    Given an app and no app context, it opens one: what the commit hands on (the domain
    events' subscribers) reads the app's settings and sockets."""
    with ExitStack() as stack:
        if app is not None and not has_app_context():
            stack.enter_context(app.app_context())
        session = stack.enter_context(Session(get_engine(app), expire_on_commit=False))
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


db_cli = AppGroup("db", help="Database schema commands.")


@db_cli.command("upgrade", help="Apply all migrations (or up to REVISION).")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    url = current_app.config["GAME_SETTINGS"].sqlalchemy_url
    upgrade_database(url, revision)
    click.echo(f"Database at revision {revision}.")


@db_cli.command("downgrade", help="Undo migrations down to REVISION.")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(current_app.config["GAME_SETTINGS"].sqlalchemy_url), revision)
    click.echo(f"Database at revision {revision}.")
