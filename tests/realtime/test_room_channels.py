"""A room's messages reach only the processes that hold a member of it: two server processes
on one Redis, each room on a channel of its own, and Redis itself says who listens.

Read from the other side too: a phone on one process still hears its host on the other."""

import time
import uuid

import pytest
import redis

from ..conftest import create_postgres_database, drop_postgres_database, need_redis
from ..own_services import OwnRedis, need_own_redis
from ..servers import start_server
from .live_clients import coach_token, guest_token, new_id, screen, start_session

pytestmark = pytest.mark.server


@pytest.fixture
def cluster(tmp_path):
    need_redis()
    need_own_redis()
    own = OwnRedis()
    own.start()
    database_url = create_postgres_database("lq_rooms")
    channel = f"lq-rooms-{uuid.uuid4().hex[:8]}"
    env = {"GAME_SOCKETIO_CHANNEL": channel, "GAME_GUEST_LIMIT_PER_IP": "10000 per hour"}
    first = start_server(database_url, tmp_path / "a", redis_url=own.url, env=env)
    second = start_server(database_url, tmp_path / "b", redis_url=own.url, env=env, migrate=False)
    yield redis.Redis.from_url(own.url), channel, first, second
    first.stop()
    second.stop()
    own.kill()
    drop_postgres_database(database_url)


def listeners(client: redis.Redis, channel: str, room: str) -> int:
    """How many processes Redis would hand a message for `room` to."""
    ((_name, count),) = client.pubsub_numsub(f"{channel}|/|{room}")
    return count


def test_a_room_is_heard_only_where_its_members_are(cluster):
    client, channel, first, second = cluster
    coach = coach_token(first)
    here = start_session(first, coach)  # host and phone on the first process
    across = start_session(first, coach)  # host on the first, phone on the second
    host_here, host_across = screen(first, coach), screen(first, coach)
    phone_here = screen(first, guest_token(first, "Ayla"))
    phone_across = screen(second, guest_token(second, "Bram"))
    try:
        assert host_here.call("live:host", {"code": here})["ok"]
        assert host_across.call("live:host", {"code": across})["ok"]
        assert phone_here.call("live:join", {"code": here, "client_id": new_id()})["ok"]
        assert phone_across.call("live:join", {"code": across, "client_id": new_id()})["ok"]

        assert listeners(client, channel, f"live:{here}") == 1  # the second never hears it
        assert listeners(client, channel, f"live:{across}") == 2
        # Each process listens on one connection, its rooms and the shared channel together
        # (two would mean one of them is never read).
        listening = [c for c in client.client_list() if int(c["sub"]) > 0]
        assert len(listening) == 2, listening

        # Across processes, the room still works: the host's step reaches the other process.
        assert host_across.call("live:next", {"code": across, "client_id": new_id()})["ok"]
        phone_across.wait_for("live:step", lambda d: d["index"] == 0)
        assert host_here.call("live:next", {"code": here, "client_id": new_id()})["ok"]
        phone_here.wait_for("live:step", lambda d: d["index"] == 0)
        assert not phone_across.received("live:step")[1:], "a step of another room arrived"

        phone_across.close()  # the second process holds nobody of that room any more
        for _ in range(50):
            if listeners(client, channel, f"live:{across}") == 1:
                break
            time.sleep(0.1)
        assert listeners(client, channel, f"live:{across}") == 1
    finally:
        for screen_ in (host_here, host_across, phone_here, phone_across):
            screen_.close()
