"""Fixtures for fault tests: services of the test's own, which it may stop and kill."""

import pytest

from ..conftest import need_postgres
from ..own_services import OwnPostgres, need_own_postgres


@pytest.fixture
def own_postgres():
    """A PostgreSQL cluster of this test alone (never the shared one): `stop()` and
    `start()` it at will; `database_url` is an empty database on it."""
    need_postgres()  # the suite's settings say PostgreSQL tests are wanted here
    need_own_postgres()
    cluster = OwnPostgres()
    try:
        cluster.init()
        cluster.start()
        cluster.database_url = cluster.create_database("game")
        yield cluster
    finally:
        cluster.remove()
