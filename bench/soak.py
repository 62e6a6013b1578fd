"""Soak: hundreds of phones playing live sessions for minutes on one server process.

    .venv/bin/python bench/soak.py [--clients 500] [--sessions 10] [--seconds 300] [--write]
    make soak        (the full form: 500 phones, 10 sessions, 5 minutes, --write)

Ours: `gunicorn -k gevent -w 1 --worker-connections 4000` on a fresh PostgreSQL database
(created and dropped by the run), quests from quests/, no Redis (one process needs none).
Clients: one asyncio process, `socketio.AsyncClient` over websockets (bench/live.py's Phone:
it reconnects, joins again and resends an unacknowledged event with the same client_id).

The phones are split over SESSIONS live sessions, each with its own host socket. A session
goes round and round: create it, the host takes the screen, its phones join, the host opens
every step of `values-cards` in turn; while a question is open every phone answers it every
ANSWER_EVERY seconds (a fresh client_id each time, so each is a new answer that replaces the
last); the host closes the step only after the last answer sent to it is acked, and at the
last step ends the session (XP and badges follow in the background), then starts the next.

Measured: the worker's RSS (VmRSS from /proc) after the warm-up (WARMUP seconds and every
session once round) and at the end, with the activity still on; acks by kind (ok,
rate_limited, any other refusal, none within the timeout); ack latencies; and at the end,
in the database, that every answer acked ok is there (its idempotency record, by client_id,
and one stored answer per phone and step that had an ok ack). The baseline (unless
--no-baseline) is bare python-socketio echo (bench/baseline_socketio.py) with the same
phones sending the same answer payloads at the same pace, for BASELINE_SECONDS.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer import value_for  # noqa: E402
from harness import (  # noqa: E402
    BENCH_GUEST_LIMIT,
    HEADER,
    ROOT,
    Server,
    fmt,
    ours_env,
    percentile,
    ratio,
    start_baseline,
    start_ours,
    write_section,
)
from live import (  # noqa: E402
    GUNICORN_ARGS,
    WORKER_CONNECTIONS,
    Phone,
    Target,
    code_version,
    postgres_database,
    quiet_clients,
    raise_open_files,
)

CLIENTS = 500
SESSIONS = 10
SECONDS = 300.0
WARMUP = 60.0
BASELINE_SECONDS = 120.0
ANSWER_EVERY = 4.0  # seconds between two answers of one phone while a question is open
STEP_SECONDS = 12.0  # how long the host keeps a question open
QUEST = "values-cards"  # intro, pick (choice), top (poll), why, sentence (reflections)
JOIN_RATE = 100.0  # joins a second per session
RATE_LIMITED_RETRIES = 5  # as the browser's client
SAMPLE_EVERY = 5.0  # seconds between two RSS samples
MEMORY_GOAL = 1.10  # the issue: RSS at the end within 10% of RSS after the warm-up
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
SECTION_TITLE = "## Soak"

now = time.perf_counter
NAN = float("nan")


def rss_mb(server: Server) -> float:
    """VmRSS of the gunicorn worker now (MB)."""
    pid = server.worker_pid()
    with contextlib.suppress(OSError, TypeError, StopIteration):
        status = Path(f"/proc/{pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        return kb / 1024
    return NAN


@dataclass
class Tally:
    """What the clients saw: acks by event and kind, latencies, and what was acked ok."""

    kinds: Counter = field(default_factory=Counter)  # (event, kind) -> count
    latencies: dict[str, list[float]] = field(default_factory=dict)  # event -> seconds
    refusals: Counter = field(default_factory=Counter)  # "event: code: message" -> count
    acked_ids: list[str] = field(default_factory=list)  # client_ids of answers acked ok
    answered: set[tuple[str, str, int]] = field(default_factory=set)  # (code, step, phone)
    sessions: int = 0
    rounds_done: Counter = field(default_factory=Counter)  # session driver -> rounds ended

    def record(self, event: str, sent: float, ack) -> dict:
        if isinstance(ack, BaseException):
            kind = "other" if isinstance(ack, RuntimeError) else "no ack"
            self.refusals[f"{event}: {type(ack).__name__}: {ack}"[:200]] += 1
            ack = {}
        elif isinstance(ack, dict) and ack.get("ok"):
            kind = "ok"
            self.latencies.setdefault(event, []).append(now() - sent)
        else:
            error = (ack or {}).get("error") or {} if isinstance(ack, dict) else {}
            kind = "rate_limited" if error.get("code") == "rate_limited" else "other"
            if kind == "other":
                self.refusals[f"{event}: {error.get('code')}: {error.get('message')}"[:200]] += 1
            ack = ack if isinstance(ack, dict) else {}
        self.kinds[(event, kind)] += 1
        return ack

    def count(self, kind: str, event: str | None = None) -> int:
        return sum(n for (e, k), n in self.kinds.items() if k == kind and event in (None, e))


RESENT = ("rate_limited", "unavailable")


async def call(phone: Phone, tally: Tally, event: str, data: dict) -> dict:
    """Send until acked; a rate_limited or unavailable ack is counted and sent again (the same
    client_id) after 1-2 s, as web/static/js/live-common.js does, up to RATE_LIMITED_RETRIES
    times. Only rate_limited is a refusal the goal allows; unavailable counts as an error."""
    sent = now()
    for _attempt in range(RATE_LIMITED_RETRIES + 1):
        try:
            ack = await phone.call(event, data)
        except Exception as error:  # a timeout after retries: counted, never raised
            ack = error
        ack = tally.record(event, sent, ack)
        if (ack.get("error") or {}).get("code") not in RESENT:
            return ack
        await asyncio.sleep(1 + random.random())
    return ack


# -- ours: sessions going round -----------------------------------------------------------


@dataclass
class Plan:
    clients: int = CLIENTS
    sessions: int = SESSIONS
    seconds: float = SECONDS
    warmup: float = WARMUP
    answer_every: float = ANSWER_EVERY
    step_seconds: float = STEP_SECONDS


async def drive_session(
    number: int,
    target: Target,
    host: Phone,
    phones: list[Phone],
    tally: Tally,
    plan: Plan,
    stop_at: float,
) -> None:
    """Rounds of one live session until `stop_at`, when the round in progress is ended."""
    rng = random.Random(number)
    while now() < stop_at:
        sent = now()
        try:
            code = await asyncio.to_thread(target.create_session, QUEST)
        except Exception as error:  # counted as an error; the next round tries again
            tally.record("POST /api/v1/live", sent, error)
            await asyncio.sleep(1)
            continue
        tally.record("POST /api/v1/live", sent, {"ok": True})
        tally.sessions += 1
        host.rejoin = ("live:host", {"code": code})
        ack = await call(host, tally, "live:host", {"code": code})
        state = ack.get("state") or {}

        began = now()
        await asyncio.gather(
            *[join(code, i, phone, began, tally) for i, phone in enumerate(phones)]
        )
        while state.get("index", -1) + 1 < state.get("total", 0) and now() < stop_at:
            ack = await call(
                host, tally, "live:next", {"code": code, "client_id": str(uuid.uuid4())}
            )
            state = ack.get("state") or state
            step = state.get("step") or {}
            if not ack or step.get("type") in (None, "info"):
                await asyncio.sleep(min(2.0, plan.step_seconds))
                continue
            closes = now() + plan.step_seconds
            await asyncio.gather(
                *[answer_step(code, step, phone, tally, plan, closes, rng) for phone in phones]
            )
        await call(host, tally, "live:end", {"code": code, "client_id": str(uuid.uuid4())})
        tally.rounds_done[number] += 1


async def join(code: str, position: int, phone: Phone, began: float, tally: Tally) -> None:
    await asyncio.sleep(max(0.0, began + position / JOIN_RATE - now()))
    payload = {"code": code, "nickname": f"soak {phone.index}", "client_id": str(uuid.uuid4())}
    phone.rejoin = ("live:join", payload)
    await call(phone, tally, "live:join", payload)


async def answer_step(
    code: str, step: dict, phone: Phone, tally: Tally, plan: Plan, closes: float, rng
) -> None:
    """Answer the open step every `answer_every` seconds (first at a random offset)."""
    at = now() + rng.uniform(0, plan.answer_every)
    while at < closes:
        await asyncio.sleep(max(0.0, at - now()))
        client_id = str(uuid.uuid4())
        payload = {
            "code": code,
            "step_id": step["id"],
            "value": value_for(step, rng),
            "client_id": client_id,
        }
        ack = await call(phone, tally, "live:answer", payload)
        if ack.get("ok"):
            tally.acked_ids.append(client_id)
            tally.answered.add((code, step["id"], phone.index))
        at += plan.answer_every


async def sample_memory(server: Server, began: float, samples: list, stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append((now() - began, rss_mb(server), os.getloadavg()[0]))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_EVERY)


async def soak_ours(target: Target, server: Server, plan: Plan) -> dict:
    tally = Tally()
    hosts = [Phone(-1 - n, target.url, {"token": target.host_token}) for n in range(plan.sessions)]
    phones = [Phone(i, target.url, {"token": target.guest_tokens[i]}) for i in range(plan.clients)]
    connected = await connect_all(hosts + phones)
    began = now()
    stop_at = began + plan.seconds
    samples: list = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_memory(server, began, samples, stop))
    groups = [phones[n :: plan.sessions] for n in range(plan.sessions)]
    drivers = [
        asyncio.create_task(drive_session(n, target, hosts[n], groups[n], tally, plan, stop_at))
        for n in range(plan.sessions)
    ]
    try:
        # Warm-up: WARMUP seconds and every session once round (every code path has run once).
        # At the latest at half time, so that there is an "after" to compare with.
        while now() - began < plan.warmup or len(tally.rounds_done) < plan.sessions:
            if now() - began > plan.seconds / 2 or all(d.done() for d in drivers):
                break
            await asyncio.sleep(0.2)
        rounds_in_warmup = len(tally.rounds_done)
        warm = (now() - began, rss_mb(server), os.getloadavg()[0], tally.count("ok", "live:answer"))
        warm_cpu = server.worker_usage()[0]
        while now() < stop_at and not all(d.done() for d in drivers):
            await asyncio.sleep(0.2)
        end = (now() - began, rss_mb(server), os.getloadavg()[0], tally.count("ok", "live:answer"))
        busy = (server.worker_usage()[0] - warm_cpu) / (end[0] - warm[0]) * 100
        await asyncio.gather(*drivers)  # the rounds in progress are ended
    finally:
        stop.set()
        for driver in drivers:
            driver.cancel()
        await asyncio.gather(sampler, *drivers, return_exceptions=True)
        drops = sum(len(p.drops) for p in hosts + phones)
        await asyncio.gather(*[p.close() for p in hosts + phones])
    lat = tally.latencies.get("live:answer", [])
    return {
        "connected": connected,
        "warm": warm,
        "end": end,
        "rounds_in_warmup": rounds_in_warmup,
        "worker_busy": busy,
        "samples": samples,
        "drops": drops,
        "sessions": tally.sessions,
        "kinds": {f"{e}|{k}": n for (e, k), n in tally.kinds.items()},
        "refusals": dict(tally.refusals.most_common(10)),
        "answers_ok": tally.count("ok", "live:answer"),
        "rate_limited": tally.count("rate_limited"),
        "other_errors": tally.count("other"),
        "no_ack": tally.count("no ack"),
        "answers_per_s": (end[3] - warm[3]) / (end[0] - warm[0]) if end[0] > warm[0] else NAN,
        "ack_p50_ms": percentile(lat, 50) * 1000,
        "ack_p99_ms": percentile(lat, 99) * 1000,
        "join_p99_ms": percentile(tally.latencies.get("live:join", []), 99) * 1000,
        "acked_ids": tally.acked_ids,
        "answered": sorted(tally.answered),
    }


async def connect_all(phones: list[Phone], batch: int = 50) -> int:
    for start in range(0, len(phones), batch):
        await asyncio.gather(
            *[p.connect() for p in phones[start : start + batch]], return_exceptions=True
        )
    return sum(1 for p in phones if p.sio.connected)


def committed(database: str, acked_ids: list[str], answered: list) -> dict:
    """What of the acked answers is in the database: records by client_id, rows per step."""
    import psycopg

    with psycopg.connect(database) as connection:
        keys = [f"live-answer:{client_id}" for client_id in acked_ids]
        records = connection.execute(
            "SELECT count(*) FROM idempotency_records WHERE key = ANY(%s)", (keys,)
        ).fetchone()[0]
        rows = dict(
            connection.execute(
                "SELECT s.code || '|' || a.step_id, count(*) FROM answers a "
                "JOIN live_participants p ON p.run_id = a.run_id "
                "JOIN live_sessions s ON s.id = p.session_id GROUP BY 1"
            ).fetchall()
        )
    expected = Counter(f"{code}|{step}" for code, step, _phone in answered)
    missing_rows = sum(max(0, n - rows.get(key, 0)) for key, n in expected.items())
    return {
        "acked": len(acked_ids),
        "records": records,
        "missing_records": len(set(keys)) - records,
        "answer_rows_expected": sum(expected.values()),
        "missing_rows": missing_rows,
    }


# -- the baseline: bare python-socketio echo, same phones, same pace -----------------------


async def soak_baseline(server: Server, plan: Plan, seconds: float, warmup: float) -> dict:
    tally = Tally()
    rss_start = rss_mb(server)
    phones = [Phone(i, server.url, None) for i in range(plan.clients)]
    connected = await connect_all(phones)
    began = now()
    stop_at = began + seconds
    rng = random.Random(1)
    step = {"type": "reflection", "min_words": 10}

    async def one(phone: Phone) -> None:
        at = now() + rng.uniform(0, plan.answer_every)
        while at < stop_at:
            await asyncio.sleep(max(0.0, at - now()))
            payload = {
                "code": "ABC123",
                "step_id": "why",
                "value": value_for(step, rng),
                "client_id": str(uuid.uuid4()),
            }
            sent = now()
            try:
                echoed = await phone.sio.call("echo", payload, timeout=30)
                tally.record("echo", sent, {"ok": echoed == payload})
            except Exception as error:
                tally.record("echo", sent, error)
            at += plan.answer_every

    tasks = [asyncio.create_task(one(p)) for p in phones]
    await asyncio.sleep(warmup)
    warm = (now() - began, rss_mb(server), os.getloadavg()[0], tally.count("ok"))
    await asyncio.sleep(max(0.0, stop_at - now()))
    end = (now() - began, rss_mb(server), os.getloadavg()[0], tally.count("ok"))
    await asyncio.gather(*tasks)
    await asyncio.gather(*[p.close() for p in phones])
    lat = tally.latencies.get("echo", [])
    return {
        "connected": connected,
        "warm": warm,
        "end": end,
        "rss_start": rss_start,
        "acks_ok": tally.count("ok"),
        "errors": tally.count("other") + tally.count("no ack"),
        "acks_per_s": (end[3] - warm[3]) / (end[0] - warm[0]),
        "ack_p50_ms": percentile(lat, 50) * 1000,
        "ack_p99_ms": percentile(lat, 99) * 1000,
    }


# -- the run ------------------------------------------------------------------------------


def run(
    plan: Plan,
    *,
    postgres: str = POSTGRES,
    baseline_seconds: float | None = BASELINE_SECONDS,
) -> dict:
    """One soak of ours (and the baseline unless `baseline_seconds` is None)."""
    quiet_clients()
    raise_open_files(2 * plan.clients + 200)
    started = time.monotonic()
    result: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "code_version": code_version(),
        "plan": plan.__dict__,
        "load_start": os.getloadavg()[0],
    }
    with tempfile.TemporaryDirectory(prefix="lq-soak-") as tmp, postgres_database(postgres, prefix="lq_soak") as url:
        env = ours_env(
            Path(tmp),
            GAME_QUESTS_PATH=str(ROOT / "quests"),
            GAME_DATABASE_URL=url.replace("postgresql://", "postgresql+psycopg://", 1),
            GAME_REDIS_URL="",
        )
        server = start_ours(Path(tmp), env=env, extra_args=GUNICORN_ARGS)
        try:
            target = Target("ours", [server], needs_token=True, database=url)
            target.prepare(plan.clients, env)
            result["rss_start"] = rss_mb(server)
            ours = asyncio.run(soak_ours(target, server, plan))
            ours["log"] = [
                line
                for line in server.new_log_lines()
                if "Traceback" in line or "ERROR" in line or "Error" in line
            ][:20]
            ours["alive"] = server.alive()
        except BaseException:
            print(f"Server log (tail):\n{server.log()[-4000:]}", file=sys.stderr)
            raise
        finally:
            server.stop()
        ours["db"] = committed(url, ours.pop("acked_ids"), ours.pop("answered"))
        result["ours"] = ours
        if baseline_seconds:
            base = start_baseline("baseline_socketio", Path(tmp), extra_args=GUNICORN_ARGS)
            try:
                warmup = min(plan.warmup, baseline_seconds / 4)
                result["baseline"] = asyncio.run(
                    soak_baseline(base, plan, baseline_seconds, warmup)
                )
            finally:
                base.stop()
    result["load_end"] = os.getloadavg()[0]
    result["seconds"] = time.monotonic() - started
    return result


def memory_ratio(part: dict) -> float:
    return part["end"][1] / part["warm"][1]


def problems(result: dict) -> list[str]:
    """What breaks the issue's goals; empty when the soak passed."""
    ours, found = result["ours"], []
    if memory_ratio(ours) > MEMORY_GOAL:
        found.append(f"RSS grew {memory_ratio(ours):.3f}× from the warm-up to the end")
    if ours["other_errors"] or ours["no_ack"]:
        found.append(
            f"error acks: {ours['other_errors']}, no ack: {ours['no_ack']}: {ours['refusals']}"
        )
    if ours["db"]["missing_records"] or ours["db"]["missing_rows"]:
        found.append(f"acked answers not in the database: {ours['db']}")
    if ours["connected"] < result["plan"]["clients"] + result["plan"]["sessions"]:
        found.append(f"only {ours['connected']} sockets connected")
    if not ours["alive"]:
        found.append("the server died")
    return found


# -- the section in docs/benchmarks.md ----------------------------------------------------


def table(result: dict) -> list[str]:
    ours, base = result["ours"], result.get("baseline")
    plan = result["plan"]
    name = f"Soak, {plan['clients']} phones"

    def row(metric: str, b, o, show_ratio: bool = True, digits: int = 1) -> str:
        b_text = "" if b is None else (b if isinstance(b, str) else fmt(b, digits))
        o_text = o if isinstance(o, str) else fmt(o, digits)
        r = ratio(o, b) if show_ratio and isinstance(o, float) and isinstance(b, float) else ""
        return f"| {name} | {metric} | {b_text} | {o_text} | {r} |"

    g = (lambda key: base[key]) if base else (lambda key: None)
    return [
        row(
            "sockets connected",
            f"{base['connected']}" if base else None,
            f"{ours['connected']} of {plan['clients'] + plan['sessions']}",
            False,
        ),
        row("phones whose socket dropped", None, f"{ours['drops']}", False),
        row("warm-up ends after (s)", base["warm"][0] if base else None, ours["warm"][0], False, 0),
        row(
            "worker RSS after the warm-up (MB)", base["warm"][1] if base else None, ours["warm"][1]
        ),
        row("worker RSS at the end (MB)", base["end"][1] if base else None, ours["end"][1]),
        row(
            "RSS end / after warm-up",
            memory_ratio(base) if base else None,
            memory_ratio(ours),
            False,
            3,
        ),
        row(
            "RSS after warm-up − before connecting, per phone (kB)",
            (base["warm"][1] - base.get("rss_start", NAN)) * 1024 / plan["clients"]
            if base
            else None,
            (ours["warm"][1] - result.get("rss_start", NAN)) * 1024 / plan["clients"],
            True,
            0,
        ),
        row(
            "answers (echoes) acked ok, whole run",
            f"{base['acks_ok']:,}" if base else None,
            f"{ours['answers_ok']:,}",
            False,
        ),
        row(
            "answers (echoes) acked ok per second, after warm-up",
            g("acks_per_s"),
            ours["answers_per_s"],
        ),
        row("answer (echo) ack p50 (ms)", g("ack_p50_ms"), ours["ack_p50_ms"]),
        row("answer (echo) ack p99 (ms)", g("ack_p99_ms"), ours["ack_p99_ms"]),
        row("join ack p99 (ms)", None, ours["join_p99_ms"]),
        row(
            "worker CPU after the warm-up (% of one core)",
            None,
            ours.get("worker_busy", NAN),
            False,
            0,
        ),
        row(
            "acks refused as rate limited (then sent again), all events",
            None,
            f"{ours['rate_limited']}",
            False,
        ),
        row(
            "other error acks, all events",
            f"{base['errors']}" if base else None,
            f"{ours['other_errors']}",
            False,
        ),
        row("events without an ack (after retries)", None, f"{ours['no_ack']}", False),
        row(
            "acked answers without their record (by client_id)",
            None,
            f"{ours['db']['missing_records']} of {ours['db']['acked']:,}",
            False,
        ),
        row(
            "phone × step answered ok without a stored answer",
            None,
            f"{ours['db']['missing_rows']} of {ours['db']['answer_rows_expected']:,}",
            False,
        ),
        row("live sessions played (rounds)", None, f"{ours['sessions']}", False),
        row(
            "load average (1 min) after warm-up / at the end",
            f"{base['warm'][2]:.1f} / {base['end'][2]:.1f}" if base else None,
            f"{ours['warm'][2]:.1f} / {ours['end'][2]:.1f}",
            False,
        ),
    ]


def section(result: dict) -> list[str]:
    plan, ours = result["plan"], result["ours"]
    base = result.get("baseline")
    samples = ", ".join(
        f"{t:.0f} s {mb:.0f}"
        for t, mb, _load in ours["samples"][:: max(1, len(ours["samples"]) // 12)]
    )
    found = problems(result)
    return [
        SECTION_TITLE,
        "",
        "Reproduce: `make soak` (the full form below: `.venv/bin/python bench/soak.py --write`); "
        "`--clients N --sessions N --seconds N` for other sizes. CI runs a reduced form, "
        "tests/realtime/test_soak.py (100 phones, 45 s, the same checks).",
        "",
        f"- Run {result['date']}; code measured: {result['code_version']}. This part took "
        f"{result['seconds']:.0f} s. Load average (1 min): {result['load_start']:.1f} at the "
        f"start, {result['load_end']:.1f} at the end (the machine's 2 cores are shared with "
        "other runs).",
        f"- Ours: `gunicorn -k gevent -w 1 --worker-connections {WORKER_CONNECTIONS}` on "
        "PostgreSQL 15 (a fresh database on the same machine, migrated by `flask db upgrade`), "
        f"quests from quests/, no Redis, `GAME_GUEST_LIMIT_PER_IP={BENCH_GUEST_LIMIT}`; every "
        "other setting as shipped, including the per-socket event limit (5 a second, burst 20).",
        f"- Clients: {plan['clients']} phones and {plan['sessions']} hosts in one asyncio process "
        "(`socketio.AsyncClient`, websocket transport; bench/live.py's Phone, which reconnects, "
        "joins again and resends an unacknowledged event with the same client_id). Each phone "
        "has a guest token, the hosts a coach's, made before the clock starts.",
        f"- For {plan['seconds']:.0f} s: {plan['sessions']} live sessions of "
        f"{plan['clients'] // plan['sessions']} phones go round: `POST /api/v1/live "
        f"{{quest_id: {QUEST}}}`, `live:host`, the phones join ({JOIN_RATE:g} a second), the "
        f"host opens each step in turn; while a question is open (choice, poll, two "
        f"reflections; {plan['step_seconds']:g} s each) every phone answers it every "
        f"{plan['answer_every']:g} s, a fresh client_id and value each time (a changed answer); "
        "the host moves on once every answer sent is acked, and after the last step ends the "
        "session (XP and badges in the background) and starts the next. A round in progress at "
        "the end is finished.",
        f"- Memory: VmRSS of the worker from /proc/<pid>/status after the warm-up (at least "
        f"{plan['warmup']:g} s and every session once round, so every code path has run, but at "
        f"most half the run; here {ours.get('rounds_in_warmup', '?')} of {plan['sessions']} "
        "sessions had gone round) and when the time is up, with the phones still playing; "
        f"before the phones connected: {result.get('rss_start', NAN):.0f} MB. Samples every "
        f"5 s (s, MB): {samples}.",
        "- Answers/s and the load average count from the end of the warm-up. Committed: after "
        "the run, the idempotency record of every answer acked ok (by its client_id) is looked "
        "up, and every phone and step with an ok ack must have its answer row.",
        (
            f"- Baseline: bench/baseline_socketio.py (bare python-socketio, `echo` acks its "
            f"data) under the same gunicorn command, the same {plan['clients']} phones sending "
            f"an answer-shaped payload every {plan['answer_every']:g} s for "
            f"{base['end'][0]:.0f} s (warm-up {base['warm'][0]:.0f} s), after ours."
            if base
            else "- No baseline in this run (`--no-baseline`)."
        ),
        "",
        *HEADER,
        *table(result),
        "",
        f"Goal (memory at the end within 10% of memory after the warm-up, no error acks but "
        f"rate limits, every acked answer committed): "
        f"{'met' if not found else 'missed'}: RSS {memory_ratio(ours):.3f}×, "
        f"{ours['other_errors']} error acks, {ours['no_ack']} without an ack, "
        f"{ours['db']['missing_records']} acked answers missing.",
        "",
        NOTES.strip(),
        "",
        "Problems seen in this part:",
        "",
        *([f"- {line}" for line in found] or ["- none against the goal"]),
        *[f"- server log: {line}" for line in ours["log"]],
    ]


# Written by hand after reading the runs and the server logs; check it still holds.
NOTES = """
**Reading these numbers** (written by hand on 2026-11-30 from four full runs between 21:40
and 22:45 UTC, on e46fd55 to fb55fd3; check it still holds when the numbers move):

- **The process was starved.** Other runs kept the machine's 2 cores at a load average
  of 8–13, and the worker got only the share of one core in its CPU row (13% and 20% in
  the two runs that recorded it). The phones offer about 125 answers/s while a question is
  open (500 phones, one every 4 s); at 5–6 ms of server CPU per live answer on PostgreSQL (Live sessions,
  Capacity figures) that is about 70% of a dedicated core, but here it had a fraction of one.
  So the queue grew: ack latencies of tens of seconds, answers/s far below the offer, pool
  waits. The latency rows measure that queue, not our cost per answer; the baseline, which
  needs a tenth of the CPU, kept up. The soak does show what an overloaded process does.
- **Memory stayed flat in every run:** RSS at the end 0.99–1.005× RSS after the warm-up
  (the issue allows 1.10), about 135 kB per connected phone above the idle process
  (147 MB), against 70 kB for bare python-socketio.
- **Every acknowledged answer was stored in every run**, the starved ones too (by client_id
  and per phone and step).
- **Found and fixed by these runs:** (1) ten sessions of one quest opening at once on
  PostgreSQL answered `POST /api/v1/live` with 500 (a unique violation on
  quest_versions; e46fd55). (2) Events that waited 30 s for a database connection ended
  without an ack the client still waited for (20 in the first full run); the pool now waits
  10 s and the event is acked `rate_limited`, which the browser's live client (and this
  bench) sends again with the same client_id (bb7ea39); the second full run had 0 events
  without an ack and 0 error acks. (3) The coalesced `presence`/`live:results` broadcasts and
  the completion of an ended session's runs failed on those pool timeouts and were lost; they
  now wait and try again (fb55fd3, e3d25e1).
- **The server log** of the recorded run shows the xAPI delivery job's rounds failing on
  the same pool timeouts; the job tries again in its next round, but says so as an ERROR
  with a traceback (not changed here).
- **Still weak under this much overload:** with the worker at 13% of a core (22:11 run),
  sockets missed Engine.IO pings and dropped (539 drops, reconnected), and 85 events reached
  the client's 60-second deadline unanswered; a limit on how many joins and answers a
  process admits at once (refusing the rest as `rate_limited` at once, before any database
  work) would keep the queue short; HTTP requests that time out on the pool still answer 500.
"""


SECTIONS = (
    "[Live sessions](#live-sessions) and [Fund dashboard](#fund-dashboard).",
    "[Live sessions](#live-sessions), [Fund dashboard](#fund-dashboard) and [Soak](#soak).",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--warmup", type=float, default=WARMUP)
    parser.add_argument("--answer-every", type=float, default=ANSWER_EVERY)
    parser.add_argument("--step-seconds", type=float, default=STEP_SECONDS)
    parser.add_argument("--baseline-seconds", type=float, default=BASELINE_SECONDS)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--save", type=Path, help="save the result as JSON")
    parser.add_argument("--render", type=Path, help="no run: the section from a saved result")
    args = parser.parse_args()
    if args.render:
        result = json.loads(args.render.read_text())
    else:
        plan = Plan(
            args.clients,
            args.sessions,
            args.seconds,
            args.warmup,
            args.answer_every,
            args.step_seconds,
        )
        result = run(plan, baseline_seconds=None if args.no_baseline else args.baseline_seconds)
    if args.save:
        args.save.write_text(json.dumps(result, default=str))
    lines = section(result)
    print("\n".join(lines))
    if args.write:
        write_section(SECTION_TITLE, lines, sections=SECTIONS)
        print("Wrote the soak section of docs/benchmarks.md.")
    if problems(result):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
