"""Answering a step over the API, ours vs a bare Flask + SQLite INSERT endpoint, in one run.

    .venv/bin/python bench/answer.py [--repeats N] [--profile]

Ours plays the public quests of quests/ (self-scan, values-cards, interest-profile) as guests
(`POST /api/v1/auth/guest`; guests may play public quests): runs are started with
`POST /api/v1/quests/{id}/runs` before the clock starts, then every timed request is one
`POST /api/v1/runs/{run_id}/answers` with `{"step_id", "value"}` and a fresh `Idempotency-Key`,
the value made from the step on screen (a realistic answer: scores for every statement,
options within min..max, a reflection of a few sentences, a dated action). A completed run
is started again before the next measurement (a completed public quest may be replayed).
The baseline (bench/baseline_answer.py) gets answers of the same quests, cycled.

Clients are threads with one keep-alive `http.client` connection each, as in http_healthz.
`--profile` profiles our answer handler in this process (Flask test client, same database
setup) and prints where the time goes.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    HEADER,
    ROOT,
    Server,
    code_version,
    comparison_row,
    median_of,
    ours_env,
    percentile,
    servers,
    start_baseline,
    start_ours,
    statement_kind,
    write_section,
)
from live import POSTGRES, postgres_database  # noqa: E402

CLIENT_COUNTS = (1, 8)
ANSWERS_PER_CLIENT = {1: 300, 8: 100}
WARMUP_PER_CLIENT = 10
REPEATS = 3
TIMEOUT = 10  # seconds per request
DEADLINE = 60  # seconds per measurement, whatever happens
GOAL = 3.0  # an earlier issue's goal: our p50 at most 3× the bare endpoint's
CPU_GOAL = 2.5  # the hot-path issue's: server CPU per answer at most 2.5× the bare endpoint's
QUESTS_ROOT = ROOT / "quests"  # ours runs on the real content (the default GAME_QUESTS_PATH)
SENTENCE = (
    "ik werk graag met mensen en wil leren hoe ik mijn vak beter kan doen omdat het werk "
    "verandert en ik over vijf jaar nog steeds plezier wil hebben in wat ik doe"
)
WORDS = SENTENCE.split(" ")


# The public quests the figures have always been measured on (a scale, cards, choices,
# reflections, an action): fixed by name, so that a growing library does not change the load.
BENCH_QUESTS = ("interest-profile", "self-scan", "values-cards")


def public_quests() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from game_server.content.loader import load_library

    library = load_library(QUESTS_ROOT)
    assert all(library.quests[q].public for q in BENCH_QUESTS), "a bench quest is not public"
    return list(BENCH_QUESTS)


def value_for(step: dict, rng: random.Random):
    """A plausible answer to the step view `step` (as our API shows it)."""
    kind = step["type"]
    if kind == "info":
        return None
    if kind in ("choice", "poll"):
        ids = [option["id"] for option in step["options"]]
        low, high = max(step.get("min") or 1, 1), step.get("max") or 1
        return rng.sample(ids, rng.randint(low, min(high, len(ids))))
    if kind == "scale":
        return {item["id"]: rng.randint(1, 5) for item in step["items"]}
    if kind == "reflection":
        count = max(step.get("min_words") or 0, 1) + rng.randint(8, 30)
        return " ".join(rng.choice(WORDS) for _ in range(count)).capitalize() + "."
    if kind == "action":
        return {"text": "Ik vraag mijn leidinggevende om een gesprek.", "due": step["default_due"]}
    if kind == "contact":
        return {"who": "Sandra, planner", "learned": "Dat het werk veel afwisselender is."}
    raise ValueError(f"no answer for a {kind} step")


def baseline_bodies(seed: int = 7) -> list[dict]:
    """Answers to every solo step of the public quests, as our API shows them (in order)."""
    sys.path.insert(0, str(ROOT))
    from game_server.content.loader import load_library
    from game_server.services.play.step_views import step_view

    library = load_library(QUESTS_ROOT)
    rng = random.Random(seed)
    bodies = []
    for quest_id in public_quests():
        for step in library.quests[quest_id].steps:
            if step.solo:
                view = step_view(step, "nl").model_dump()
                bodies.append({"step_id": step.id, "value": value_for(view, rng)})
    return bodies


# -- clients ------------------------------------------------------------------------------


class Connection:
    """One keep-alive connection; JSON in and out."""

    def __init__(self, url: str):
        address = urlsplit(url)
        self.conn = http.client.HTTPConnection(address.hostname, address.port, timeout=TIMEOUT)

    def post(self, path: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode()
        try:
            self.conn.request(
                "POST", path, data, {"Content-Type": "application/json", **(headers or {})}
            )
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # reconnects on the next request
            raise
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            payload = {"raw": raw[:200].decode(errors="replace")}
        return response.status, payload

    def close(self) -> None:
        self.conn.close()


@dataclass
class Run:
    token: str
    quest_id: str
    run_id: int
    step: dict
    left: int = 0  # steps still to answer (conditions can add some)


@dataclass
class Player:
    """One guest; plays each public quest, one run at a time."""

    token: str
    active: dict[str, Run] = field(default_factory=dict)


class OursClient:
    """One worker's phone, kept across repeats: its guests and their runs."""

    def __init__(self, server: Server, quests: list[str], number: int):
        self.server, self.quests, self.number = server, quests, number
        self.players: list[Player] = []
        self.rng = random.Random(number)
        self.starts = 0

    def _guest(self, conn: Connection) -> Player:
        status, body = conn.post(
            "/api/v1/auth/guest", {"nickname": f"bench {self.number}-{len(self.players)}"}
        )
        if status != 201:
            raise RuntimeError(f"guest sign-up answered HTTP {status}: {body}")
        player = Player(body["token"])
        self.players.append(player)
        return player

    def prepare(self, answers: int) -> None:
        """Start runs (untimed) until the active runs have at least `answers` steps left."""
        conn = Connection(self.server.url)
        try:
            left = sum(run.left for player in self.players for run in player.active.values())
            while left < answers:
                player = next(
                    (p for p in self.players if len(p.active) < len(self.quests)), None
                ) or self._guest(conn)
                quest_id = next(q for q in self.quests if q not in player.active)
                status, body = conn.post(
                    f"/api/v1/quests/{quest_id}/runs",
                    {},
                    {"Authorization": f"Bearer {player.token}"},
                )
                if status not in (200, 201) or body.get("status") != "active":
                    raise RuntimeError(f"starting {quest_id} answered HTTP {status}: {body}")
                self.starts += 1
                progress = body["progress"]
                run = Run(player.token, quest_id, body["run_id"], body["step"])
                run.left = progress["total"] - progress["done"]
                player.active[quest_id] = run
                left += run.left
        finally:
            conn.close()

    def queue(self) -> list[tuple[Player, Run]]:
        return [(p, run) for p in self.players for run in list(p.active.values())]


def _play(client: OursClient, count: int, gate: threading.Barrier, stop_at: float, out: dict):
    """Answer `count` steps (after the gate), run after run; note latencies and failures."""
    conn = Connection(client.server.url)
    latencies: list[float] = []
    failures: list[str] = []
    queue = client.queue()
    done = 0

    def answer_one(player: Player, run: Run) -> tuple[float, int, dict]:
        body = {"step_id": run.step["id"], "value": value_for(run.step, client.rng)}
        headers = {
            "Authorization": f"Bearer {run.token}",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        began = time.perf_counter()
        status, reply = conn.post(f"/api/v1/runs/{run.run_id}/answers", body, headers)
        return time.perf_counter() - began, status, reply

    def step_all(limit: int, record: bool) -> int:
        answered = 0
        while answered < limit and queue:
            if record and time.monotonic() > stop_at:
                failures.append("deadline")
                break
            player, run = queue[0]
            try:
                seconds, status, reply = answer_one(player, run)
            except (OSError, http.client.HTTPException) as error:
                failures.append(type(error).__name__)
                answered += 1
                continue
            answered += 1
            if status != 200:
                code = reply.get("error", {}).get("code") if isinstance(reply, dict) else None
                failures.append(f"HTTP {status} {code or ''}".strip())
                queue.pop(0)
                player.active.pop(run.quest_id, None)
                continue
            if record:
                latencies.append(seconds)
            if reply["status"] != "active" or reply["step"] is None:
                queue.pop(0)
                player.active.pop(run.quest_id, None)
            else:
                run.step = reply["step"]
                run.left = reply["progress"]["total"] - reply["progress"]["done"]
        if answered < limit and not queue:
            failures.append("ran out of started runs")
        return answered

    try:
        step_all(WARMUP_PER_CLIENT, record=False)
        gate.wait()
        step_all(count, record=True)
        done = len(latencies)
    finally:
        conn.close()
        out.update(latencies=latencies, failures=failures, done=done)


def _hammer(server: Server, bodies: list[dict], offset: int, count: int, gate, stop_at, out):
    """The baseline: the same kind of answers, cycled, to the bare endpoint."""
    conn = Connection(server.url)
    latencies: list[float] = []
    failures: list[str] = []

    def one(number: int, record: bool) -> None:
        body = bodies[(offset + number) % len(bodies)]
        began = time.perf_counter()
        try:
            status, _ = conn.post(
                f"/runs/{offset + 1}/answers", body, {"Idempotency-Key": str(uuid.uuid4())}
            )
        except (OSError, http.client.HTTPException) as error:
            failures.append(type(error).__name__)
            return
        if status != 200:
            failures.append(f"HTTP {status}")
        elif record:
            latencies.append(time.perf_counter() - began)

    try:
        for number in range(WARMUP_PER_CLIENT):
            one(number, record=False)
        gate.wait()
        for number in range(count):
            if time.monotonic() > stop_at:
                failures.append("deadline")
                break
            one(number, record=True)
    finally:
        conn.close()
        out.update(latencies=latencies, failures=failures)


def measure(server: Server, workers: list, per_client: int) -> dict:
    """Run one thread per worker (OursClient, or an offset into the baseline bodies)."""
    gate = threading.Barrier(len(workers) + 1, timeout=60)
    stop_at = time.monotonic() + DEADLINE
    outs: list[dict] = [{} for _ in workers]
    threads = []
    for worker, out in zip(workers, outs, strict=True):
        if isinstance(worker, OursClient):
            args = (worker, per_client, gate, stop_at, out)
            threads.append(threading.Thread(target=_play, args=args, daemon=True))
        else:
            bodies, offset = worker
            args = (server, bodies, offset, per_client, gate, stop_at, out)
            threads.append(threading.Thread(target=_hammer, args=args, daemon=True))
    for thread in threads:
        thread.start()
    gate.wait()
    cpu_before, began = server.cpu_seconds(), time.perf_counter()
    for thread in threads:
        thread.join(timeout=DEADLINE + TIMEOUT)
    elapsed, cpu = time.perf_counter() - began, server.cpu_seconds() - cpu_before
    latencies = [value for out in outs for value in out.get("latencies", [])]
    failures = [value for out in outs for value in out.get("failures", [])]
    return {
        "aps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "cpu_us": cpu / max(len(latencies), 1) * 1e6,
        "ok": len(latencies),
        "failures": failures,
    }


@contextlib.contextmanager
def baseline_database() -> Iterator[Path]:
    """A temporary SQLite file for bench/baseline_answer.py, passed in BENCH_ANSWER_DB.

    Set around the start of the servers (harness passes os.environ to the baselines)."""
    with tempfile.TemporaryDirectory(prefix="lq-bench-answer-") as tmp:
        path = Path(tmp) / "baseline.db"
        previous = os.environ.get("BENCH_ANSWER_DB")
        os.environ["BENCH_ANSWER_DB"] = str(path)
        try:
            yield path
        finally:
            if previous is None:
                os.environ.pop("BENCH_ANSWER_DB", None)
            else:
                os.environ["BENCH_ANSWER_DB"] = previous


@contextlib.contextmanager
def servers_on(database: str) -> Iterator[dict[str, Server]]:
    """The baseline and ours, both on SQLite files or both on PostgreSQL (a fresh database
    each, dropped afterwards)."""
    if database == "sqlite":
        with baseline_database(), servers("baseline_answer") as started:
            yield started
        return
    with (
        postgres_database(POSTGRES) as ours_url,
        postgres_database(POSTGRES) as base_url,
        tempfile.TemporaryDirectory(prefix="lq-bench-answer-pg-") as tmp,
    ):
        started: dict[str, Server] = {}
        try:
            started["baseline_answer"] = start_baseline(
                "baseline_answer", Path(tmp), env={"BENCH_ANSWER_PG": base_url}
            )
            url = ours_url.replace("postgresql://", "postgresql+psycopg://", 1)
            started["ours"] = start_ours(Path(tmp), env=ours_env(Path(tmp), GAME_DATABASE_URL=url))
            yield started
        finally:
            for server in started.values():
                server.stop()


def run(started: dict[str, Server], repeats: int = REPEATS) -> dict:
    """runs[clients][baseline|ours] = one dict per repeat; baseline and ours alternate."""
    quests = public_quests()
    bodies = baseline_bodies()
    ours, base = started["ours"], started["baseline_answer"]
    clients = {
        count: [OursClient(ours, quests, number) for number in range(count)]
        for count in CLIENT_COUNTS
    }
    runs = {count: {"baseline": [], "ours": []} for count in CLIENT_COUNTS}
    for _ in range(repeats):
        for count in CLIENT_COUNTS:
            per_client = ANSWERS_PER_CLIENT[count]
            offsets = [(bodies, number * 7) for number in range(count)]
            runs[count]["baseline"].append(measure(base, offsets, per_client))
            for client in clients[count]:
                client.prepare(per_client + WARMUP_PER_CLIENT)
            runs[count]["ours"].append(measure(ours, clients[count], per_client))
    runs["starts"] = sum(c.starts for group in clients.values() for c in group)
    runs["quests"] = quests
    return runs


def table(runs: dict) -> list[str]:
    lines = []
    for count in CLIENT_COUNTS:
        base, ours = runs[count]["baseline"], runs[count]["ours"]
        what = (
            f"Answer a step, {count} client{'s' if count > 1 else ''} "
            f"({ANSWERS_PER_CLIENT[count]} answers each)"
        )
        for label, key, digits in [
            ("answers/s", "aps", 0),
            ("p50 latency (ms)", "p50_ms", 2),
            ("p99 latency (ms)", "p99_ms", 2),
            ("server CPU per answer (µs)", "cpu_us", 0),
        ]:
            b, o = median_of(base, key), median_of(ours, key)
            lines.append(comparison_row(what, label, b, o, digits))
        failed = {
            name: sum(len(r["failures"]) for r in runs[count][name])
            for name in ("baseline", "ours")
        }
        total = {
            name: sum(r["ok"] + len(r["failures"]) for r in runs[count][name])
            for name in ("baseline", "ours")
        }
        lines.append(
            f"| {what} | failed answers (all repeats) | {failed['baseline']} of "
            f"{total['baseline']} | {failed['ours']} of {total['ours']} | |"
        )
    return lines


def verdict(runs: dict) -> str:
    def ratios(key: str) -> list[float]:
        return [
            median_of(runs[c]["ours"], key) / median_of(runs[c]["baseline"], key)
            for c in CLIENT_COUNTS
        ]

    def said(values: list[float]) -> str:
        return ", ".join(
            f"{value:.2f}× with {count} client{'s' if count > 1 else ''}"
            for value, count in zip(values, CLIENT_COUNTS, strict=True)
        )

    cpu, p50 = ratios("cpu_us"), ratios("p50_ms")
    lines = [
        f"Goal (server CPU per answer ≤ {CPU_GOAL:g}× the bare endpoint's): "
        f"{'met' if max(cpu) <= CPU_GOAL else 'missed'}: {said(cpu)}.",
        f"Earlier goal (our p50 ≤ {GOAL:g}× the bare endpoint's): "
        f"{'met' if max(p50) <= GOAL else 'missed'}: {said(p50)}.",
    ]
    return "\n\n".join(lines)


def failures(runs: dict) -> list[str]:
    seen: dict[str, int] = {}
    for count in CLIENT_COUNTS:
        for name in ("baseline", "ours"):
            for repeat in runs[count][name]:
                for failure in repeat["failures"]:
                    key = f"{name}, answering with {count} clients: {failure}"
                    seen[key] = seen.get(key, 0) + 1
    return [f"{count}× {key}" for key, count in sorted(seen.items())]


# -- profile ------------------------------------------------------------------------------


# (label, "module:qualified.name") whose cumulative time the profile summary shows; C
# functions are given by their pstats name. Indented labels are parts of the row above
# (the run's answers are read in three of them).
PROFILE_PARTS = [
    ("whole request inside Flask", "flask.app:Flask.wsgi_app"),
    ("before_request hooks", "flask.app:Flask.preprocess_request"),
    ("  Flask-Limiter check", "flask_limiter._extension:Limiter._check_request_limit"),
    ("  bearer token: token and user (1 SELECT)", "game_server.auth:_load_from_header"),
    ("the view, incl. body parsing and response serialisation", "game_server.api.spec:endpoint"),
    ("  answer_step", "game_server.services.play.runs:answer_step"),
    (
        "    store the answer (INSERT or UPDATE)",
        "game_server.services.play.answer_writes:AnswerWrites.store_answer",
    ),
    ("    advance to the next step (or complete)", "game_server.services.play.runs:_advance"),
    (
        "      complete the run (XP, badges, events)",
        "game_server.services.play.completion:complete_run",
    ),
    ("    build the response (`run_view`)", "game_server.services.play.run_state:run_view"),
    (
        "    idempotency: keep the response (on PostgreSQL with the held writes)",
        "game_server.services.play.answer_writes:AnswerWrites.remember",
    ),
    ("    commit (flush, COMMIT, events)", "sqlalchemy.orm.session:Session.commit"),
    (
        "  (in the rows above) quest version: SELECT + parse",
        "game_server.services.play.run_state:quest_of",
    ),
    (
        "  (in the rows above) the run's answers: SELECT",
        "game_server.services.play.run_state:answers_of",
    ),
    ("after_request hooks", "flask.app:Flask.process_response"),
    ("teardown (close the session)", "game_server.db:_close_session"),
    ("all SQLAlchemy ORM statements (Session.execute)", "sqlalchemy.orm.session:Session.execute"),
    ("all flushes (Session.flush)", "sqlalchemy.orm.session:Session.flush"),
    ("sqlite3 execute (C)", "<method 'execute' of 'sqlite3.Cursor' objects>"),
    ("sqlite3 COMMIT incl. fsync (C)", "<method 'commit' of 'sqlite3.Connection' objects>"),
]


def _pstats_key(target: str) -> tuple:
    if target.startswith("<"):
        return ("~", 0, target)
    import importlib

    module, _, qualname = target.partition(":")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if qualname == "endpoint":  # the wrapper the decorator returns, by its code
        code = next(c for c in obj.__code__.co_consts if getattr(c, "co_name", "") == "decorate")
        code = next(c for c in code.co_consts if getattr(c, "co_name", "") == "wrapper")
    else:
        code = getattr(obj, "__wrapped__", obj).__code__
    return (code.co_filename, code.co_firstlineno, code.co_name)


def profile_summary(stats, answers: int) -> list[str]:
    """Cumulative time of PROFILE_PARTS per answer, and as a share of the whole request."""
    rows = []
    for label, target in PROFILE_PARTS:
        entry = stats.stats.get(_pstats_key(target))
        rows.append((label, entry[3] if entry else 0.0))
    total = rows[0][1] or float("nan")
    lines = ["| Part (cProfile, cumulative) | µs per answer | Share |", "|---|---:|---:|"]
    for label, seconds in rows:
        lines.append(f"| {label} | {seconds / answers * 1e6:,.0f} | {seconds / total * 100:.0f}% |")
    return lines


PROFILE_ANSWERS = 400


def _profile(answers: int = PROFILE_ANSWERS):
    """cProfile of our answer endpoint in this process (Flask test client, fresh SQLite).

    Returns the stats and the SQL statements of one answer in the middle of a run."""
    import cProfile
    import pstats
    import secrets

    import sqlalchemy as sa

    sys.path.insert(0, str(ROOT))
    from game_server import create_app
    from game_server.config import Settings
    from game_server.db import get_engine, upgrade_database

    rng = random.Random(1)
    statements: list[str] = []
    example: list[str] = []
    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory(prefix="lq-bench-answer-profile-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'profile.db'}"
        upgrade_database(url)
        settings = Settings(
            env="test",
            database_url=url,
            instance_path=Path(tmp),
            secret_key=secrets.token_hex(20),
            async_mode="threading",
            redis_url="",  # in-memory limiter storage, whatever the environment says
            quests_path=QUESTS_ROOT,
        )
        app = create_app(settings)

        @sa.event.listens_for(get_engine(app), "before_cursor_execute")
        def note(_conn, _cursor, statement, *_args):
            statements.append(" ".join(statement.split()))

        client = app.test_client()
        token = client.post("/api/v1/auth/guest", json={"nickname": "profile"}).get_json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        quests = public_quests()
        view = None
        for done in range(answers):
            if view is None or view["status"] != "active":
                quest_id = quests[done % len(quests)]
                view = client.post(
                    f"/api/v1/quests/{quest_id}/runs", json={}, headers=auth
                ).get_json()
            body = {"step_id": view["step"]["id"], "value": value_for(view["step"], rng)}
            headers = {**auth, "Idempotency-Key": str(uuid.uuid4())}
            statements.clear()
            profiler.enable()
            response = client.post(
                f"/api/v1/runs/{view['run_id']}/answers", json=body, headers=headers
            )
            profiler.disable()
            if response.status_code != 200:
                raise RuntimeError(f"answer failed: {response.status_code} {response.get_json()}")
            view = response.get_json()
            if view["status"] == "active" and view["progress"]["done"] >= 2 and not example:
                example = list(statements)
    return pstats.Stats(profiler), example


def profile_report(answers: int = PROFILE_ANSWERS) -> dict:
    """What the doc shows of the profile: the summary table and one answer's statements."""
    stats, example = _profile(answers)
    return {
        "answers": answers,
        "summary": profile_summary(stats, answers),
        "statements": [statement_kind(statement) for statement in example],
    }


def profile(answers: int = PROFILE_ANSWERS, top: int = 30) -> str:
    """The profile as text: the summary, one answer's SQL, the top functions."""
    import io

    stats, example = _profile(answers)
    out = io.StringIO()
    stats.stream = out
    print(
        f"{answers} answers, profiled in process (the profiler slows pure Python most).", file=out
    )
    print("\n".join(profile_summary(stats, answers)), file=out)
    print(f"\nSQL of one answer in the middle of a run ({len(example)} statements):", file=out)
    for statement in example:
        print(f"  {statement[:150]}", file=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# Written by hand from the numbers and the profile; check it still holds.
NOTES = """\
- **Read across days with care.** This machine's speed changes from one session to the next
  and within one: on 2026-12-08 the bare endpoint cost 600–1,267 µs per answer on SQLite in
  single runs an hour apart (437–500 µs on 2026-12-07), and ours moved with it, more than
  the baseline. The ratios in the tables moved from 5.3–6.2× (code 8971d84, 2026-12-07) to
  5.5–7.4× (d01cca8, this run) although the code got cheaper. What the code did is read
  from side-by-side runs of the old and the new code, alternated in one hour, and from
  counts that do not depend on the machine (statements, round trips, Python calls).
- **Where it stands:** the hot-path work of issue 18 took the answer from about 10× the bare
  endpoint's server CPU to 5–7× (the tables above). What changed:
  1. The bearer token is one compiled statement for token and user (was three ORM
     SELECTs); the user row is read only when a view asks for it (most never do).
  2. The answer path reads and writes with compiled Core statements on the session's
     connection instead of ORM objects: the commit has nothing left to flush. The loaded
     run is told its new step (`set_committed_value`), so nothing is written twice.
  3. Since d8c8307 the run (locked), its quest version's digest and the key's idempotency
     record are one SELECT; on PostgreSQL the answer, the run's next step and the record
     are one statement of data-modifying CTEs, sent once the response is known
     (game_server/services/play/answer_writes.py). A retry that waited for the run's lock
     reads the record as it was before the first commit; when it then finds the key taken,
     or the run moved on or ended, it rolls back and replays the first response (ddf548c). The pool no longer pings every connection
     on checkout (918d519): it peeks at an idle connection's socket for the server's
     goodbye and pings only one idle over 30 s. Round trips to PostgreSQL for an answer in
     the middle of a run: **6** (BEGIN, token, run, answers, the writes, COMMIT), were 11
     (the ping, 8 statements, BEGIN and COMMIT). On SQLite 6 statements, were 8.
  4. The server freezes what start-up made (`gc.freeze()` in game_server/wsgi.py).
  5. A completion reads the worker's open challenges in its own transaction.
- **Old against new, side by side** (bench/answer.py `--repeats 1`, 728ba85 and d01cca8
  alternated twice within 5 minutes on 2026-12-08, server CPU per answer, ours): on SQLite
  7,667 → 6,633 and 5,333 → 4,867 µs with one client, 6,325 → 6,125 and 5,162 → 4,963 µs
  with eight (4–13% less); on PostgreSQL with eight clients 8,812 → 6,125 and
  5,588 → 5,337 µs (the one-client PostgreSQL figures scattered too widely to read:
  7,800–15,567 µs for the old code). Python calls per answer (cProfile, 400 answers,
  SQLite): 4,726 → 4,558. The capacity run's PostgreSQL figure (8 clients) fell from
  5,238 µs (2026-12-07) to 4,062 µs on a slower day.
- **Why still above 2.5×:** the bare endpoint is one INSERT and a commit with nothing
  around it. Ours keeps every guarantee: the token check (a SELECT), the run locked, the
  idempotency record (read with the run, written with the answer, the whole response
  kept), the step checked against the quest version, the answer and the run's next step
  written, the response built with the run's progress. Besides the statements, Flask-Login,
  Flask-Limiter, the access policy, the CSRF and enrolment hooks, pydantic parsing and the
  response cost about 0.4–0.9 ms together (a fifth of the in-process profile,
  `--profile`).
- **What is left, largest first:** one answer in five here completes its run (the three
  quests have 4 to 8 steps): XP, the self-scan's scores, badges (46 of them), the xAPI
  statement and the socket events, about 3.5 ms per completion through the ORM, so about
  a quarter of the average answer. Then the ORM load of the run (kept: the completion and
  group play need the object), and the session's begin and commit. Taking the completion
  out of the request (committing the last answer and the completion mark, and awarding XP
  and badges in a job) would take about a quarter off the average, but the player would no
  longer see XP and badges in the answer that finished the quest.
- **The live goals of issue 18** (in [Live sessions](#live-sessions) and
  [Capacity figures](#capacity-figures), d01cca8): server CPU per `live:answer` 2.15× the
  bare python-socketio server that makes the same writes (goal 2×: missed; 2.04× on
  2026-12-07) and per join 3.08× (goal 2×: missed; was 4.67×); 1,000 phones answering
  within 2 s get every ack within 413 ms at p99 on SQLite (one process; the bare server
  481 ms), but 2,306 ms on PostgreSQL with one process and 3,976 ms with two (goal 500 ms:
  missed), none lost. The join's PostgreSQL ack p99 fell from 2,774 to 427 ms. A message
  for a room reaches only the processes that hold a member of it (a channel per room).
- **8 clients:** one gevent worker and one SQLite connection serve the answers one at a
  time, so answers/s is about one core divided by the server CPU per answer, and the p50
  with 8 clients is about 8 service times. That is why the p50 ratio with 8 clients comes
  close to the ratio of server CPU per answer, above the ratio for a single client.
- **fsync:** a write plus fsync takes about 0.15 ms on this machine's virtual disk, so the
  commit is a small part of both endpoints here. On a disk whose flush takes milliseconds,
  both would wait for it and the ratio would shrink; the ratio here is the CPU-bound one."""


def section(runs: dict, profiled: dict | None) -> list[str]:
    """The "Answering a step" section of docs/benchmarks.md."""
    repeats = len(runs[CLIENT_COUNTS[0]]["ours"])
    counts = " and ".join(
        f"{count} client{'s' if count > 1 else ''} × {ANSWERS_PER_CLIENT[count]} answers"
        for count in CLIENT_COUNTS
    )
    lines = [
        "## Answering a step",
        "",
        "Reproduce alone: `.venv/bin/python bench/answer.py` (`--profile` prints the profile "
        "below with the top functions).",
        "",
        '- Ours: `POST /api/v1/runs/{run_id}/answers` with `{"step_id", "value"}` and a '
        "fresh `Idempotency-Key` (a UUID) per answer, as a guest (`POST /api/v1/auth/guest`) "
        f"playing the public quests of quests/ ({', '.join(runs['quests'])}) on the same "
        "server as above. The value answers the step on screen as a worker would: a score for "
        "every statement of a scale, options within min and max, a reflection of a few "
        "sentences, a dated action. Runs are started (`POST /api/v1/quests/{id}/runs`) before "
        "the clock starts; completed runs are started again before the next measurement "
        f"({runs['starts']} starts in this run). Only answers are timed. No setting besides "
        "the guest limit above is changed (guests need neither the login nor the register "
        "throttle).",
        "- Baseline: `bench/baseline_answer.py`, bare Flask under the same gunicorn command, "
        "`POST /runs/<run_id>/answers` with the same kind of bodies (answers to the same "
        "quests): one `INSERT` into SQLite, committed, JSON back. SQLite as ours: WAL, "
        "`synchronous=FULL`, one connection per process, a file in a temporary folder.",
        f"- Clients: {counts}, after {WARMUP_PER_CLIENT} warm-up answers each; one keep-alive "
        f"`http.client` connection per client thread. Median of {repeats} repeats, baseline "
        "and ours alternating. p99 over 300 or 800 answers is the 3rd or 9th slowest.",
        "",
        *HEADER,
        *table(runs),
        "",
        verdict(runs),
    ]
    if profiled:
        statements = ", ".join(f"`{kind}`" for kind in profiled["statements"])
        lines += [
            "",
            f"Where our time goes: cProfile of {profiled['answers']} answers to the same quests "
            "in the benchmark's process (Flask test client, a fresh SQLite file, same code "
            "path without gunicorn and gevent; the profiler inflates Python more than C, so "
            "read the shares, not the µs).",
            "",
            *profiled["summary"],
            "",
            f"The {len(profiled['statements'])} SQL statements of one answer in the middle of "
            f"a run, in order (inside `BEGIN IMMEDIATE` … `COMMIT`): {statements}.",
        ]
    return [*lines, "", NOTES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--profile", action="store_true", help="profile our handler instead")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="both servers on this database (postgresql: BENCH_POSTGRES, fresh databases)",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="measure on SQLite and on PostgreSQL and write the hot-path section of the doc",
    )
    args = parser.parse_args()
    if args.profile:
        print(profile())
        return
    sys.setswitchinterval(0.0005)  # let client threads hand over the GIL promptly
    if args.write:
        write_hot_path(args.repeats)
        return
    if args.database == "postgresql":
        print(f"Both on PostgreSQL ({POSTGRES.rsplit('@', 1)[-1]}), each in a fresh database.")
    with servers_on(args.database) as started:
        runs = run(started, args.repeats)
        print("\n".join(HEADER + table(runs)))
        print(verdict(runs))
        print(
            f"Runs started before the measurements: {runs['starts']} ({', '.join(runs['quests'])})"
        )
        for line in failures(runs):
            print(f"client failure: {line}")
        for server in started.values():
            for line in server.new_log_lines():
                print(f"[{server.name}] {line}")


HOT_PATH_TITLE = "## The hot path"
HOT_PATH_SECTIONS = (
    " and [Occupation search](#occupation-search).",
    ", [Occupation search](#occupation-search) and [The hot path](#the-hot-path).",
)


def write_hot_path(repeats: int) -> None:
    """Both databases, each against the bare endpoint on the same database, one section."""
    began = time.monotonic()
    found = {}
    for database in ("sqlite", "postgresql"):
        with servers_on(database) as started:
            found[database] = run(started, repeats)
    lines = [
        HOT_PATH_TITLE,
        "",
        "Reproduce: `.venv/bin/python bench/answer.py --write` (this section; "
        "`--database postgresql` prints the PostgreSQL half alone). Issue 18's goal for "
        "answering: server CPU per answer at most 2.5× the bare endpoint's, on SQLite and "
        "on PostgreSQL, with every guarantee kept.",
        "",
        f"- Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on this machine "
        f"({os.cpu_count()} cores); code measured: {code_version()}; this part took "
        f"{time.monotonic() - began:.0f} s; median of {repeats} repeats.",
        "- As in [Answering a step](#answering-a-step): the same clients, quests and "
        "baseline. On PostgreSQL both servers get a fresh database on the same PostgreSQL "
        f"({POSTGRES.rsplit('@', 1)[-1]}, the machine's own), the baseline "
        "(`BENCH_ANSWER_PG`) one psycopg connection, `INSERT … RETURNING id` and a commit.",
        "",
    ]
    for database, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        runs = found[database]
        lines += [f"### On {label}", "", *HEADER, *table(runs), "", verdict(runs), ""]
        lines += [f"- client failure: {line}" for line in failures(runs)]
    lines += ["### Notes", "", NOTES, ""]
    print("\n".join(lines))
    write_section(HOT_PATH_TITLE, lines, sections=HOT_PATH_SECTIONS)


if __name__ == "__main__":
    main()
