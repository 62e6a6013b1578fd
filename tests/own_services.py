"""The tests' own PostgreSQL and Redis servers (game_server.testing), and when they can run."""

import shutil

from game_server.testing.own_services import PG_BIN, OwnPostgres, OwnRedis

from .conftest import need

__all__ = ["OwnPostgres", "OwnRedis", "need_own_postgres", "need_own_redis"]


def need_own_postgres() -> None:
    need((PG_BIN / "initdb").exists(), f"PostgreSQL 15 binaries are not in {PG_BIN}")


def need_own_redis() -> None:
    need(shutil.which("redis-server") is not None, "redis-server is not installed")
