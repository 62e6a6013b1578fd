"""Figures the capacity model (docs/scaling.md) needs that the other benches do not give.

    .venv/bin/python bench/capacity.py [--phones 200] [--write]

1. A solo answer over HTTP on PostgreSQL (bench/answer.py measures SQLite): server CPU per
   answer, 8 clients × 100 answers (bench/answer.py's clients), ours on a fresh database.
2. Redis as the Socket.IO message queue: a Redis server of this run's own (so its counters
   are ours alone), two of our processes on one PostgreSQL database, a live session of
   PHONES phones split over both. After each phase, Redis's own counters: PUBLISH calls
   (INFO commandstats) and Redis CPU (INFO cpu), so messages per join, per answer, per step
   and per participant at the end are counted, not guessed.
"""

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer import OursClient, measure, public_quests  # noqa: E402
from harness import ROOT, fmt, ours_env, start_ours, write_section  # noqa: E402
from live import (  # noqa: E402
    GUNICORN_ARGS,
    Phone,
    Target,
    process_cpu,
    quiet_clients,
    raise_open_files,
)
from soak import POSTGRES, postgres_database  # noqa: E402

sys.path.insert(0, str(ROOT))
from game_server.realtime.rooms import RoomChannelRedisManager  # noqa: E402
from game_server.testing.own_services import OwnRedis  # noqa: E402

PHONES = 200
QUEST = "values-cards"
SECTION_TITLE = "## Capacity figures"
CHANNEL = "lq-capacity"
FOREIGN_MESSAGES = 5000


@contextlib.contextmanager
def own_redis():
    """A private redis-server (the tests' own helper), so its counters are ours alone."""
    import redis

    server = OwnRedis()
    server.start()
    try:
        yield server.url, redis.Redis.from_url(server.url)
    finally:
        server.kill()


def redis_counters(client) -> tuple[int, float]:
    """(PUBLISH calls so far, Redis CPU seconds so far)."""
    stats = client.info("commandstats").get("cmdstat_publish", {"calls": 0})
    cpu = client.info("cpu")
    return int(stats["calls"]), float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def http_answers_on_postgres(tmp: Path) -> dict:
    tmp.mkdir(parents=True, exist_ok=True)
    with postgres_database(POSTGRES) as url:
        env = ours_env(
            tmp,
            GAME_QUESTS_PATH=str(ROOT / "quests"),
            GAME_DATABASE_URL=url.replace("postgresql://", "postgresql+psycopg://", 1),
            GAME_REDIS_URL="",
        )
        server = start_ours(tmp, name="ours-pg-http", env=env)
        try:
            clients = [OursClient(server, public_quests(), n) for n in range(8)]
            for client in clients:
                client.prepare(110)
            database_cpu = postgres_cpu(url)
            result = measure(server, clients, 100)
            result["pg_cpu_us"] = (postgres_cpu(url) - database_cpu) / result["ok"] * 1e6
        finally:
            server.stop()
        result["sizes"] = table_sizes(url)
    result["failures"] = len(result["failures"])
    return result


def postgres_cpu(url: str) -> float:
    """CPU seconds so far of the PostgreSQL backends serving `url`'s database (its
    connection pools; PostgreSQL runs on this machine, so /proc has them)."""
    import psycopg

    with psycopg.connect(url) as connection:
        pids = [
            row[0]
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    return sum(process_cpu(pid) for pid in pids)


def table_sizes(url: str) -> dict:
    """Rows and bytes (with indexes and TOAST) of the tables an answer writes to."""
    import psycopg
    import psycopg.sql

    sizes = {}
    with psycopg.connect(url) as connection:
        connection.execute("ANALYZE")
        for table in ("answers", "idempotency_records", "quest_runs"):
            count = psycopg.sql.SQL("SELECT count(*) FROM {}").format(psycopg.sql.Identifier(table))
            rows = connection.execute(count).fetchone()[0]
            size = connection.execute("SELECT pg_total_relation_size(%s)", (table,)).fetchone()[0]
            sizes[table] = (rows, size)
    return sizes


async def live_over_redis(target: Target, client, redis_url: str, phones_count: int) -> dict:
    host = Phone(-1, target.url, {"token": target.host_token})
    phones = [
        Phone(i, target.phone_url(i), {"token": target.guest_tokens[i]})
        for i in range(phones_count)
    ]
    for start in range(0, len(phones), 50):
        await asyncio.gather(*[p.connect() for p in phones[start : start + 50]])
    await host.connect()
    phases: dict[str, dict] = {}

    async def phase(name: str, work, count: int) -> None:
        calls, cpu = redis_counters(client)
        database, (server, _peak) = postgres_cpu(target.database), target.usage()
        await work()
        await asyncio.sleep(1.0)  # coalesced broadcasts (0.3 s) and background work settle
        calls_after, cpu_after = redis_counters(client)
        phases[name] = {
            "count": count,
            "publish": calls_after - calls,
            "cpu": cpu_after - cpu,
            "pg_cpu": postgres_cpu(target.database) - database,
            "server_cpu": target.usage()[0] - server,
        }

    code = await asyncio.to_thread(target.create_session, QUEST)
    await host.call("live:host", {"code": code})

    async def joins():
        acks = await asyncio.gather(
            *[
                p.call(
                    "live:join",
                    {"code": code, "nickname": f"p{p.index}", "client_id": str(uuid.uuid4())},
                )
                for p in phones
            ]
        )
        assert all(a.get("ok") for a in acks), acks[:3]

    async def to_poll():
        state = {}
        while (state.get("step") or {}).get("id") != "top":
            ack = await host.call("live:next", {"code": code, "client_id": str(uuid.uuid4())})
            state = ack["state"]

    async def answers():
        acks = await asyncio.gather(
            *[
                p.call(
                    "live:answer",
                    {
                        "code": code,
                        "step_id": "top",
                        "value": ["pay"],
                        "client_id": str(uuid.uuid4()),
                    },
                )
                for p in phones
            ]
        )
        assert all(a.get("ok") for a in acks), acks[:3]

    async def one_step():
        await host.call("live:next", {"code": code, "client_id": str(uuid.uuid4())})

    async def end():
        await host.call("live:end", {"code": code, "client_id": str(uuid.uuid4())})
        await asyncio.sleep(5)  # the runs complete in the background

    payload = {"code": "NOBODY", "step_id": "top", "total": 40, "counts": {"pay": 40}}

    async def foreign_messages():
        # What every process pays for a message meant for a room it has no member of, sent as
        # our processes send it: on the room's own channel, which nobody here listens to.
        manager = RoomChannelRedisManager(redis_url, channel=CHANNEL, write_only=True)
        for _ in range(FOREIGN_MESSAGES):
            manager.emit("live:results", payload, room="live:NOBODY", namespace="/")
        await asyncio.sleep(2.0)

    async def shared_channel_messages():
        # The same on python-socketio's one shared channel (as before room channels): every
        # process receives each and drops it.
        manager = socketio.RedisManager(redis_url, channel=CHANNEL, write_only=True)
        for _ in range(FOREIGN_MESSAGES):
            manager.emit("live:results", payload, room="live:NOBODY", namespace="/")
        await asyncio.sleep(2.0)

    await phase("join", joins, phones_count)
    await to_poll()
    await phase("answer", answers, phones_count)
    await phase("step", one_step, 1)
    await phase("end", end, phones_count)
    await phase("foreign", foreign_messages, FOREIGN_MESSAGES)
    await phase("shared", shared_channel_messages, FOREIGN_MESSAGES)
    for p in [host, *phones]:
        await p.close()
    return phases


def redis_figures(tmp: Path, phones: int) -> dict:
    quiet_clients()
    raise_open_files(2 * phones + 200)
    tmp.mkdir(parents=True, exist_ok=True)
    with own_redis() as (redis_url, client), postgres_database(POSTGRES) as url:
        env = ours_env(
            tmp,
            GAME_QUESTS_PATH=str(ROOT / "quests"),
            GAME_DATABASE_URL=url.replace("postgresql://", "postgresql+psycopg://", 1),
            GAME_REDIS_URL=redis_url,
            GAME_SOCKETIO_CHANNEL=CHANNEL,
        )
        first = start_ours(tmp, name="ours-redis-1", env=env, extra_args=GUNICORN_ARGS)
        second = start_ours(
            tmp, name="ours-redis-2", env=env, migrate=False, extra_args=GUNICORN_ARGS
        )
        try:
            target = Target("ours", [first, second], needs_token=True, database=url)
            target.prepare(phones, env)
            return asyncio.run(live_over_redis(target, client, redis_url, phones))
        finally:
            first.stop()
            second.stop()


def section(result: dict) -> list[str]:
    http, redis_phases, n = result["http"], result["redis"], result["phones"]
    lines = [
        SECTION_TITLE,
        "",
        "Reproduce: `.venv/bin/python bench/capacity.py` (`--write` replaces this section). "
        "Figures docs/scaling.md needs that the sections above do not give.",
        "",
        f"- Run {result['date']}; load average (1 min) {result['load'][0]:.1f} at the start, "
        f"{result['load'][1]:.1f} at the end; this part took {result['seconds']:.0f} s.",
        "- Solo answers over HTTP on PostgreSQL: ours (`gunicorn -k gevent -w 1`) on a fresh "
        "PostgreSQL 15 database on this machine, bench/answer.py's clients (guests playing the "
        "public quests, a fresh Idempotency-Key per answer), 8 clients × 100 answers after 10 "
        "warm-up answers each; one run, no baseline (the SQLite figures with their baseline are "
        "in [Answering a step](#answering-a-step)).",
        f"- Redis: a redis-server of this run's own, two of our processes sharing it as the "
        f"Socket.IO message queue, one PostgreSQL database; one live session of `{QUEST}` with "
        f"{n} phones (every other one on the second process) and the host. Each phase is "
        "counted from Redis's INFO (PUBLISH calls in commandstats, used CPU) before it and one "
        "second after it (coalesced broadcasts have gone out); `live:end` five seconds after "
        "(the runs complete in the background: XP and badge messages to each phone's user "
        "room).",
        "",
        "| Measurement | Figure |",
        "|---|---:|",
        f"| HTTP answer on PostgreSQL, 8 clients: answers/s | {fmt(http['aps'], 0)} |",
        f"| HTTP answer on PostgreSQL: server CPU per answer (µs) | {fmt(http['cpu_us'], 0)} |",
        f"| HTTP answer: PostgreSQL backends' CPU per answer (µs) | {fmt(http['pg_cpu_us'], 0)} |",
        f"| HTTP answer on PostgreSQL: p50 / p99 (ms) | {fmt(http['p50_ms'])} / "
        f"{fmt(http['p99_ms'])} |",
        f"| HTTP answer on PostgreSQL: failed answers | {http['failures']} of 800 |",
    ]
    for table, (rows, size) in http["sizes"].items():
        lines.append(
            f"| PostgreSQL `{table}` after it: rows, bytes per row (with indexes) | "
            f"{rows:,}, {size / max(rows, 1):,.0f} |"
        )
    for name, label in (
        ("join", "per phone joining"),
        ("answer", "per answer"),
        ("step", "per `live:next` (one step to the room)"),
        ("end", "per participant at `live:end` (incl. the background completion)"),
    ):
        p = redis_phases[name]
        lines.append(
            f"| Redis PUBLISH {label} | {p['publish'] / p['count']:.2f} "
            f"({p['publish']} for {p['count']}) |"
        )
        lines.append(
            f"| Server CPU (both processes) / PostgreSQL backends' CPU {label} (ms) | "
            f"{p['server_cpu'] / p['count'] * 1000:.2f} / {p['pg_cpu'] / p['count'] * 1000:.2f} |"
        )
    for key, how in (
        ("foreign", "on the room's own channel (as ours sends it), which no process listens to"),
        ("shared", "on python-socketio's one shared channel, which both processes receive"),
    ):
        foreign = redis_phases.get(key)
        if foreign:
            lines.append(
                f"| Server CPU per message to a room with no member in the process, per process "
                f"(µs; {foreign['count']:,} published from outside {how}) | "
                f"{foreign['server_cpu'] / (2 * foreign['count']) * 1e6:.0f} |"
            )
    total_pub = sum(p["publish"] for p in redis_phases.values())
    total_cpu = sum(p["cpu"] for p in redis_phases.values())
    lines.append(
        f"| Redis CPU per PUBLISH, all phases (µs) | {fmt(total_cpu / max(total_pub, 1) * 1e6, 0)}"
        f" ({total_pub} publishes, {total_cpu:.2f} s) |"
    )
    return lines


SECTIONS = (
    "[Fund dashboard](#fund-dashboard) and [Soak](#soak).",
    "[Fund dashboard](#fund-dashboard), [Soak](#soak) and [Capacity figures](#capacity-figures).",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=PHONES)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--render", type=Path)
    args = parser.parse_args()
    if args.render:
        result = json.loads(args.render.read_text())
    else:
        import os

        began, load = time.monotonic(), os.getloadavg()[0]
        with tempfile.TemporaryDirectory(prefix="lq-capacity-") as tmp:
            result = {
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "phones": args.phones,
                "http": http_answers_on_postgres(Path(tmp) / "http"),
                "redis": redis_figures(Path(tmp) / "redis", args.phones),
            }
        result["load"] = (load, os.getloadavg()[0])
        result["seconds"] = time.monotonic() - began
    if args.save:
        args.save.write_text(json.dumps(result))
    lines = section(result)
    print("\n".join(lines))
    if args.write:
        write_section(SECTION_TITLE, lines, sections=SECTIONS)


if __name__ == "__main__":
    main()
