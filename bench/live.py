"""Live sessions with 1,000 phones: ours vs a bare python-socketio live server, in one run.

    .venv/bin/python bench/live.py [--repeats N] [--participants N] [--no-scale-out] [--write]
    .venv/bin/python bench/run_all.py --only live

Servers, each `gunicorn -k gevent -w 1` started fresh by this run:
- baseline: bench/baseline_live.py, bare python-socketio with the same events, in memory
  but for the same writes as ours (a seat per join, an upsert per answer, in SQLite);
- ours: game_server.wsgi:app on SQLite (the embedded default), quests from quests/;
- scale-out (unless --no-scale-out): ours on a fresh PostgreSQL database, once as one process
  without Redis, once as two processes sharing Redis (the Socket.IO message queue) with the
  host and half of the phones on the first and the other half on the second.

Clients: one asyncio process here, `socketio.AsyncClient` over the websocket transport only
(reconnecting and joining again if a socket drops, as the real client); ours get a guest token per phone (`POST /api/v1/auth/guest`, made before the
clock starts) and a coach's bearer token for the host. One repeat of one server is:
1. the host and the phones connect (batches of CONNECT_BATCH at a time);
2. answer session: the host starts a session of QUEST, everyone joins (JOIN_RATE a second),
   the host moves on to the poll step ANSWER_STEP; every phone answers it once, the phones'
   answers spread evenly over WINDOW seconds; then the host ends the session;
3. broadcast session: a fresh session of BROADCAST_QUEST, everyone joins, the host sends
   `live:next` for every step one after another (each after the previous ack, not waiting
   for the deliveries); then the host ends it;
4. everyone disconnects.
`--write` puts the section in docs/benchmarks.md in place of the previous one (run_all's
`--write` writes it along with everything else).
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import resource
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    BENCH_GUEST_LIMIT,
    DOC,
    HEADER,
    ROOT,
    Server,
    code_version,
    comparison_row,
    flask_command,
    fmt,
    median_of,
    ours_env,
    percentile,
    ratio,
    start_baseline,
    start_ours,
    write_section,
)

sys.path.insert(0, str(ROOT))
from game_server.testing.two_factor_client import api_token  # noqa: E402

PARTICIPANTS = 1000
WINDOW = 2.0  # seconds over which all phones send their answer
REPEATS = 3
QUEST = "values-cards"
ANSWER_STEP = "top"  # a poll: one option each
BROADCAST_QUEST = "changes-in-our-sector"  # 11 steps, none with `when:`: 11 broadcasts
CONNECT_BATCH = 50
# Phones join at this pace (one every 1/JOIN_RATE s, not waiting for acks): a room where
# everyone scans the code on the screen at once.
JOIN_RATE = float(os.environ.get("BENCH_LIVE_JOIN_RATE", "200"))
TIMEOUT = 30.0  # seconds per connect or ack
SETTLE = 20.0  # seconds to wait for results and deliveries that should come
BROADCAST_GOAL = 0.8  # the issue: our deliveries/s at least 0.8× the bare server's
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
SECTION_TITLE = "## Live sessions"
# gunicorn's gevent worker serves at most --worker-connections (default 1000) connections at
# once, and a websocket holds one for its whole life: 1,000 phones and a host need more.
WORKER_CONNECTIONS = 4000
GUNICORN_ARGS = ("--worker-connections", str(WORKER_CONNECTIONS))

now = time.perf_counter
ONE = "ours, PostgreSQL, 1 process"
TWO = "ours, PostgreSQL, 2 processes + Redis"
NAN = float("nan")


# -- targets ------------------------------------------------------------------------------


@dataclass
class Target:
    """One server set-up: where the host and the phones connect and how they get in."""

    name: str
    servers: list[Server]
    needs_token: bool
    host_token: str | None = None
    guest_tokens: list[str] = field(default_factory=list)
    database: str | None = None  # sqlite path or postgres URL, to count stored answers

    @property
    def url(self) -> str:
        return self.servers[0].url

    def phone_url(self, index: int) -> str:
        return self.servers[index % len(self.servers)].url

    def usage(self) -> tuple[float, float]:
        """Worker CPU seconds summed over the processes; the largest peak RSS (MB)."""
        usages = [server.worker_usage() for server in self.servers]
        return sum(cpu for cpu, _ in usages), max(peak for _, peak in usages)

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.host_token}"} if self.host_token else {}

    def create_session(self, quest_id: str = QUEST) -> str:
        response = requests.post(
            f"{self.url}/api/v1/live",
            json={"quest_id": quest_id},
            headers=self.headers(),
            timeout=10,
        )
        if response.status_code != 201:
            raise RuntimeError(
                f"{self.name}: POST /api/v1/live {response.status_code} {response.text}"
            )
        return response.json()["code"]

    def prepare(self, participants: int, env: dict | None) -> None:
        """A coach (host) and `participants` guests; not timed."""
        if not self.needs_token:
            return
        email, password = "bench-coach@loopbaanquest.nl", secrets.token_urlsafe(24)
        flask_command(env, "users", "create", email, "--role", "coach", stdin=password + "\n")
        # A coach must use two-factor authentication: enrol on the web pages, send the code.
        self.host_token = api_token(self.url, email, password)
        with requests.Session() as http:
            for number in range(participants):
                response = http.post(
                    f"{self.phone_url(number)}/api/v1/auth/guest",
                    json={"nickname": f"phone {number}"},
                    timeout=10,
                )
                response.raise_for_status()
                self.guest_tokens.append(response.json()["token"])

    def stored_answers(self, code: str, step_id: str) -> float:
        """Answers to `step_id` of session `code` in our database (NaN when not countable)."""
        query = (
            "SELECT count(*) FROM answers a JOIN live_participants p ON p.run_id = a.run_id "
            "JOIN live_sessions s ON s.id = p.session_id WHERE s.code = {0} AND a.step_id = {0}"
        )
        try:
            if self.database is None:
                return float("nan")
            if self.database.startswith("postgresql"):
                import psycopg

                with psycopg.connect(self.database) as connection:
                    row = connection.execute(query.format("%s"), (code, step_id)).fetchone()
            else:
                connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
                try:
                    row = connection.execute(query.format("?"), (code, step_id)).fetchone()
                finally:
                    connection.close()
            return float(row[0])
        except Exception:  # a schema we do not know: report n/a rather than guess
            return float("nan")


# -- clients ------------------------------------------------------------------------------


class Client(socketio.AsyncClient):
    """AsyncClient that only counts `presence` broadcasts instead of decoding them.

    Ours broadcasts `presence` to the whole room on every join, so 1,000 phones joining get
    about half a million of them; one client process decoding all of them would measure
    itself. Each is still received in full (websocket frame, Engine.IO packet); only the
    Socket.IO JSON decode and the handler are skipped. Every other message goes through as is.
    """

    presence = 0

    async def _handle_eio_message(self, data):
        if isinstance(data, str) and data.startswith('2["presence"'):
            self.presence += 1
            return
        await super()._handle_eio_message(data)


class Phone:
    """One socket and what it received, with arrival times (perf_counter).

    Like the real client, a phone whose socket drops reconnects (after 0.5 s, backing off to
    5 s) and sends `live:join` again (the host: `live:host`); an event that could not be sent
    or got no ack is sent again with the same client_id once the socket is back.
    """

    def __init__(self, index: int, url: str, auth: dict | None):
        self.index, self.url, self.auth = index, url, auth
        self.sio = Client(
            reconnection=True,
            reconnection_delay=0.5,
            reconnection_delay_max=5,
            handle_sigint=False,
        )
        self.rejoin: tuple[str, dict] | None = None  # what to send again after a reconnect
        self.connects = 0
        self.drops: list[tuple[float, str]] = []
        self.steps: list[tuple[float, str, int]] = []  # (time, code, index)
        self.step_sizes: list[int] = []
        self.results: list[tuple[float, str, str, int]] = []  # (time, code, step_id, total)
        self.ended: list[tuple[float, str]] = []
        self.closing = False
        self.sio.on("connect", self._on_connect)
        self.sio.on("live:step", self._on_step)
        self.sio.on("live:results", self._on_results)
        self.sio.on("live:ended", self._on_ended)
        self.sio.on("disconnect", self._on_disconnect)

    def _on_step(self, data=None):
        data = data or {}
        self.steps.append((now(), data.get("code"), data.get("index")))
        if len(self.step_sizes) < 20:
            self.step_sizes.append(len(json.dumps(data)))

    def _on_results(self, data=None):
        data = data or {}
        self.results.append((now(), data.get("code"), data.get("step_id"), data.get("total", -1)))

    def _on_ended(self, data=None):
        self.ended.append((now(), (data or {}).get("code")))

    @property
    def presence(self) -> int:
        return self.sio.presence

    def _on_disconnect(self, *reason):
        if not self.closing:
            self.drops.append((now(), str(reason[0]) if reason else "?"))

    def _on_connect(self):
        self.connects += 1
        if self.connects > 1 and self.rejoin and not self.closing:
            event, data = self.rejoin
            again = {**data, "client_id": str(uuid.uuid4())} if "client_id" in data else data
            task = asyncio.get_running_loop().create_task(self.call(event, again))
            task.add_done_callback(lambda done: done.exception())  # failures show elsewhere

    @property
    def dropped(self) -> bool:
        return bool(self.drops)

    async def connect(self) -> None:
        await self.sio.connect(
            self.url, auth=self.auth, transports=["websocket"], wait_timeout=TIMEOUT
        )

    async def call(self, event: str, data: dict) -> dict:
        """Send until acked (same payload, same client_id), for at most 2 × TIMEOUT."""
        deadline = now() + 2 * TIMEOUT
        while True:
            try:
                answer = await self.sio.call(event, data, timeout=TIMEOUT)
                return answer if isinstance(answer, dict) else {"ok": False, "raw": answer}
            except (socketio.exceptions.BadNamespaceError, socketio.exceptions.TimeoutError):
                if now() > deadline or self.closing:
                    raise
                await wait_until(lambda: self.sio.connected, timeout=deadline - now())

    async def close(self) -> None:
        self.closing = True
        with contextlib.suppress(Exception):
            await self.sio.disconnect()


def refusal_text(answer: dict) -> str:
    error = answer.get("error") or {}
    return f"{error.get('code')}: {error.get('message')}" if error else repr(answer)[:200]


async def in_batches(coroutines, size: int = CONNECT_BATCH) -> list:
    """Run coroutines `size` at a time; results (or exceptions) in order."""
    results = []
    for start in range(0, len(coroutines), size):
        results += await asyncio.gather(*coroutines[start : start + size], return_exceptions=True)
    return results


def step_id_of(answer: dict) -> str | None:
    state = answer.get("state") or {}
    step = state.get("step") or answer.get("step") or {}
    return step.get("id") if isinstance(step, dict) else None


async def wait_until(predicate, timeout: float = SETTLE, poll: float = 0.01) -> bool:
    deadline = now() + timeout
    while now() < deadline:
        if predicate():
            return True
        await asyncio.sleep(poll)
    return predicate()


def first_reaching(seen: list[tuple[float, int]], total: int, after: float) -> float | None:
    """The first arrival time in `seen` (time, total), at or after `after`, with ≥ `total`."""
    for arrived, count in seen:
        if arrived >= after and count >= total:
            return arrived
    return None


PHASES: list[tuple[str, float]] = []


def mark(phase: str) -> None:
    PHASES.append((phase, now()))


async def join_all(
    target: Target, host: Phone, phones: list[Phone], failures: list, quest_id: str = QUEST
) -> tuple:
    """A fresh session, the host on its screen, every phone joined; (code, join figures)."""
    code = await asyncio.to_thread(target.create_session, quest_id)
    mark("join")
    host.rejoin = ("live:host", {"code": code})
    answer = await host.call("live:host", {"code": code})
    if not answer.get("ok"):
        raise RuntimeError(f"{target.name}: live:host refused: {refusal_text(answer)}")
    presence_before = sum(phone.presence for phone in phones)
    cpu_before, _ = target.usage()
    client_before = time.process_time()
    began = now()

    async def one(position: int, phone: Phone) -> float:
        await asyncio.sleep(max(0.0, began + position / JOIN_RATE - now()))
        payload = {"code": code, "nickname": f"phone {phone.index}", "client_id": str(uuid.uuid4())}
        phone.rejoin = ("live:join", payload)
        sent = now()
        answer = await phone.call("live:join", payload)
        if not answer.get("ok"):
            raise RuntimeError(f"join refused: {refusal_text(answer)}")
        return now() - sent

    outcomes = await asyncio.gather(
        *[one(i, phone) for i, phone in enumerate(phones)], return_exceptions=True
    )
    wall = now() - began
    cpu_after, _ = target.usage()
    client_cpu = time.process_time() - client_before
    joined = [o for o in outcomes if not isinstance(o, BaseException)]
    failures += [f"join: {type(o).__name__}: {o}" for o in outcomes if isinstance(o, BaseException)]
    # Presence broadcasts may still be on their way: measure nothing until they stop.
    last, quiet_since = -1, now()
    while now() - quiet_since < 0.5 and now() - began < wall + 120:
        count = sum(p.presence for p in phones)
        if count != last:
            last, quiet_since = count, now()
        await asyncio.sleep(0.05)
    mark("joined")
    figures = {
        "joined": len(joined),
        "join_s": wall,
        "presence_settled_s": now() - began - 0.5,
        "join_p50_ms": percentile(joined, 50) * 1000,
        "join_p99_ms": percentile(joined, 99) * 1000,
        "join_cpu_s": cpu_after - cpu_before,
        "join_client_busy_pct": client_cpu / wall * 100 if wall else NAN,
        "presence_per_phone": (sum(p.presence for p in phones) - presence_before)
        / max(len(phones), 1),
    }
    return code, figures


async def next_step(host: Phone, code: str) -> dict:
    answer = await host.call("live:next", {"code": code, "client_id": str(uuid.uuid4())})
    if not answer.get("ok"):
        raise RuntimeError(f"live:next refused: {refusal_text(answer)}")
    return answer


async def end_session(
    target: Target, host: Phone, phones: list[Phone], code: str, failures: list
) -> dict:
    """End the session; how long the ack took and how many phones received `live:ended`."""
    mark("end")
    cpu_before, _ = target.usage()
    sent = now()
    try:
        answer = await host.call("live:end", {"code": code, "client_id": str(uuid.uuid4())})
    except Exception as error:
        answer = {"ok": False, "error": {"code": type(error).__name__, "message": str(error)}}
    acked = now() - sent
    if not answer.get("ok"):
        failures.append(f"live:end refused: {refusal_text(answer)}")
    await wait_until(lambda: all(any(c == code for _, c in p.ended) for p in phones), 5)
    cpu_after, _ = target.usage()
    return {
        "ended_reached": sum(any(c == code for _, c in phone.ended) for phone in phones),
        "end_ack_ms": acked * 1000,
        "end_cpu_s": cpu_after - cpu_before,
        "completed": answer.get("completed"),
    }


async def broadcast_train(
    target: Target, host: Phone, phones: list[Phone], code: str, until: str | None = None
) -> dict:
    """The host sends `live:next` up to step `until` (else through the last step), each right
    after the previous ack; every phone should receive every `live:step`."""
    failures: list[str] = []
    mark("broadcast")
    cpu_before, _ = target.usage()
    client_before = time.process_time()
    sent_at: dict[int, float] = {}
    began = now()
    step_id, shown, next_acks, total = None, 0, [], None
    while (step_id != until) if until else (total is None or shown < total):
        sent_at[shown] = now()
        answer = await next_step(host, code)
        next_acks.append(now() - sent_at[shown])
        shown += 1
        step_id = step_id_of(answer)
        total = (answer.get("state") or {}).get("total")
        if step_id is None or total is None or shown > 40:
            raise RuntimeError(f"{target.name}: unexpected live:next ack {answer!r:.300}")
    expected = shown * len(phones)

    def delivered() -> int:
        return sum(len([1 for s in p.steps if s[1] == code]) for p in phones)

    complete = await wait_until(lambda: delivered() >= expected)
    cpu_after, _ = target.usage()
    client_cpu = time.process_time() - client_before
    arrivals = [(t, i) for p in phones for t, c, i in p.steps if c == code]
    finished = max((t for t, _ in arrivals), default=began)
    latencies = [t - sent_at[i] for t, i in arrivals if i in sent_at]
    count = len(arrivals)
    if not complete:
        failures.append(f"broadcast: {expected - count} of {expected} live:step not delivered")
    sizes = [size for p in phones[:5] for size in p.step_sizes]
    return {
        "broadcasts": shown,
        "next_ack_ms": statistics.mean(next_acks) * 1000,
        "expected": expected,
        "delivered": count,
        "deliveries_per_s": count / (finished - began) if finished > began else NAN,
        "train_s": finished - began,
        "broadcast_client_busy_pct": client_cpu / (now() - began) * 100,
        "delivery_p50_ms": percentile(latencies, 50) * 1000,
        "delivery_p99_ms": percentile(latencies, 99) * 1000,
        "cpu_us_per_delivery": (cpu_after - cpu_before) / max(count, 1) * 1e6,
        "step_bytes": statistics.mean(sizes) if sizes else NAN,
        "failures": failures,
    }


async def answer_session(target: Target, host: Phone, phones: list[Phone]) -> dict:
    """Everyone joins; the host shows the steps up to ANSWER_STEP in a row (the broadcast
    measurement); everyone answers ANSWER_STEP once, spread over WINDOW seconds; the end."""
    failures: list[str] = []
    cpu_session, _ = target.usage()
    code, joining = await join_all(target, host, phones, failures)
    shown = await broadcast_train(target, host, phones, code, until=ANSWER_STEP)
    failures += shown["failures"]
    options = await asyncio.to_thread(quest_options, ANSWER_STEP)
    count = len(phones)
    mark("answer")
    cpu_before, _ = target.usage()
    client_before = time.process_time()
    began = now() + 0.05

    async def one(position: int, phone: Phone):
        await asyncio.sleep(max(0.0, began + position * WINDOW / count - now()))
        payload = {
            "code": code,
            "step_id": ANSWER_STEP,
            "value": [options[phone.index % len(options)]],
            "client_id": str(uuid.uuid4()),
        }
        sent = now()
        try:
            answer = await phone.call("live:answer", payload)
        except Exception as error:
            return phone, sent, None, f"{type(error).__name__}: {error}"
        if not answer.get("ok"):
            return phone, sent, None, f"refused: {refusal_text(answer)}"
        return phone, sent, now(), None

    outcomes = await asyncio.gather(*[one(i, p) for i, p in enumerate(phones)])
    last_sent = max(sent for _, sent, _, _ in outcomes)
    failures += [problem for *_, problem in outcomes if problem]
    acked = sorted((sent, done, phone) for phone, sent, done, problem in outcomes if not problem)

    def host_seen() -> list[tuple[float, int]]:
        return [(t, total) for t, c, s, total in host.results if c == code and s == ANSWER_STEP]

    final_ok = await wait_until(lambda: any(total >= len(acked) for _, total in host_seen()))
    final_total = max((total for _, total in host_seen()), default=0)
    everyone = await wait_until(
        lambda: all(
            any(c == code and s == ANSWER_STEP and t >= final_total for _, c, s, t in p.results)
            for p in phones
        ),
        timeout=SETTLE if final_ok else 1,
    )
    settled = now()
    cpu_after, _ = target.usage()
    client_cpu = time.process_time() - client_before
    stored = await asyncio.to_thread(target.stored_answers, code, ANSWER_STEP)
    host_final_at = first_reaching(host_seen(), final_total, began) if final_total else None
    on_host, on_phone, missing_host, missing_phone = [], [], 0, 0
    for rank, (sent, _done, phone) in enumerate(acked, start=1):
        arrived = first_reaching(host_seen(), rank, sent)
        if arrived is None:
            missing_host += 1
        else:
            on_host.append(arrived - sent)
        mine = [(t, total) for t, c, s, total in phone.results if c == code and s == ANSWER_STEP]
        arrived = first_reaching(mine, rank, sent)
        if arrived is None:
            missing_phone += 1
        else:
            on_phone.append(arrived - sent)
    reached = sum(
        any(c == code and s == ANSWER_STEP and t >= final_total for _, c, s, t in p.results)
        for p in phones
    )
    per_phone = [
        len([1 for _, c, s, _t in p.results if c == code and s == ANSWER_STEP]) for p in phones
    ]
    ending = await end_session(target, host, phones, code, failures)
    cpu_end, _ = target.usage()
    acks = [done - sent for sent, done, _ in acked]
    lost_candidates = [len(acked), final_total] + ([stored] if stored == stored else [])
    return {
        "sent": count,
        "acked": len(acked),
        "final_total": final_total,
        "stored": stored,
        "lost": count - min(lost_candidates),
        "send_window_s": last_sent - began,
        "ack_p50_ms": percentile(acks, 50) * 1000,
        "ack_p99_ms": percentile(acks, 99) * 1000,
        "ack_max_ms": max(acks, default=float("nan")) * 1000,
        "last_ack_s": max((done for _, done, _ in acked), default=float("nan")) - began,
        "final_on_host_s": (host_final_at - began) if host_final_at else float("nan"),
        "results_host_p50_ms": percentile(on_host, 50) * 1000,
        "results_host_p99_ms": percentile(on_host, 99) * 1000,
        "results_phone_p50_ms": percentile(on_phone, 50) * 1000,
        "results_phone_p99_ms": percentile(on_phone, 99) * 1000,
        "results_missing": missing_host + missing_phone,
        "results_per_phone": statistics.mean(per_phone) if per_phone else float("nan"),
        "final_reached": reached,
        "everyone_final": everyone,
        **joining,
        **ending,
        "answer_cpu_s": cpu_after - cpu_before,
        "answer_cpu_ms_per_answer": (cpu_after - cpu_before) / max(len(acked), 1) * 1000,
        "answer_phase_s": settled - began,
        "answer_client_busy_pct": client_cpu / (settled - began) * 100,
        "session_cpu_s": cpu_end - cpu_session,
        "failures": failures,
    }


async def broadcast_session(target: Target, host: Phone, phones: list[Phone]) -> dict:
    """A fresh session of BROADCAST_QUEST, everyone joined; the host shows every step in a
    row; then the end."""
    failures: list[str] = []
    code, joining = await join_all(target, host, phones, failures, BROADCAST_QUEST)
    train = await broadcast_train(target, host, phones, code)
    ending = await end_session(target, host, phones, code, failures)
    return {
        **train,
        "failures": failures + train["failures"],
        "broadcast_join_s": joining["join_s"],
        "broadcast_ended_reached": ending["ended_reached"],
    }


async def attempt(coroutine, what: str) -> dict:
    """The figures of one session, or only its failure if it could not go on."""
    try:
        return await coroutine
    except Exception as error:
        return {"failures": [f"{what} aborted: {type(error).__name__}: {error}"], "aborted": True}


async def one_repeat(target: Target, participants: int) -> dict:
    failures: list[str] = []
    host = Phone(-1, target.url, {"token": target.host_token} if target.needs_token else None)
    phones = [
        Phone(
            number,
            target.phone_url(number),
            {"token": target.guest_tokens[number]} if target.needs_token else None,
        )
        for number in range(participants)
    ]
    PHASES.clear()
    try:
        await host.connect()
        began = now()
        mark("connect")
        outcomes = await in_batches([phone.connect() for phone in phones])
        connect_s = now() - began
        failed = [o for o in outcomes if isinstance(o, BaseException)]
        failures += [f"connect: {type(o).__name__}: {o}" for o in failed]
        connected = [
            p for p, o in zip(phones, outcomes, strict=True) if not isinstance(o, BaseException)
        ]
        answered = await attempt(answer_session(target, host, connected), "answer session")
        broadcast = await attempt(broadcast_session(target, host, connected), "broadcast session")
        dropped = sum(p.dropped for p in connected) + host.dropped
        drops = sorted((t - began, why) for p in [host, *connected] for t, why in p.drops)
        if drops:
            phases = ", ".join(f"{name} at {at - began:.1f} s" for name, at in PHASES)
            reasons = dict(Counter(why for _, why in drops))
            failures.append(
                f"{len(drops)} drops of {dropped} sockets ({reasons}) between {drops[0][0]:.1f} s "
                f"and {drops[-1][0]:.1f} s after the first connect (host dropped "
                f"{len(host.drops)}×; phases: {phases})"
            )
    finally:
        for start in range(0, len(phones), 200):
            await asyncio.gather(*[p.close() for p in phones[start : start + 200]])
        await host.close()
    return {
        "connected": len(connected),
        "connect_s": connect_s,
        "dropped": dropped,
        "answer": answered,
        "broadcast": broadcast,
        "failures": failures + answered["failures"] + broadcast["failures"],
    }


# -- the quest, as the phones see it ------------------------------------------------------

_library = None


def _quest():
    global _library
    if _library is None:
        sys.path.insert(0, str(ROOT))
        from game_server.content.loader import load_library

        _library = load_library(ROOT / "quests")
    return _library.quests[QUEST]


def quest_options(step_id: str) -> list[str]:
    step = next(step for step in _quest().steps if step.id == step_id)
    return [option.id for option in step.options]


def quest_live_steps() -> list:
    return [step for step in _quest().steps if getattr(step, "when", None) is None]


def quest_length() -> int:
    return len(quest_live_steps())


def quest_step_id(index: int) -> str:
    return quest_live_steps()[index].id


# -- servers ------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_database(admin_url: str = POSTGRES, prefix: str = "lq_bench") -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped afterwards (a plain postgresql:// URL)."""
    import psycopg

    admin_url = admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_pid() -> int | None:
    with contextlib.suppress(Exception):
        import redis

        return int(redis.Redis.from_url(REDIS_URL).info("server")["process_id"])
    return None


def process_cpu(pid: int | None) -> float:
    if pid is None:
        return float("nan")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quiet_clients() -> None:
    """The Socket.IO clients log every closed socket; drops are counted instead."""
    import logging

    for name in ("engineio.client", "socketio.client"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def raise_open_files(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, soft)), hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        raise SystemExit(f"ulimit -n is {soft}; {needed} open files are needed (raise it)")


def scale_out_targets(
    stack: contextlib.ExitStack, tmp: Path, started: list[Server], participants: int
) -> list[Target]:
    """Ours on a fresh PostgreSQL database: one process alone, and two sharing Redis."""
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=5).ping()  # fail early without Redis
    url = stack.enter_context(postgres_database())
    mine: list[Server] = []
    stack.callback(lambda: [server.stop() for server in mine])  # before the database goes
    database = url.replace("postgresql://", "postgresql+psycopg://", 1)
    pg_env = ours_env(
        tmp,
        GAME_QUESTS_PATH=str(ROOT / "quests"),
        GAME_DATABASE_URL=database,
        GAME_REDIS_URL="",
    )
    single = start_ours(tmp, name="ours-pg", env=pg_env, extra_args=GUNICORN_ARGS)
    started.append(single)
    mine.append(single)
    channel = f"lq-bench-{secrets.token_hex(4)}"
    redis_env = {**pg_env, "GAME_REDIS_URL": REDIS_URL, "GAME_SOCKETIO_CHANNEL": channel}
    first = start_ours(
        tmp, name="ours-pg-redis-1", env=redis_env, migrate=False, extra_args=GUNICORN_ARGS
    )
    started.append(first)
    mine.append(first)
    second = start_ours(
        tmp, name="ours-pg-redis-2", env=redis_env, migrate=False, extra_args=GUNICORN_ARGS
    )
    started.append(second)
    mine.append(second)
    one = Target("ours, PostgreSQL, 1 process", [single], needs_token=True, database=url)
    one.prepare(participants, pg_env)
    two = Target(
        "ours, PostgreSQL, 2 processes + Redis",
        [first, second],
        needs_token=True,
        database=url,
    )
    two.host_token, two.guest_tokens = one.host_token, one.guest_tokens
    return [one, two]


def run(
    repeats: int = REPEATS,
    participants: int = PARTICIPANTS,
    scale_out: bool = True,
    ours_too: bool = True,
) -> dict:
    """runs[target name] = one dict per repeat; targets alternate within each repeat."""
    raise_open_files(3 * participants + 200)
    quiet_clients()
    result: dict = {"participants": participants, "repeats": repeats, "runs": {}, "peaks": {}}
    result["code_version"] = code_version()
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    began = time.monotonic()
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lq-bench-live-")))
        started: list[Server] = []
        stack.callback(lambda: [server.stop() for server in started])
        baseline = start_baseline(
            "baseline_live",
            tmp,
            env={"BENCH_LIVE_DB": str(tmp / "baseline.db")},  # the same writes as ours
            extra_args=GUNICORN_ARGS,
        )
        started.append(baseline)
        targets = [Target("baseline", [baseline], needs_token=False)]
        if ours_too:
            env = ours_env(tmp, GAME_QUESTS_PATH=str(ROOT / "quests"), GAME_REDIS_URL="")
            ours = start_ours(tmp, env=env, extra_args=GUNICORN_ARGS)
            started.append(ours)
            targets.append(Target("ours", [ours], needs_token=True, database=str(tmp / "bench.db")))
            targets[1].prepare(participants, env)
        if scale_out and ours_too:
            try:
                targets += scale_out_targets(stack, tmp, started, participants)
            except Exception as error:  # no PostgreSQL or Redis here: say so, measure the rest
                result["skipped"] = (
                    f"two processes + Redis skipped: {type(error).__name__}: {error}"
                )
        result["runs"] = {target.name: [] for target in targets}
        redis = redis_pid()
        for repeat in range(repeats):
            for target in targets:
                redis_before = process_cpu(redis)
                outcome = asyncio.run(one_repeat(target, participants))
                outcome["redis_cpu_s"] = process_cpu(redis) - redis_before
                result["runs"][target.name].append(outcome)
                brief, train = outcome["answer"], outcome["broadcast"]
                print(
                    f"[live] repeat {repeat + 1} {target.name}: connected {outcome['connected']}, "
                    f"dropped {outcome['dropped']}, join {brief.get('join_s', NAN):.1f} s, "
                    f"acked {brief.get('acked')}/{brief.get('sent')}, lost {brief.get('lost')}, "
                    f"ack p99 {brief.get('ack_p99_ms', NAN):.0f} ms, "
                    f"results p99 {brief.get('results_host_p99_ms', NAN):.0f} ms, "
                    f"end {brief.get('end_ack_ms', NAN):.0f} ms, "
                    f"deliveries/s {train.get('deliveries_per_s', NAN):.0f}; "
                    f"{'; '.join(outcome['failures'][:3])}",
                    file=sys.stderr,
                    flush=True,
                )
        for target in targets:
            result["peaks"][target.name] = target.usage()[1]
        result["logs"] = {server.name: server.new_log_lines() for server in started}
        result["alive"] = {server.name: server.alive() for server in started}
        result["seconds"] = time.monotonic() - began
        kept = Path(tempfile.gettempdir()) / "lq-bench-live-logs"
        kept.mkdir(exist_ok=True)
        for server in started:
            (kept / server.log_path.name).write_text(server.log())
    return result


# -- report -------------------------------------------------------------------------------


def _get(run: dict, part: str, key: str):
    value = run[part].get(key, NAN) if part else run.get(key, NAN)
    return NAN if value is None else value


def _values(runs: list[dict], part: str, key: str) -> list[dict]:
    return [{key: _get(run, part, key)} for run in runs]


def _median(runs: list[dict], part: str, key: str) -> float:
    return median_of(_values(runs, part, key), key)


def _row(
    what: str, label: str, base: list[dict], ours: list[dict], part: str, key: str, digits: int
) -> str:
    b, o = _median(base, part, key), _median(ours, part, key)
    return comparison_row(what, label, b, o, digits)


def _worst(runs: list[dict], part: str, key: str, largest: bool = True):
    values = [_get(run, part, key) for run in runs]
    values = [value for value in values if value == value]
    if not values:
        return float("nan")
    return max(values) if largest else min(values)


def table(result: dict) -> list[str]:
    runs, n = result["runs"], result["participants"]
    base, ours = runs["baseline"], runs["ours"]
    what = f"Live, {n:,} phones answer one poll step within {WINDOW:g} s"
    lines = [
        f"| {what} | phones connected (worst repeat) | {_worst(base, '', 'connected', False)} of {n} | "
        f"{_worst(ours, '', 'connected', False)} of {n} | |",
        _row(what, f"all {n:,} connected after (s)", base, ours, "", "connect_s", 1),
        f"| {what} | phones whose socket dropped; they reconnect and join again (worst repeat) | {_worst(base, '', 'dropped')} | "
        f"{_worst(ours, '', 'dropped')} | |",
        f"| {what} | phones joined (worst repeat) | {_worst(base, 'answer', 'joined', False)} of {n} | "
        f"{_worst(ours, 'answer', 'joined', False)} of {n} | |",
        _row(
            what,
            f"all joined after (s, one join every {1000 / JOIN_RATE:g} ms)",
            base,
            ours,
            "answer",
            "join_s",
            1,
        ),
        _row(what, "join ack p50 (ms)", base, ours, "answer", "join_p50_ms", 1),
        _row(what, "join ack p99 (ms)", base, ours, "answer", "join_p99_ms", 1),
        _row(what, "server CPU, joining (s)", base, ours, "answer", "join_cpu_s", 2),
        _row(
            what,
            "`presence` messages per phone while joining",
            base,
            ours,
            "answer",
            "presence_per_phone",
            0,
        ),
        f"| {what} | answers acked ok / sent (worst repeat) | {_worst(base, 'answer', 'acked', False)} / "
        f"{n} | {_worst(ours, 'answer', 'acked', False)} / {n} | |",
        f"| {what} | answers lost (worst repeat) | {_worst(base, 'answer', 'lost')} | "
        f"{_worst(ours, 'answer', 'lost')} | |",
        f"| {what} | answers stored in the database (worst repeat) | | "
        f"{fmt(_worst(ours, 'answer', 'stored', False), 0)} | |",
        _row(what, "ack p50 (ms)", base, ours, "answer", "ack_p50_ms", 1),
        _row(what, "ack p99 (ms)", base, ours, "answer", "ack_p99_ms", 1),
        _row(what, "last ack after the first send (s)", base, ours, "answer", "last_ack_s", 2),
        _row(
            what,
            "results broadcast p50, on the host (ms)",
            base,
            ours,
            "answer",
            "results_host_p50_ms",
            1,
        ),
        _row(
            what,
            "results broadcast p99, on the host (ms)",
            base,
            ours,
            "answer",
            "results_host_p99_ms",
            1,
        ),
        _row(
            what,
            "results broadcast p50, on the answering phone (ms)",
            base,
            ours,
            "answer",
            "results_phone_p50_ms",
            1,
        ),
        _row(
            what,
            "results broadcast p99, on the answering phone (ms)",
            base,
            ours,
            "answer",
            "results_phone_p99_ms",
            1,
        ),
        _row(
            what,
            "final results on the host after the first send (s)",
            base,
            ours,
            "answer",
            "final_on_host_s",
            2,
        ),
        f"| {what} | phones that got the final results (worst repeat) | "
        f"{_worst(base, 'answer', 'final_reached', False)} of {n} | "
        f"{_worst(ours, 'answer', 'final_reached', False)} of {n} | |",
        _row(
            what, "`live:results` messages per phone", base, ours, "answer", "results_per_phone", 1
        ),
        _row(what, "server CPU, answering (s)", base, ours, "answer", "answer_cpu_s", 2),
        _row(
            what, "server CPU per answer (ms)", base, ours, "answer", "answer_cpu_ms_per_answer", 2
        ),
        _row(what, "`live:end` ack (ms)", base, ours, "answer", "end_ack_ms", 0),
        _row(what, "server CPU, `live:end` (s)", base, ours, "answer", "end_cpu_s", 2),
        _row(
            what,
            "server CPU, whole session: join, steps, answers, end (s)",
            base,
            ours,
            "answer",
            "session_cpu_s",
            2,
        ),
        _row(
            what,
            "client process busy while answering (% of one core)",
            base,
            ours,
            "answer",
            "answer_client_busy_pct",
            0,
        ),
        f"| {what} | server peak RSS, VmHWM at the end of the run (MB) | "
        f"{fmt(result['peaks']['baseline'], 0)} | {fmt(result['peaks']['ours'], 0)} | "
        f"{ratio(result['peaks']['ours'], result['peaks']['baseline'])} |",
    ]
    what = f"Live, `live:step` broadcast to {n:,} phones"
    steps = base[0]["broadcast"]["broadcasts"], ours[0]["broadcast"]["broadcasts"]
    lines += [
        f"| {what} | steps sent in a row × phones | {steps[0]} × {n} | {steps[1]} × {n} | |",
        f"| {what} | deliveries missed (worst repeat) | "
        f"{_worst(base, 'broadcast', 'expected') - _worst(base, 'broadcast', 'delivered', False)} | "
        f"{_worst(ours, 'broadcast', 'expected') - _worst(ours, 'broadcast', 'delivered', False)} | |",
        _row(what, "deliveries/s", base, ours, "broadcast", "deliveries_per_s", 0),
        _row(
            what,
            "`live:next` ack, mean of the steps (ms)",
            base,
            ours,
            "broadcast",
            "next_ack_ms",
            1,
        ),
        _row(
            what,
            "delivery p50, from `live:next` sent (ms)",
            base,
            ours,
            "broadcast",
            "delivery_p50_ms",
            1,
        ),
        _row(what, "delivery p99 (ms)", base, ours, "broadcast", "delivery_p99_ms", 1),
        _row(
            what, "server CPU per delivery (µs)", base, ours, "broadcast", "cpu_us_per_delivery", 1
        ),
        _row(what, "`live:step` payload (bytes of JSON)", base, ours, "broadcast", "step_bytes", 0),
        _row(
            what,
            "client process busy (% of one core)",
            base,
            ours,
            "broadcast",
            "broadcast_client_busy_pct",
            0,
        ),
    ]
    return lines


def scale_table(result: dict) -> list[str]:
    runs, n = result["runs"], result["participants"]
    names = ["ours", ONE, TWO]
    if not all(name in runs for name in names):
        return []
    lines = [
        "| Metric | 1 process, SQLite | 1 process, PostgreSQL | 2 processes + Redis, PostgreSQL "
        "| 2 processes / 1 process (PostgreSQL) |",
        "|---|---:|---:|---:|---:|",
    ]

    def row(label: str, part: str, key: str, digits: int, worst: str | None = None) -> str:
        if worst:
            values = [_worst(runs[name], part, key, worst == "max") for name in names]
            cells = [fmt(value, 0) for value in values]
            return f"| {label} | " + " | ".join(cells) + " | |"
        values = [_median(runs[name], part, key) for name in names]
        cells = [fmt(value, digits) for value in values]
        return f"| {label} | " + " | ".join(cells) + f" | {ratio(values[2], values[1])} |"

    lines += [
        row(f"phones connected of {n} (worst repeat)", "", "connected", 0, "min"),
        row("answers lost (worst repeat)", "answer", "lost", 0, "max"),
        row(
            "phones that got the final results (worst repeat)", "answer", "final_reached", 0, "min"
        ),
        row("phones that got `live:ended` (worst repeat)", "answer", "ended_reached", 0, "min"),
        row("`live:step` deliveries missed (worst repeat)", "broadcast", "missed", 0, "max"),
        row(
            "phones that got `live:ended`, broadcast session (worst repeat)",
            "broadcast",
            "broadcast_ended_reached",
            0,
            "min",
        ),
        row("phones whose socket dropped (worst repeat)", "", "dropped", 0, "max"),
        row("all connected after (s)", "", "connect_s", 1),
        row("join ack p99 (ms)", "answer", "join_p99_ms", 1),
        row("server CPU, joining, all processes (s)", "answer", "join_cpu_s", 2),
        row("ack p50 (ms)", "answer", "ack_p50_ms", 1),
        row("ack p99 (ms)", "answer", "ack_p99_ms", 1),
        row("results broadcast p50, on the host (ms)", "answer", "results_host_p50_ms", 1),
        row("results broadcast p99, on the host (ms)", "answer", "results_host_p99_ms", 1),
        row(
            "results broadcast p99, on the answering phone (ms)",
            "answer",
            "results_phone_p99_ms",
            1,
        ),
        row("server CPU per answer, all processes (ms)", "answer", "answer_cpu_ms_per_answer", 2),
        row("`live:results` messages per phone, answering", "answer", "results_per_phone", 0),
        row("`presence` messages per phone, joining", "answer", "presence_per_phone", 0),
        row("`live:end` ack (ms)", "answer", "end_ack_ms", 0),
        row("server CPU, whole session, all processes (s)", "answer", "session_cpu_s", 2),
        row("`live:step` deliveries/s", "broadcast", "deliveries_per_s", 0),
        row("`live:step` delivery p99 (ms)", "broadcast", "delivery_p99_ms", 1),
        row("server CPU per delivery, all processes (µs)", "broadcast", "cpu_us_per_delivery", 1),
        row("Redis CPU, one repeat (s)", "", "redis_cpu_s", 2),
    ]
    peaks = [result["peaks"][name] for name in names]
    lines.append(
        "| server peak RSS, largest process (MB) | "
        + " | ".join(fmt(peak, 0) for peak in peaks)
        + f" | {ratio(peaks[2], peaks[1])} |"
    )
    return lines


def _missed(runs: list[dict]) -> None:
    for run in runs:
        done = run["broadcast"]
        done["missed"] = done.get("expected", NAN) - done.get("delivered", NAN)


def failures(result: dict) -> list[str]:
    seen: Counter = Counter()
    for name, runs in result["runs"].items():
        for run in runs:
            for failure in run["failures"]:
                seen[f"{name}: {failure}"] += 1
            if run["dropped"]:
                seen[f"{name}: {run['dropped']} phones dropped before the end"] += 1
    problems = [f"{count}× {key}" for key, count in sorted(seen.items())]
    if result.get("skipped"):
        problems.append(result["skipped"])
    for name, lines in result.get("logs", {}).items():
        # A traceback is many lines: count what failed and how, not every frame.
        telling = Counter(
            line.strip()
            for line in lines
            if re.search(r"(Error|Exception|failed|WORKER|CRITICAL)\b", line)
            and not line.startswith(" ")
        )
        for line, count in telling.most_common(8):
            problems.append(f"log {name}, {count}×: `{line[:200]}`")
        if lines and not telling:
            problems += [f"log {name}: `{line[:200]}`" for line in lines[:5]]
        if lines:
            problems.append(f"log {name}: {len(lines)} lines in all")
    problems += [
        f"{name} exited during the run" for name, ok in result.get("alive", {}).items() if not ok
    ]
    return problems


def _each(runs: list[dict], part: str, key: str, digits: int = 0) -> str:
    """Every repeat's value, in order: how much the median hides."""
    return ", ".join(fmt(_get(run, part, key), digits) for run in runs)


def goals(result: dict) -> list[str]:
    runs = result["runs"]
    base, ours = runs["baseline"], runs["ours"]
    n = result["participants"]
    lost = _worst(ours, "answer", "lost")
    window = statistics.median(_get(run, "answer", "send_window_s") for run in ours)
    b = _median(base, "broadcast", "deliveries_per_s")
    o = _median(ours, "broadcast", "deliveries_per_s")
    share = o / b if b else NAN
    cpu_b = _median(base, "broadcast", "cpu_us_per_delivery")
    cpu_o = _median(ours, "broadcast", "cpu_us_per_delivery")
    lines = [
        f"- Answers lost (goal 0): {'met' if lost == 0 else 'missed'}: {fmt(lost, 0)} in the "
        f"worst of {len(ours)} repeats.",
        f"- Keeping up with {n:,} answers sent within {WINDOW:g} s (reported, no threshold set "
        f"by the issue): the answers went out over {window:.2f} s; ours acked the last one "
        f"{_median(ours, 'answer', 'last_ack_s'):.2f} s and showed the final count on the host "
        f"{_median(ours, 'answer', 'final_on_host_s'):.2f} s after the first was sent (bare "
        f"server: {_median(base, 'answer', 'last_ack_s'):.2f} s and "
        f"{_median(base, 'answer', 'final_on_host_s'):.2f} s); ack p99 "
        f"{fmt(_median(ours, 'answer', 'ack_p99_ms'), 0)} ms, results p99 on the host "
        f"{fmt(_median(ours, 'answer', 'results_host_p99_ms'), 0)} ms (medians; ack p99 per "
        f"repeat: {_each(ours, 'answer', 'ack_p99_ms')} ms).",
        f"- Broadcast to {n:,} (goal: ours ≥ {BROADCAST_GOAL}× the bare server's deliveries/s): "
        f"{'met' if share >= BROADCAST_GOAL else 'missed'}: {share:.2f}× (medians; per repeat "
        f"ours {_each(ours, 'broadcast', 'deliveries_per_s')}, bare "
        f"{_each(base, 'broadcast', 'deliveries_per_s')}). Read it "
        f"with the server CPU per delivery, {ratio(cpu_o, cpu_b)} the bare server's: the "
        "client process is the tighter bottleneck in this measurement (see its busy row).",
    ]
    scale = runs.get(TWO)
    if scale:
        _missed(scale)
        missing = {
            "answers lost": _worst(scale, "answer", "lost"),
            "phones without the final results": n - _worst(scale, "answer", "final_reached", False),
            "`live:step` deliveries missed": _worst(scale, "broadcast", "missed"),
            "phones without `live:ended`": n - _worst(scale, "answer", "ended_reached", False),
            "phones without `live:ended`, broadcast session": n
            - _worst(scale, "broadcast", "broadcast_ended_reached", False),
        }
        problems = sum(value for value in missing.values() if value == value)
        detail = ", ".join(f"{what}: {fmt(value, 0)}" for what, value in missing.items())
        lines.append(
            f"- Two processes + Redis, every message delivered: "
            f"{'met' if problems == 0 else 'missed'} (worst repeat: {detail})."
        )
    return lines


def section(result: dict) -> list[str]:
    for runs in result["runs"].values():
        _missed(runs)
    n = result["participants"]
    lines = [
        SECTION_TITLE,
        "",
        "Reproduce alone: `.venv/bin/python bench/live.py` (`--write` replaces this section "
        "in place; `--no-scale-out` leaves out PostgreSQL and Redis; `--participants N`); in "
        "the whole run: `.venv/bin/python bench/run_all.py --only live`.",
        "",
        f"- Run {result.get('date', '')} on this machine (2 cores); code measured: "
        f"{result.get('code_version', 'unknown')}. This part took "
        f"{result.get('seconds', NAN):.0f} s.",
        "- Servers, started fresh for this part, each `gunicorn -k gevent -w 1 "
        f"--worker-connections {WORKER_CONNECTIONS}`: the bare baseline `bench/baseline_live.py` "
        '(python-socketio, `async_mode="gevent"`, no Flask: the same events with the same '
        "shapes, sessions and rooms in dicts, results coalesced like ours, no login, no "
        "`presence`; each join inserts its seat and each answer upserts its row in SQLite, "
        "committed before the ack, WAL and `synchronous=FULL` as ours) and ours (`game_server.wsgi:app`) on SQLite in a fresh "
        f"folder with `GAME_QUESTS_PATH=quests/` and `GAME_GUEST_LIMIT_PER_IP={BENCH_GUEST_LIMIT}`. "
        "The Procfile and `make run` pass the same `--worker-connections`: gunicorn's default "
        f"of 1,000 connections per worker cannot hold {n:,} phones and a host (see the notes).",
        f"- Clients: {n:,} phones and one host in one asyncio process (`socketio.AsyncClient`, "
        f"websocket transport), {CONNECT_BATCH} connecting at a time. Ours: a guest token per "
        "phone and a coach's bearer token for the host, made before the clock starts. A phone "
        "whose socket drops reconnects and joins again, as the real client does, and resends "
        "an unacknowledged event with the same client_id. `presence` messages are counted, not "
        "decoded (before 68353dd ours sent half a million of them to 1,000 phones).",
        f"- One repeat: everyone connects; then the answer session: `POST /api/v1/live "
        f"{{quest_id: {QUEST}}}`, `live:host`, the phones `live:join` one every "
        f"{1000 / JOIN_RATE:g} ms (everyone scanning the code at once; not waiting for acks); "
        f"once the last `presence` has arrived, the host opens the steps up to the poll step "
        f"`{ANSWER_STEP}`; every phone sends one `live:answer` (one option, round robin), phone "
        f"*i* at *i* × {WINDOW:g} s / {n:,} after the start, so {n:,} answers arrive evenly "
        f"within {WINDOW:g} s; the host ends the session (`live:end`, which in ours completes "
        f"everyone's run: XP, badges). Then the broadcast session: a fresh session of "
        f"`{BROADCAST_QUEST}` (11 steps, none conditional), everyone joins the same way, the "
        "host sends `live:next` for every step, each right after the previous ack (not "
        "waiting for the deliveries), and ends it. Then everyone disconnects. "
        f"{result['repeats']} repeats, baseline and ours alternating; medians, or the worst "
        "repeat where it says so.",
        "- Answers lost = sent − the smallest of: answers acked `ok: true`, the `total` of the "
        "last `live:results` the host received, and (ours) the answers to that step of that "
        "session in the database (SQL after the session).",
        "- Results broadcast latency of an answer: sort the acked answers by send time; the "
        "*k*-th one's latency is from its sending to the arrival of the first `live:results` "
        "for the step with `total ≥ k` (on the host, or on the phone that sent it): how long "
        "until the count on screen has caught up with every answer sent up to it. `total` is a "
        "count, not a list, so this assumes answers are counted about in the order they were "
        "sent. Both servers coalesce: the first answer starts a 0.3 s timer, everything until "
        "it fires is one broadcast (ours: `COALESCE_SECONDS` in game_server/realtime/live.py, "
        "which also coalesces `presence`; the baseline: `BENCH_LIVE_RESULTS_INTERVAL`).",
        "- Broadcast deliveries/s = `live:step` messages received by all phones ÷ (last "
        "arrival − first `live:next` sent). The client process shares the machine's 2 cores "
        "with the server, so it can be the bottleneck (its busy row says how close it was); "
        "server CPU per delivery does not depend on it.",
        "- Server CPU: user + system time of the gunicorn worker (the master's child) from "
        "/proc/<pid>/stat over the phase, summed over the processes where there are two. Peak "
        "RSS: VmHWM of the worker from /proc/<pid>/status at the end of the part (covers all "
        "repeats). Client busy: this process's CPU time ÷ wall time over the phase.",
        "",
        *HEADER,
        *table(result),
        "",
        "Goals:",
        "",
        *goals(result),
    ]
    scale = scale_table(result)
    if scale:
        lines += [
            "",
            "### Two processes plus Redis",
            "",
            "Ours on a fresh PostgreSQL database (created and dropped by the run, migrated with "
            "`flask db upgrade`), once as one process without Redis, once as two processes "
            "sharing Redis as the Socket.IO message queue (`GAME_REDIS_URL`, a channel of its "
            "own), the host and the even-numbered phones on the first, the odd-numbered on the "
            "second. Same clients and steps as above, alternating with the runs above. "
            '"Every message delivered" checks that every phone, on either process, got every '
            "`live:step`, the final `live:results` and `live:ended`. The cost of the second "
            "process and Redis is the last column; SQLite is shown for reference.",
            "",
            *scale,
        ]
    notes = NOTES.strip()
    if notes:
        lines += ["", notes]
    problems = [f"- {line}" for line in failures(result)] or ["- none"]
    lines += ["", "Problems seen in this part (client failures, server log lines):", "", *problems]
    return lines


# Written by hand after reading the numbers and the server code; check it still holds.
NOTES = """
**Reading these numbers** (written by hand from the runs of 2026-11-30 on commits from
before 68353dd to 142c1c2, a cProfile of `live:answer` and the server code; check it still
holds when the numbers move):

- **Issue 18's lifts for live, 2026-12-08 (d01cca8).** A join reads the session, the
  person's seat, their name, the quest version's digest and the seat count in one
  statement and writes the run and the seat in one more (two on SQLite), with no savepoint:
  11 statements before, 5 now on SQLite and 4 on PostgreSQL. On PostgreSQL `live:join` and
  `live:answer` run statement by statement (autocommit: their writes are one statement), so
  no BEGIN and COMMIT, and the pool no longer pings on checkout: a live answer is 3 round
  trips (was 6), a join 4 (was about 14). In-process (Flask-SocketIO's test client, 200–300
  phones, old 728ba85 and new d01cca8 alternated, CPU per event): a join 4.4–7.4 → 2.2–2.7
  ms on SQLite and 8.5–11.1 → 3.1–4.0 ms on PostgreSQL; a live answer on PostgreSQL
  2.0–2.9 → 1.8–2.3 ms (SQLite's answer is the same code as before). In this run the
  join's PostgreSQL ack p99 fell from 2,774 to 427 ms. The answers' PostgreSQL figures did
  not follow: 3.04 ms of server CPU per answer (2.69 on 2026-12-07, on a machine about a
  fifth faster: the bare server's answer cost 0.71 ms then, 0.86 today) and an ack p99 of
  2.3 s. Read with the row of `live:results` messages: every 0.3 s that answers arrive,
  each process sends the room's results to all 1,000 phones (about 80 µs a delivery: the
  `live:step` row on SQLite), and
  that is counted in "server CPU per answer": 11 broadcasts on PostgreSQL (7 on SQLite)
  are about 0.9 ms per answer. The broadcast, not the answer's SQL, is now the larger part
  of a live answer in a room of 1,000. Sending the running results to the host screen only,
  and to the phones once the step closes, would take most of it off (the phones would see
  the final picture, not the running one): the next lift for the 500 ms goal.
- **The client is the tighter limit for the broadcast.** One Python process drives 1,000
  sockets on the same 2 cores as the server; while 11,000 `live:step` messages arrive it is
  busy about 95% of a core for both servers, so deliveries/s says as much about
  python-socketio's client as about the servers, and the ratio moved between 0.66× and 1.15×
  over that day's runs (the first ones sent 3 steps, not 11). Server CPU per delivery is
  the steadier comparison: a `live:step` to a room costs ours about 1.2× the bare server
  (the emit is the same python-socketio call; ours adds the database work of `live:next`,
  spread over 1,000 deliveries). For the answers the server is the limit, not the client.
- **Answers are queued on one worker.** Every answer was acked, counted in the final
  results and stored, in every repeat. One gevent worker acks about 1 / (server CPU per
  answer) answers a second, so while 1,000 arrive within 2 s they wait in line; the ack
  and results latencies are mostly that wait plus the 0.3 s coalescing. On 142c1c2 an
  answer runs 8 SQL statements; in a cProfile of 200 answers in-process (Flask-SocketIO
  test client, threading mode, SQLite) about half of the time per event is the login
  re-check every event does (`socket_user`: the user and the token through the ORM), most of
  the rest the answer itself (five prepared statements and the commit). On 662fc14 and
  1738bf1, before the prepared statements, an answer took 4.5–4.9 ms of server CPU (11
  statements through the ORM) and the acks 3.2–7.2 s at p99, the last ack 4.8–5.6 s after
  the first send.
- **`live:end` no longer holds the worker** (since 48a61d4). Until then it completed every
  participant's run (XP, badge evaluation) in one transaction before it acked: about 1.1 s
  (1.2 s of server CPU) for 1,000 on SQLite, during which SQLite served no other socket, and
  2.4–5.5 s on PostgreSQL. Now the session ends at once (the ack row above) and the runs are
  completed in the background, 100 per transaction, yielding between batches; their CPU is
  no longer in the `live:end` row.
- **gunicorn's `--worker-connections`.** gunicorn's gevent worker accepts at most
  `worker_connections` connections at once (default 1,000), and a websocket holds one for its
  whole life. With gunicorn's default a room of 1,000 phones and a host fills it: the
  next socket, and every HTTP request (the join page, `/healthz`), waits until one closes.
  The first run of this bench, without the flag, saw it: `POST /api/v1/live` timed out after
  10 s with 1,000 phones and the host connected (to the bare server, under the same gunicorn
  command). The bench passes `--worker-connections 4000` to every server, and so do the
  Procfile and `make run` since 170a0d5.
- **Joins.** Until 68353dd every join broadcast `presence` to the whole room: about 500
  messages per phone, half a million for 1,000, 20 s of server CPU; with phones joining as
  fast as acked (50 at a time) 151–351 of the 1,000 sockets dropped in each of the three runs
  that counted them ("transport error" on the client, about 35 s in), and 252 in one run with
  joins paced at 25 a second. Coalesced, each phone gets a few. A join is
  still about 5 ms of server CPU on SQLite and 11 ms on PostgreSQL (21 statements in-process
  before b2c00a8, 7 of them reading the quest version; that one is now read once per
  event), so 1,000 phones joining within 5 s queue up for about 1.4 s (SQLite) or 6–10 s
  (PostgreSQL) at p99.
- **Two processes + Redis** delivered everything in every repeat. The last column compares
  with one process on the same PostgreSQL database. The two server processes and the client
  share 2 cores here, so the second process cannot add capacity on this machine; the column
  is the price of the queue and the split, not a measure of scale-out. Results and presence
  are coalesced per process (the pending set lives in the process), so with two processes a
  phone gets about twice the `live:results` and `presence` messages of one process (rows
  above): correct, but every extra process adds a broadcast per interval. Coalescing across
  processes (a short-lived Redis key per session) would keep one.
- **PostgreSQL vs SQLite, one process:** about twice the server CPU per answer and per join
  (not profiled; a network round trip per statement is the likely difference), and
  `live:end` slower still; SQLite stays the faster choice for one process, as intended.
- **Seen on 662fc14 and 1738bf1 (groups, not live):** with Redis, group presence's disconnect
  hook failed with `redis.exceptions.MaxConnectionsError: Too many connections` when hundreds
  of sockets of one process closed at once (176 and 9 times): `redis.Redis.from_url` in redis-py 8
  opens at most 100 connections and raises instead of waiting. 142c1c2 skips sockets that
  never opened a group, and 170a0d5 gives presence a `redis.BlockingConnectionPool` that
  waits for a free connection instead of failing.
"""


# The list of sections at the top, without and with this one.
SECTIONS = (
    "[Content loading](#content-loading) and [Badge evaluation](#badge-evaluation).",
    "[Content loading](#content-loading), [Badge evaluation](#badge-evaluation) and "
    "[Live sessions](#live-sessions).",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--participants", type=int, default=PARTICIPANTS)
    parser.add_argument("--no-scale-out", action="store_true", help="skip PostgreSQL + Redis")
    parser.add_argument("--baseline-only", action="store_true", help="(development) baseline only")
    parser.add_argument(
        "--write", action="store_true", help="update the section in docs/benchmarks.md"
    )
    parser.add_argument(
        "--render", type=Path, help="no run: the section from a saved result (see --save)"
    )
    parser.add_argument("--save", type=Path, help="save the result as JSON")
    args = parser.parse_args()
    began = time.monotonic()
    if args.render:
        result = json.loads(args.render.read_text())
    else:
        result = run(
            args.repeats,
            args.participants,
            scale_out=not args.no_scale_out,
            ours_too=not args.baseline_only,
        )
    if args.save:
        args.save.write_text(json.dumps(result, default=str))
    if args.baseline_only:
        print(json.dumps(result["runs"], indent=1, default=str))
        print("\n".join(failures(result)))
        return
    lines = section(result)
    print("\n".join(lines))
    print("\nProblems:\n" + ("\n".join(failures(result)) or "none"))
    print(f"\nTook {time.monotonic() - began:.0f} s.")
    if args.write:
        write_section(SECTION_TITLE, lines, sections=SECTIONS)
        print(f"Wrote the live section of {DOC.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
