"""Shared fixtures: settings, the app on SQLite and on PostgreSQL, clients and personas.

PostgreSQL, Redis and the browser are real. Without them a test skips and says why; with
GAME_REQUIRE_SERVICES=1 (CI) it fails instead, so nothing can pass by skipping.
"""

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from game_server import create_app
from game_server.config import Settings
from game_server.db import get_engine, upgrade_database

from .factories import Personas

POSTGRES_URL = os.environ.get("GAME_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("GAME_TEST_REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("GAME_REQUIRE_SERVICES") == "1"
CHROMIUM = Path("/usr/bin/chromium")
# A small, stable library for engine tests; the starter library in quests/ has tests of its own.
TEST_LIBRARY = Path(__file__).parent / "content" / "library"


def need(available: bool, reason: str) -> None:
    """Skip (locally) or fail (CI) when a real service this test needs is missing."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}, but GAME_REQUIRE_SERVICES=1 demands it")
    pytest.skip(reason)


def need_postgres() -> str:
    need(bool(POSTGRES_URL), "PostgreSQL not configured (set GAME_TEST_POSTGRES_URL)")
    return POSTGRES_URL


def need_redis() -> str:
    need(bool(REDIS_URL), "Redis not configured (set GAME_TEST_REDIS_URL)")
    return REDIS_URL


def need_chromium() -> None:
    need(CHROMIUM.exists(), "Debian's chromium is not installed at /usr/bin/chromium")


def create_postgres_database(prefix: str = "lq_test") -> str:
    """Create an empty database of our own on the test server; return its URL."""
    server = sa.make_url(need_postgres())
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_database():
    """A PostgreSQL database of our own for this test run, migrated, dropped at the end."""
    url = create_postgres_database()
    upgrade_database(url)
    yield url
    drop_postgres_database(url)


@pytest.fixture
def ralph(tmp_path):
    """A real learning record store (Ralph, fs backend) on a free port, empty for each test:
    our statement ids come from the facts, and each test's database counts from 1 again."""
    from .ralph_lrs import RalphLrs
    from .servers import free_port

    store = RalphLrs(tmp_path / "ralph", free_port()).start()
    yield store
    store.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """One migrated SQLite file; each test gets a copy (much faster than migrating anew)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


def _truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, sqlite_template) -> str:
    """The app's database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "game.db"
        shutil.copy(sqlite_template, target)
        return f"sqlite:///{target}"
    need_postgres()
    url = request.getfixturevalue("postgres_database")
    _truncate_all(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template) -> str:
    """SQLite only: for tests whose subject does not depend on the database."""
    target = tmp_path / "game.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"


def make_settings(tmp_path: Path, database_url: str, **overrides) -> Settings:
    values = {
        "env": "test",
        "instance_path": tmp_path / "instance",
        "database_url": database_url,
        "secret_key": "test-secret-key-" + "x" * 32,
        "async_mode": "threading",
        "redis_url": None,
        "quests_path": TEST_LIBRARY,
        "content_reload": False,
        # What the test client's requests see as their root, so links read the same.
        "public_url": "http://localhost",
    }
    values.update(overrides)
    return Settings(**values)


def _build_app(settings: Settings):
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def app(settings):
    app = _build_app(settings)
    yield app
    get_engine(app).dispose()


@pytest.fixture
def sqlite_app(tmp_path, sqlite_url):
    app = _build_app(make_settings(tmp_path, sqlite_url))
    yield app
    get_engine(app).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def personas(app) -> Personas:
    return Personas(app)


@pytest.fixture
def app_factory(tmp_path, sqlite_url):
    """Build extra apps with other settings (limits, Redis, production) on one database."""
    built = []

    def factory(database_url: str = sqlite_url, **overrides):
        app = _build_app(make_settings(tmp_path, database_url, **overrides))
        built.append(app)
        return app

    yield factory
    for app in built:
        get_engine(app).dispose()


@pytest.fixture
def live_server(tmp_path, sqlite_url):
    """The real server (gunicorn, gevent) on the embedded default: SQLite, no Redis."""
    from .servers import start_server

    server = start_server(sqlite_url, tmp_path / "live-instance", migrate=False)
    yield server
    server.stop()


def pytest_terminal_summary(terminalreporter):
    """Say once, per reason, what was skipped and why (instead of one line per test)."""
    from collections import Counter

    reasons = Counter(
        report.longrepr[2].removeprefix("Skipped: ")
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple)
    )
    if reasons:
        terminalreporter.section("skipped, and why")
        for reason, n in reasons.most_common():
            terminalreporter.write_line(f"{n:4d} tests: {reason}")
