"""Is the platform able to serve: the database answers and, when configured, Redis too."""

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


def check(session: Session, *, redis_url: str | None) -> HealthReport:
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
    return HealthReport(status="failing" if failing else "ok", database=database, redis=redis_state)
