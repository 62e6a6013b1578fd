"""Is the platform able to serve: the database answers and, when configured, Redis too.

`content` is "problems" when the content files on disk could not be loaded: the server
still serves the last good catalog, so that alone does not make the status failing."""

from typing import Literal

import redis
import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session

Check = Literal["ok", "failing", "not_configured"]


class HealthReport(BaseModel):
    status: Literal["ok", "failing"]
    database: Check
    redis: Check
    content: Literal["ok", "problems"]


def check(session: Session, *, redis_url: str | None, content_ok: bool = True) -> HealthReport:
    try:
        session.exec(sa.select(1)).one()
        database: Check = "ok"
    except sa.exc.SQLAlchemyError:
        database = "failing"
    # Release the connection before talking to Redis: a slow Redis must not hold the database.
    session.rollback()
    redis_state: Check = "not_configured"
    if redis_url:
        try:
            client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
            client.ping()
            client.close()
            redis_state = "ok"
        except redis.RedisError:
            redis_state = "failing"
    failing = "failing" in (database, redis_state)
    return HealthReport(
        status="failing" if failing else "ok",
        database=database,
        redis=redis_state,
        content="ok" if content_ok else "problems",
    )
