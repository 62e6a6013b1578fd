"""Fund dashboard at scale: `impact.dashboard` next to a bare SQL GROUP BY, same data, same run.

    .venv/bin/python bench/dashboard.py [--workers N] [--answers N] [--repeats N]
        [--databases sqlite postgresql] [--explain] [--keep] [--reuse]
        [--save F | --render F] [--write]
    .venv/bin/python bench/run_all.py --only dashboard

Quick check: `--workers 2000 --answers 40000` (seconds instead of minutes).

What is compared, on a fresh SQLite file and a fresh PostgreSQL database holding the same
generated data, for each breakdown of the menu (none, sector, age band, region, week):
- ours: `impact.dashboard(session, challenge, breakdown=…)` end to end, as the fund's page
  calls it: a new Session on the app's own engine (`create_db_engine`), the challenge read,
  the dashboard's three GROUP BY queries (counts per cell, completion per quest, self-scan
  growth), disclosure control and the pydantic rows;
- bare: one hand-written GROUP BY over the same tables, through the same engine (SQLAlchemy
  `text()`), counting what every cell of the dashboard is built on (participants, the active
  ones, the counted quests they completed) and nothing else: no offers taken, no completion
  per quest, no growth, no disclosure control, no ORM.
The bare query is the floor: what the database itself needs to count a challenge's people
once. The ratio says what the dashboard's other figures and our code cost on top of it. The
issue's goals: a p50 under 1 s on PostgreSQL, and at most 3x the bare query.

Before anything is timed, the dashboard is checked: every figure it shows must equal the bare
query's (disclosure control hides figures, it never changes one), and its growth means must
equal growth recomputed in Python from the raw scan scores. A fast wrong answer is reported
as a problem, not as a result.

Steps: build (a fresh schema, `upgrade_database`), generate (seeded, identical in both: bulk
COPY into PostgreSQL, one executemany transaction into SQLite with fast PRAGMAs during the
load only), ANALYZE, check, then time: one warm-up round, then N repeats; in every repeat
each breakdown runs ours and bare back to back (which goes first alternates); p50 and p90 of
the N. Afterwards, 3 more dashboards per breakdown with impact's steps timed one by one (where
the time goes); `--explain` prints the plans (PostgreSQL: EXPLAIN ANALYZE) of the dashboard's
statements and of the bare query. `--keep` leaves both databases behind and `--reuse` times
them again without generating (to measure a change to game_server/ on the same data: a new
migration is applied first). `--write` replaces the "Fund dashboard" section of
docs/benchmarks.md (run_all's `--write` writes it with everything else).
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import DOC, ROOT, code_version, fmt, percentile, write_section  # noqa: E402

sys.path.insert(0, str(ROOT))

from game_server.db import create_db_engine, upgrade_database  # noqa: E402
from game_server.models import Challenge  # noqa: E402
from game_server.models.types import UTCDateTime  # noqa: E402
from game_server.services.common import disclosure
from game_server.services.common.menus import AGE_BANDS, REGIONS, SECTORS, Breakdown  # noqa: E402
from game_server.services.funds import impact  # noqa: E402

WORKERS = 100_000
ANSWERS = 2_000_000
REPEATS = 7
SEED = 20261201
GOAL_POSTGRES_MS = 1000.0  # the issue: under 1 second on PostgreSQL
GOAL_RATIO = 3.0  # the issue: at most 3x the bare query
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
PG_DATABASE = "lq_bench_dashboard"
DATABASES = ("sqlite", "postgresql")
SECTION_TITLE = "## Fund dashboard"
BREAKDOWNS: tuple[Breakdown | None, ...] = (None, *Breakdown)
NAN = float("nan")

# -- the population -------------------------------------------------------------------------

# Real quest ids from quests/: five count for the challenge, the others are played beside it.
CHALLENGE_QUESTS = (
    "find-a-course",
    "my-job-in-five-years",
    "informational-interview",
    "one-step-this-month",
    "learning-budget-plan",
)
OTHER_QUESTS = (
    "changes-in-our-sector",
    "interest-profile",
    "three-jobs-nearby",
    "vacancy-check",
    "ask-for-an-introduction",
    "keep-in-touch",
    "network-map",
    "who-can-help",
    "ask-two-colleagues",
    "energy-givers-takers",
    "proud-moment",
    "values-cards",
    "choose-between-two",
    "talk-with-team-leader",
    "when-the-plan-stalls",
)
SELF_SCAN = "self-scan"
QUESTS = (*CHALLENGE_QUESTS, *OTHER_QUESTS, SELF_SCAN)
SCAN_QUEST = len(QUESTS) - 1
COMPETENCIES = ("reflecting", "exploring", "steering", "networking")
STATUSES = ("completed", "active", "abandoned")
COMPLETED, ACTIVE, ABANDONED = range(3)
STEP_TYPES = ("choice", "scale", "reflection", "action", "poll", "contact")
MAX_STEPS = 12  # answers per run at most (step ids s1 … s12)
DAY = 86_400
WEEK = 7 * DAY
# Skewed like a real sector fund's reach: a few big sectors and provinces, some tiny ones
# (so that disclosure control has small cells to hide).
SECTOR_WEIGHTS = (22, 14, 18, 16, 10, 8, 6, 2, 3, 1)
AGE_WEIGHTS = (12, 24, 24, 22, 18)
REGION_WEIGHTS = (3, 2, 3, 12, 4, 7, 16, 18, 8, 9, 0.3, 20)


@dataclass
class Plan:
    """Everything random about the data, drawn once from the seed, in compact arrays; the rows
    of both databases are made from it (and from seeded per-table draws) in the same order."""

    workers: int
    answers: int
    seed: int
    now: float  # epoch seconds: the hour the run started; every time is relative to it
    starts: float
    ends: float
    sector: list[str | None]
    age_band: list[str | None]
    region: list[str | None]
    joined: array  # per worker
    run_user: array  # per run: the worker's index
    run_quest: array
    run_status: array
    run_started: array
    run_completed: array  # 0 when not completed
    run_answers: array
    signups: list[tuple[int, int, bool]]  # (offer index, worker index, from the challenge)

    @property
    def runs(self) -> int:
        return len(self.run_user)


def _menu(rng: random.Random, menu: tuple[str, ...], weights, unsaid: float) -> str | None:
    return None if rng.random() < unsaid else rng.choices(menu, weights)[0]


def plan(workers: int, answers: int, seed: int = SEED, now: float | None = None) -> Plan:
    """Draw the population: who joined when, who played what, how many answers each run has."""
    rng = random.Random(seed)
    now = now if now is not None else time.time() // 3600 * 3600
    starts, ends = now - 6 * WEEK, now + 2 * WEEK  # open now, 8 weeks long
    result = Plan(
        workers=workers,
        answers=answers,
        seed=seed,
        now=now,
        starts=starts,
        ends=ends,
        sector=[],
        age_band=[],
        region=[],
        joined=array("d"),
        run_user=array("l"),
        run_quest=array("B"),
        run_status=array("B"),
        run_started=array("d"),
        run_completed=array("d"),
        run_answers=array("B"),
        signups=[],
    )
    for worker in range(workers):
        result.sector.append(_menu(rng, SECTORS, SECTOR_WEIGHTS, 0.15))
        result.age_band.append(_menu(rng, AGE_BANDS, AGE_WEIGHTS, 0.20))
        result.region.append(_menu(rng, REGIONS, REGION_WEIGHTS, 0.25))
        joined = starts + (now - starts) * rng.random() ** 1.6  # most join in the first weeks
        result.joined.append(joined)
        scans = rng.choice((2, 3)) if rng.random() < 0.5 else 0
        runs = []
        for scan in range(scans):  # the first scan around joining, later ones after
            began = rng.uniform(joined, now - 3600) if scan else joined - rng.uniform(0, 2 * DAY)
            runs.append((SCAN_QUEST, COMPLETED, began, began + rng.uniform(300, 1800)))
        for _ in range(max(rng.randint(2, 8), scans + 1) - scans):
            if rng.random() < 0.55:
                quest = rng.randrange(len(CHALLENGE_QUESTS))
            else:
                quest = len(CHALLENGE_QUESTS) + rng.randrange(len(OTHER_QUESTS))
            status = rng.choices((COMPLETED, ACTIVE, ABANDONED), (0.5, 0.32, 0.18))[0]
            # Mostly played after joining; some before the challenge or before joining.
            if rng.random() < 0.7:
                began = rng.uniform(joined, now)
            else:
                began = rng.uniform(starts - 10 * WEEK, now)
            done = 0.0
            if status == COMPLETED:
                done = min(began + 300 + rng.expovariate(1 / (6 * 3600)), now - 1)
            runs.append((quest, status, began, done))
        for quest, status, began, done in sorted(runs, key=lambda run: run[2]):
            result.run_user.append(worker)
            result.run_quest.append(quest)
            result.run_status.append(status)
            result.run_started.append(began)
            result.run_completed.append(done)
            if status == COMPLETED:
                result.run_answers.append(rng.randint(4, 8))
            else:
                result.run_answers.append(rng.randint(0, 4 if status == ACTIVE else 3))
    _fit_answers(result, rng)
    _draw_signups(result, rng)
    return result


def _fit_answers(result: Plan, rng: random.Random) -> None:
    """Add or take single answers from random runs until there are exactly `answers`."""
    counts, target = result.run_answers, result.answers
    if not result.runs <= target <= MAX_STEPS * result.runs:
        raise SystemExit(
            f"--answers must be between {result.runs:,} and {MAX_STEPS * result.runs:,}"
        )
    total = sum(counts)
    while total != target:
        run = rng.randrange(result.runs)
        least = 1 if result.run_status[run] == COMPLETED else 0
        if total < target and counts[run] < MAX_STEPS:
            counts[run] += 1
            total += 1
        elif total > target and counts[run] > least:
            counts[run] -= 1
            total -= 1


def _draw_signups(result: Plan, rng: random.Random) -> None:
    """About 5% of the workers sign up from the challenge (some for two offers), 0.5% from
    a quest (no challenge)."""
    pairs: set[tuple[int, int]] = set()
    for share, from_challenge in ((0.05, True), (0.005, False)):
        wanted = len(pairs) + round(result.workers * share)
        while len(pairs) < wanted:
            worker = rng.randrange(result.workers)
            offers = rng.sample(range(3), 2 if rng.random() < 0.15 else 1)
            for offer in offers:
                if (offer, worker) not in pairs and len(pairs) < wanted:
                    pairs.add((offer, worker))
                    result.signups.append((offer, worker, from_challenge))


# -- the rows -------------------------------------------------------------------------------

Table = tuple[str, tuple[str, ...], Iterable[tuple]]
FUND_USER_ID = 1
FIRST_WORKER_ID = 2  # worker i is user FIRST_WORKER_ID + i


# Load order (parents first) and the columns each table gets.
COLUMNS = {
    "users": "id email display_name password_hash is_guest is_active locale session_token "
    "created_at last_login_at",
    "user_roles": "user_id role",
    "organisations": "id name kind created_at",
    "memberships": "organisation_id user_id role joined_at",
    "challenges": "id organisation_id created_by title_nl title_en description_nl "
    "description_en sectors quest_ids track_ids starts_at ends_at join_code goal_kind "
    "goal_target created_at",
    "challenge_participants": "id challenge_id user_id sector age_band region joined_at",
    "quest_versions": "id quest_id digest definition created_at",
    "quest_runs": "id user_id quest_id quest_version_id mode status current_step_id "
    "started_at updated_at completed_at",
    "answers": "id run_id user_id step_id step_type value private created_at updated_at",
    "scan_scores": "id user_id run_id competency score scanned_at",
    "offers": "id provider_id kind title_nl title_en description_nl description_en capacity "
    "created_at",
    "offer_signups": "id offer_id user_id source challenge_id share_contact contact created_at",
}


def tables(p: Plan, stamp: Callable[[float], object]) -> list[Table]:
    """Every table's columns and rows, in load order; `stamp` turns epoch seconds into what
    the database's driver takes (a string in SQLAlchemy's SQLite format, or a datetime).
    The big tables are generators: nothing of them is held in memory."""
    created = stamp(p.starts - 20 * WEEK)
    quest_version = {quest: number + 1 for number, quest in enumerate(QUESTS)}
    challenge = {
        "id": 1,
        "organisation_id": 1,
        "created_by": FUND_USER_ID,
        "title_nl": "Zet je volgende stap",
        "title_en": "Take your next step",
        "description_nl": "Vijf quests voor je loopbaan.",
        "description_en": "Five quests for your career.",
        "sectors": json.dumps(["transport", "cleaning", "retail"]),
        "quest_ids": json.dumps(list(CHALLENGE_QUESTS)),
        "track_ids": "[]",
        "starts_at": stamp(p.starts),
        "ends_at": stamp(p.ends),
        "join_code": "BENCHDSH",
        "goal_kind": "participants",
        "goal_target": p.workers // 2,
        "created_at": stamp(p.starts - WEEK),
    }
    rows = {
        "users": _users(p, stamp),
        "user_roles": [(FUND_USER_ID, "fund")]
        + [(FIRST_WORKER_ID + w, "worker") for w in range(p.workers)],
        "organisations": [(1, "Bench Sector Fund", "fund", created)],
        "memberships": [(1, FUND_USER_ID, "manager", created)],
        "challenges": [tuple(challenge[column] for column in COLUMNS["challenges"].split())],
        "challenge_participants": (
            (
                w + 1,
                1,
                FIRST_WORKER_ID + w,
                p.sector[w],
                p.age_band[w],
                p.region[w],
                stamp(p.joined[w]),
            )
            for w in range(p.workers)
        ),
        "quest_versions": [
            (number, quest, f"{number:064x}", json.dumps({"id": quest}), created)
            for quest, number in quest_version.items()
        ],
        "quest_runs": _runs(p, stamp, quest_version),
        "answers": _answers(p, stamp),
        "scan_scores": _scan_scores(p, stamp),
        "offers": [
            (
                n,
                FUND_USER_ID,
                kind,
                f"Aanbod {n}",
                f"Offer {n}",
                "Omschrijving.",
                "About.",
                p.workers,
                stamp(p.starts),
            )
            for n, kind in enumerate(("course", "conversation", "workshop"), start=1)
        ],
        "offer_signups": _signups(p, stamp),
    }
    return [(name, tuple(COLUMNS[name].split()), rows[name]) for name in COLUMNS]


def _users(p: Plan, stamp) -> Iterator[tuple]:
    rng = random.Random(p.seed + 1)
    yield (
        FUND_USER_ID,
        "fund@bench.example",
        "Fonds",
        "bench$not-a-real-hash",
        False,
        True,
        "nl",
        f"{rng.getrandbits(128):032x}",
        stamp(p.starts - 20 * WEEK),
        None,
    )
    for w in range(p.workers):
        guest = rng.random() < 0.6
        joined = p.joined[w]
        signed_up = joined - (rng.uniform(0, 600) if guest else rng.uniform(0, 20 * WEEK))
        yield (
            FIRST_WORKER_ID + w,
            None if guest else f"worker{w}@bench.example",
            f"Gast {w}" if guest else f"Werker {w}",
            None if guest else "bench$not-a-real-hash",
            guest,
            True,
            "nl" if rng.random() < 0.85 else "en",
            f"{rng.getrandbits(128):032x}",
            stamp(signed_up),
            stamp(rng.uniform(joined, p.now)),
        )


def _runs(p: Plan, stamp, quest_version: dict[str, int]) -> Iterator[tuple]:
    rng = random.Random(p.seed + 2)
    for run in range(p.runs):
        status = p.run_status[run]
        quest = QUESTS[p.run_quest[run]]
        began, done = p.run_started[run], p.run_completed[run]
        answered = p.run_answers[run]
        updated = done if status == COMPLETED else min(began + 60 * (answered + 1), p.now)
        yield (
            run + 1,
            FIRST_WORKER_ID + p.run_user[run],
            quest,
            quest_version[quest],
            "live" if rng.random() < 0.05 and quest != SELF_SCAN else "solo",
            STATUSES[status],
            None if status == COMPLETED else f"s{answered + 1}",
            stamp(began),
            stamp(updated),
            stamp(done) if status == COMPLETED else None,
        )


REFLECTIONS = (
    "Ik merk dat ik energie krijg van het werken met mensen.",
    "Mijn leidinggevende vond dat ik goed kan plannen, dat wist ik niet van mezelf.",
    "Ik wil over twee jaar een opleiding tot planner afgerond hebben.",
    "Het gesprek met mijn collega gaf me een nieuw idee over de logistiek.",
)


def _answers(p: Plan, stamp) -> Iterator[tuple]:
    rng = random.Random(p.seed + 3)
    answer_id = 0
    for run in range(p.runs):
        user_id = FIRST_WORKER_ID + p.run_user[run]
        scan = p.run_quest[run] == SCAN_QUEST
        began = p.run_started[run]
        end = p.run_completed[run] or min(began + 3600, p.now)
        for step in range(p.run_answers[run]):
            answer_id += 1
            kind = "scale" if scan else STEP_TYPES[(run + step) % len(STEP_TYPES)]
            if kind == "scale":
                value = json.dumps({c: rng.randint(1, 5) for c in COMPETENCIES[: 2 + step % 3]})
            elif kind in ("choice", "poll"):
                value = json.dumps([f"option-{rng.randint(1, 5)}"])
            elif kind == "contact":
                value = json.dumps({"name": f"Collega {rng.randint(1, 99)}", "how": "koffie"})
            else:
                value = json.dumps(rng.choice(REFLECTIONS))
            moment = stamp(began + (end - began) * (step + 1) / (p.run_answers[run] + 1))
            private = kind in ("reflection", "action", "contact")
            yield (
                answer_id,
                run + 1,
                user_id,
                f"s{step + 1}",
                kind,
                value,
                private,
                moment,
                moment,
            )


def _scan_scores(p: Plan, stamp) -> Iterator[tuple]:
    rng = random.Random(p.seed + 4)
    score_id = 0
    seen: dict[int, int] = defaultdict(int)  # scans so far per worker: later ones score higher
    for run in range(p.runs):
        if p.run_quest[run] != SCAN_QUEST:
            continue
        worker = p.run_user[run]
        seen[worker] += 1
        for competency in COMPETENCIES:
            score_id += 1
            score = round(min(5.0, rng.uniform(1.5, 4.0) + 0.3 * (seen[worker] - 1)), 2)
            yield (
                score_id,
                FIRST_WORKER_ID + worker,
                run + 1,
                competency,
                score,
                stamp(p.run_completed[run]),
            )


def _signups(p: Plan, stamp) -> Iterator[tuple]:
    rng = random.Random(p.seed + 5)
    for number, (offer, worker, from_challenge) in enumerate(p.signups, start=1):
        share = rng.random() < 0.3
        yield (
            number,
            offer + 1,
            FIRST_WORKER_ID + worker,
            "challenge" if from_challenge else "quest",
            1 if from_challenge else None,
            share,
            f"06{rng.randint(10_000_000, 99_999_999)}" if share else None,
            stamp(rng.uniform(p.joined[worker], p.now)),
        )


def sqlite_stamp(seconds: float) -> str:
    """What SQLAlchemy's SQLite DATETIME writes (and compares as text): UTC, no zone."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def postgres_stamp(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


# -- build, generate, analyze ---------------------------------------------------------------


def admin_url() -> str:
    return POSTGRES


def database_url(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'dashboard.db'}"
    return POSTGRES.rsplit("/", 1)[0] + f"/{PG_DATABASE}"


def build(kind: str, workdir: Path) -> str:
    """A fresh, empty database with the app's schema (Alembic, as `flask db upgrade`)."""
    url = database_url(kind, workdir)
    if kind == "sqlite":
        Path(sa.engine.make_url(url).database).unlink(missing_ok=True)
    else:
        drop_postgres()
        import psycopg

        with psycopg.connect(admin_url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    upgrade_database(url)
    return url


def drop_postgres() -> None:
    import psycopg

    with psycopg.connect(admin_url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


def generate(kind: str, url: str, p: Plan) -> dict[str, float]:
    """Load the plan's rows in bulk; seconds per table (and "total")."""
    began = time.perf_counter()
    seconds = _load_sqlite(url, p) if kind == "sqlite" else _load_postgres(url, p)
    derived = time.perf_counter()
    _derive(url)
    seconds["scan_growth"] = time.perf_counter() - derived
    seconds["total"] = time.perf_counter() - began
    return seconds


# What progression.record_scan keeps beside every self-scan, made from the loaded scores the
# way migration 0017 makes it (first and latest by scanned_at, then id).
SCAN_GROWTH = (
    "INSERT INTO scan_growth (user_id, competency, scans, first_score, first_at,"
    " latest_score, latest_at)"
    " SELECT user_id, competency, count(*),"
    " sum(CASE WHEN up = 1 THEN score ELSE 0 END), max(CASE WHEN up = 1 THEN scanned_at END),"
    " sum(CASE WHEN down = 1 THEN score ELSE 0 END), max(CASE WHEN down = 1 THEN scanned_at END)"
    " FROM (SELECT user_id, competency, score, scanned_at,"
    " row_number() OVER (PARTITION BY user_id, competency ORDER BY scanned_at, id) AS up,"
    " row_number() OVER (PARTITION BY user_id, competency"
    " ORDER BY scanned_at DESC, id DESC) AS down"
    " FROM scan_scores) AS ranked"
    " GROUP BY user_id, competency"
)


def _derive(url: str) -> None:
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(SCAN_GROWTH))
    finally:
        engine.dispose()


def _load_sqlite(url: str, p: Plan) -> dict[str, float]:
    seconds = {}
    con = sqlite3.connect(sa.engine.make_url(url).database, isolation_level=None)
    try:
        # For the load only: no journal, no fsync; the app's engine sets its own on connect.
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-131072",
            "temp_store=MEMORY",
            "foreign_keys=OFF",
        ):
            con.execute(f"PRAGMA {pragma}")
        con.execute("BEGIN")
        for table, columns, rows in tables(p, sqlite_stamp):
            began = time.perf_counter()
            marks = ", ".join("?" * len(columns))
            con.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                rows,
            )
            seconds[table] = time.perf_counter() - began
        began = time.perf_counter()
        con.execute("COMMIT")
        con.execute("PRAGMA journal_mode=WAL")  # as the app runs it
        seconds["commit"] = time.perf_counter() - began
    finally:
        con.close()
    return seconds


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _load_postgres(url: str, p: Plan) -> dict[str, float]:
    import psycopg

    seconds = {}
    with psycopg.connect(_libpq(url)) as conn:
        for table, columns, rows in tables(p, postgres_stamp):
            began = time.perf_counter()
            with conn.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                if "id" in columns:  # the next id the app inserts follows the loaded ones
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
            conn.commit()
            seconds[table] = time.perf_counter() - began
    return seconds


def analyze(kind: str, url: str) -> float:
    """Fresh statistics, as after any bulk load. PostgreSQL: VACUUM (ANALYZE), which is
    ANALYZE plus what autovacuum would do to the new rows a little later anyway (hint bits,
    visibility map), so it does not start in the middle of the timing."""
    began = time.perf_counter()
    if kind == "sqlite":
        con = sqlite3.connect(sa.engine.make_url(url).database, isolation_level=None)
        con.execute("ANALYZE")
        con.close()
    else:
        import psycopg

        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - began


def row_counts(engine: sa.Engine) -> dict[str, int]:
    names = (
        "users",
        "challenge_participants",
        "quest_runs",
        "answers",
        "scan_scores",
        "offer_signups",
    )
    with engine.connect() as conn:
        return {
            name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608
            for name in names
        }


# -- timing ---------------------------------------------------------------------------------


def label_of(breakdown: Breakdown | None) -> str:
    return breakdown.value if breakdown else "none"


def dashboard_once(engine: sa.Engine, challenge_id: int, breakdown: Breakdown | None):
    """The fund's page: a new session, the challenge, the whole dashboard."""
    with Session(engine, expire_on_commit=False) as session:
        challenge = session.get(Challenge, challenge_id)
        return impact.dashboard(session, challenge, breakdown=breakdown)


def time_dashboard(engine: sa.Engine, challenge_id: int, breakdown: Breakdown | None) -> float:
    began = time.perf_counter()
    dashboard_once(engine, challenge_id, breakdown)
    return (time.perf_counter() - began) * 1000


# The cell each breakdown groups by; days for the week (folded into weeks afterwards, as the
# dashboard does). Without a breakdown there is one cell and no GROUP BY.
BARE_KEYS = {
    None: "'total'",
    Breakdown.SECTOR: "p.sector",
    Breakdown.AGE_BAND: "p.age_band",
    Breakdown.REGION: "p.region",
    Breakdown.WEEK: "date(p.joined_at)",
}


def bare_sql(breakdown: Breakdown | None) -> sa.TextClause:
    """One plain GROUP BY: participants, active participants, counted quests completed.
    (count(DISTINCT p.user_id), not count(*): the LEFT JOIN gives a row per counted run.)"""
    key = BARE_KEYS[breakdown]
    group = f" GROUP BY {key}" if breakdown else ""
    return sa.text(
        f"SELECT {key} AS cell, count(DISTINCT p.user_id) AS participants, "  # noqa: S608
        "count(DISTINCT r.user_id) AS active, count(r.id) AS quests_completed "
        "FROM challenge_participants p "
        "LEFT JOIN quest_runs r ON r.user_id = p.user_id AND r.status = 'completed' "
        "AND r.quest_id IN :quests AND r.completed_at >= p.joined_at "
        "AND r.completed_at < :ends "
        f"WHERE p.challenge_id = :challenge{group}"
    ).bindparams(sa.bindparam("quests", expanding=True), sa.bindparam("ends", type_=UTCDateTime()))


def bare_params(challenge: Challenge) -> dict:
    return {
        "challenge": challenge.id,
        "quests": json.loads(challenge.quest_ids),
        "ends": challenge.ends_at,
    }


def bare_once(engine: sa.Engine, breakdown: Breakdown | None, params: dict) -> list:
    with engine.connect() as conn:
        return conn.execute(bare_sql(breakdown), params).all()


def time_bare(engine: sa.Engine, breakdown: Breakdown | None, params: dict) -> float:
    began = time.perf_counter()
    bare_once(engine, breakdown, params)
    return (time.perf_counter() - began) * 1000


def check(engine: sa.Engine, challenge_id: int, params: dict) -> list[str]:
    """What the dashboard shows is right, so that its time is the time of the right answer:
    every figure it shows (disclosure control hides, never changes one) equals the bare
    query's, cell by cell (else the ratio would compare two different things), the total
    row showing all three; and its growth means equal growth recomputed here in Python from
    the raw scan scores (so a summary it might read instead must be filled, not empty)."""
    problems = []
    growth = _growth_in_python(engine, challenge_id)
    figures = ("participants", "active", "quests_completed")
    for breakdown in BREAKDOWNS:
        bare: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for cell, *counts in bare_once(engine, breakdown, params):
            label = impact._label(breakdown, cell)
            bare[label] = [a + int(b) for a, b in zip(bare[label], counts, strict=True)]
        bare["total"] = [sum(column) for column in zip(*bare.values(), strict=True)]
        board = dashboard_once(engine, challenge_id, breakdown)
        for row in [board.total, *board.rows]:
            shown = [getattr(row, figure) for figure in figures]
            true = bare.get(row.label, [0, 0, 0])
            if row is board.total and None in shown:
                problems.append(f"{label_of(breakdown)}: the total hides a figure: {shown}")
            if any(value is not None and value != t for value, t in zip(shown, true, strict=True)):
                problems.append(f"{label_of(breakdown)}, {row.label}: shows {shown}, bare {true}")
            expected = _means(row.participants, growth(breakdown, row.label))
            if not _same_means(row.growth, expected):
                problems.append(
                    f"{label_of(breakdown)}, {row.label}: growth {row.growth} != {expected}"
                )
    return problems


def _growth_in_python(engine: sa.Engine, challenge_id: int):
    """Per participant and competency: latest minus first score (by scanned_at, then id),
    for those with two scans or more; returns sums per cell of a breakdown."""
    with engine.connect() as conn:
        cells = {
            user_id: about
            for user_id, *about in conn.execute(
                sa.text(
                    "SELECT user_id, sector, age_band, region, date(joined_at) "
                    "FROM challenge_participants WHERE challenge_id = :c"
                ),
                {"c": challenge_id},
            )
        }
        people: dict[tuple[int, str], list[float]] = {}  # (user, competency): first, last, n
        for user_id, competency, score in conn.execute(
            sa.text(
                "SELECT s.user_id, s.competency, s.score FROM scan_scores s "
                "JOIN challenge_participants p ON p.user_id = s.user_id AND p.challenge_id = :c "
                "ORDER BY s.user_id, s.competency, s.scanned_at, s.id"
            ),
            {"c": challenge_id},
        ):
            seen = people.setdefault((user_id, competency), [score, score, 0])
            seen[1], seen[2] = score, seen[2] + 1
    column = {Breakdown.SECTOR: 0, Breakdown.AGE_BAND: 1, Breakdown.REGION: 2, Breakdown.WEEK: 3}

    def growth(breakdown: Breakdown | None, label: str) -> dict[str, list[float]]:
        sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
        for (user_id, competency), (first, last, scans) in people.items():
            if scans < 2:
                continue
            value = cells[user_id][column[breakdown]] if breakdown else None
            if label == "total" or impact._label(breakdown, value) == label:
                sums[competency][0] += last - first
                sums[competency][1] += 1
        return sums

    return growth


def _means(participants: int | None, sums: dict[str, list[float]]) -> dict[str, float | None]:
    return {
        competency: disclosure.shown_mean(participants, *sums[competency])
        if competency in sums
        else None
        for competency in impact.COMPETENCIES
    }


def _same_means(shown: dict, expected: dict) -> bool:
    if shown.keys() != expected.keys():
        return False
    for competency, value in shown.items():
        other = expected[competency]
        if (value is None) != (other is None):
            return False
        if value is not None and abs(value - other) > 1e-6 * max(1.0, abs(other)):
            return False
    return True


def measure(engine: sa.Engine, challenge_id: int, repeats: int) -> dict[str, dict]:
    """One warm-up round, then `repeats` rounds; ms per call, per breakdown and side."""
    with Session(engine) as session:
        params = bare_params(session.get(Challenge, challenge_id))
    times: dict[str, dict[str, list[float]]] = {
        label_of(b): {"ours": [], "bare": []} for b in BREAKDOWNS
    }
    for round_ in range(repeats + 1):
        order = BREAKDOWNS[round_ % len(BREAKDOWNS) :] + BREAKDOWNS[: round_ % len(BREAKDOWNS)]
        for breakdown in order:
            sides = [
                ("ours", lambda b=breakdown: time_dashboard(engine, challenge_id, b)),
                ("bare", lambda b=breakdown: time_bare(engine, b, params)),
            ]
            for side, timed in sides if round_ % 2 else reversed(sides):
                ms = timed()
                if round_:  # round 0 warms the caches
                    times[label_of(breakdown)][side].append(ms)
    return times


def statement_part(statement: str) -> str:
    """Which of the dashboard's queries a statement is."""
    if "row_number" in statement:
        return "growth"
    if "FROM challenges" in statement:
        return "challenge"
    if "count(DISTINCT" in statement:
        return "per quest"
    return "counts"


@contextlib.contextmanager
def captured(engine: sa.Engine) -> Iterator[list[dict]]:
    """Every statement run on `engine` meanwhile, with its parameters and ms."""
    seen: list[dict] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_began"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - conn.info.pop("bench_began")) * 1000
        seen.append({"statement": statement, "parameters": parameters, "ms": ms})

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)


# The dashboard's own steps, timed by wrapping them: each one's SQL, fetching and Python.
PARTS = {
    "counts": "_counts",
    "per quest": "_quest_counts",
    "disclosure": "protect",
    "growth": "_add_growth",
}


@contextlib.contextmanager
def timed_parts() -> Iterator[dict[str, float]]:
    """ms spent in each of impact's steps meanwhile (patched on the module, restored after)."""
    # A step the dashboard no longer has (say, merged into another) stays out: "n/a".
    originals = {
        part: getattr(impact, name) for part, name in PARTS.items() if hasattr(impact, name)
    }
    spent = dict.fromkeys(originals, 0.0)

    def wrap(part, function):
        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[part] += (time.perf_counter() - began) * 1000

        return timed

    for part, original in originals.items():
        setattr(impact, PARTS[part], wrap(part, original))
    try:
        yield spent
    finally:
        for part, original in originals.items():
            setattr(impact, PARTS[part], original)


def where_time_goes(engine: sa.Engine, challenge_id: int, calls: int = 3) -> dict[str, dict]:
    """Median ms per step of the dashboard over `calls` more dashboards per breakdown (not
    the ones in the table); "rest" is the session, the challenge read and the rows."""
    found = {}
    for breakdown in BREAKDOWNS:
        runs = []
        for _ in range(calls):
            with captured(engine) as seen, timed_parts() as spent:
                total = time_dashboard(engine, challenge_id, breakdown)
            parts = {**spent, "statements": len(seen), "total": total}
            parts["rest"] = total - sum(spent.values())
            runs.append(parts)
        found[label_of(breakdown)] = {
            key: statistics.median(run[key] for run in runs) for key in runs[0]
        }
    return found


def explain(engine: sa.Engine, challenge_id: int, breakdown: Breakdown | None) -> str:
    """PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of every statement of one dashboard and of the
    bare query (SQLite: EXPLAIN QUERY PLAN)."""
    with captured(engine) as seen:
        dashboard_once(engine, challenge_id, breakdown)
        with Session(engine) as session:
            params = bare_params(session.get(Challenge, challenge_id))
        bare_once(engine, breakdown, params)
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    out = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for item in seen:
            if "FROM challenges" in item["statement"] and "row_number" not in item["statement"]:
                continue
            part = "bare" if "AS cell" in item["statement"] else statement_part(item["statement"])
            cursor.execute(prefix + item["statement"], item["parameters"])
            plan_lines = [" | ".join(str(v) for v in row) for row in cursor.fetchall()]
            out += [
                f"--- {part} ({item['ms']:.0f} ms when run):",
                item["statement"],
                f"-- {item['parameters']}",
                *plan_lines,
                "",
            ]
        raw.rollback()
    finally:
        raw.close()
    return "\n".join(out)


# -- the run --------------------------------------------------------------------------------


def machine(databases: Iterable[str]) -> dict:
    info = {
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sa.__version__,
    }
    if "postgresql" in databases:
        import psycopg

        with psycopg.connect(admin_url()) as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            info["postgresql_settings"] = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]
                for name in ("shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather")
            }
            info["psycopg"] = psycopg.__version__
    return info


# Where --keep leaves the SQLite file (and --reuse finds it).
KEPT = Path(tempfile.gettempdir()) / "lq-bench-dashboard"


def prepare(kind: str, workdir: Path, p: Plan, reuse: bool) -> tuple[str, dict | None]:
    """The database's URL, built and loaded now (with the seconds it took), or with --reuse a
    kept one that already holds this plan's rows (migrated to head: a new index applies)."""
    url = database_url(kind, workdir)
    if reuse and holds(url, p):
        upgrade_database(url)
        print(f"{kind}: reusing the kept database (not generated again)")
        return url, None
    build(kind, workdir)
    loaded = generate(kind, url, p)
    print(
        f"{kind}: generated and loaded in {loaded['total']:.1f} s ("
        + ", ".join(f"{t} {s:.1f} s" for t, s in loaded.items() if t != "total")
        + ")"
    )
    return url, loaded


def holds(url: str, p: Plan) -> bool:
    expected = {"users": p.workers + 1, "quest_runs": p.runs, "answers": p.answers}
    with contextlib.suppress(Exception):
        engine = create_db_engine(url)
        try:
            counts = row_counts(engine)
        finally:
            engine.dispose()
        return all(counts[table] == rows for table, rows in expected.items())
    return False


def measure_database(kind: str, url: str, repeats: int, explain_plans: bool) -> dict:
    """Check, time, split and (optionally) explain the dashboard on one loaded database."""
    entry: dict = {"analyze_s": analyze(kind, url)}
    print(f"{kind}: ANALYZE in {entry['analyze_s']:.1f} s")
    engine = create_db_engine(url)
    try:
        entry["rows"] = row_counts(engine)
        with Session(engine) as session:
            params = bare_params(session.get(Challenge, 1))
        entry["check"] = check(engine, 1, params)
        print(
            f"{kind}: rows {entry['rows']}; check: "
            + (_first(entry["check"]) or "figures = bare query's, growth = recomputed")
        )
        entry["times"] = measure(engine, 1, repeats)
        entry["parts"] = where_time_goes(engine, 1)
        if explain_plans:
            for breakdown in BREAKDOWNS:
                print(f"\n===== {kind}, breakdown {label_of(breakdown)} =====")
                print(explain(engine, 1, breakdown))
    finally:
        engine.dispose()
    return entry


def run(
    workers: int = WORKERS,
    answers: int = ANSWERS,
    repeats: int = REPEATS,
    databases: Iterable[str] = DATABASES,
    *,
    explain_plans: bool = False,
    keep: bool = False,
    reuse: bool = False,
) -> dict:
    began = time.monotonic()
    databases = tuple(databases)
    result: dict = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code_version": code_version(),
        "machine": machine(databases),
        "workers": workers,
        "answers": answers,
        "repeats": repeats,
        "load_before": os.getloadavg(),
        "databases": {},
    }
    drawn = time.perf_counter()
    p = plan(workers, answers)
    result["plan_s"] = time.perf_counter() - drawn
    print(
        f"Drew the population in {result['plan_s']:.1f} s: {workers:,} workers, "
        f"{p.runs:,} runs, {answers:,} answers, {len(p.signups):,} sign-ups."
    )
    if keep or reuse:
        KEPT.mkdir(exist_ok=True)
        workdir = KEPT
    else:
        workdir = Path(tempfile.mkdtemp(prefix="lq-bench-dashboard-"))
    try:
        for kind in databases:
            url, loaded = prepare(kind, workdir, p, reuse)
            entry = {"generate_s": loaded, **measure_database(kind, url, repeats, explain_plans)}
            result["databases"][kind] = entry
            print("\n".join(table({**result, "databases": {kind: entry}})))
    finally:
        if keep:
            print(f"Kept: {workdir} and the PostgreSQL database {PG_DATABASE}.")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            if "postgresql" in databases:
                drop_postgres()
    result["load_after"] = os.getloadavg()
    result["seconds"] = time.monotonic() - began
    return result


# -- the report -----------------------------------------------------------------------------

DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _p(values: list[float], pct: float) -> float:
    return percentile(values, pct) if values else NAN


def cells(result: dict) -> list[dict]:
    out = []
    for kind, entry in result["databases"].items():
        for label, sides in entry["times"].items():
            ours50, bare50 = _p(sides["ours"], 50), _p(sides["bare"], 50)
            out.append(
                {
                    "database": kind,
                    "breakdown": label,
                    "ours_p50": ours50,
                    "ours_p90": _p(sides["ours"], 90),
                    "bare_p50": bare50,
                    "bare_p90": _p(sides["bare"], 90),
                    "ratio": ours50 / bare50 if bare50 else NAN,
                }
            )
    return out


def table(result: dict) -> list[str]:
    lines = [
        "| Database | Breakdown | Dashboard p50 (ms) | Dashboard p90 (ms) | Bare GROUP BY p50 "
        "(ms) | Bare p90 (ms) | Dashboard / bare (p50) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for cell in cells(result):
        lines.append(
            f"| {DATABASE_NAMES[cell['database']]} | {cell['breakdown']} | "
            f"{fmt(cell['ours_p50'], 0)} | {fmt(cell['ours_p90'], 0)} | "
            f"{fmt(cell['bare_p50'], 0)} | {fmt(cell['bare_p90'], 0)} | {cell['ratio']:.2f}× |"
        )
    return lines


def parts_table(result: dict) -> list[str]:
    lines = [
        "| Database | Breakdown | SQL statements | Counts per cell (ms) | Completion per quest "
        "(ms) | Disclosure control (ms) | Self-scan growth (ms) | The rest: session, challenge "
        "read, rows (ms) | Whole dashboard (ms) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, entry in result["databases"].items():
        for label, parts in entry["parts"].items():
            lines.append(
                f"| {DATABASE_NAMES[kind]} | {label} | {parts['statements']:.0f} | "
                + " | ".join(fmt(parts.get(key, NAN), 0) for key in (*PARTS, "rest", "total"))
                + " |"
            )
    return lines


def verdict(result: dict) -> list[str]:
    """The issue's two goals, per database where they apply; a miss is said plainly."""
    lines = []
    found = cells(result)
    postgres = [c for c in found if c["database"] == "postgresql"]
    if postgres:
        worst = max(postgres, key=lambda c: c["ours_p50"])
        slow = [c["breakdown"] for c in postgres if not c["ours_p50"] < GOAL_POSTGRES_MS]
        lines.append(
            f"- PostgreSQL, dashboard p50 under {GOAL_POSTGRES_MS:,.0f} ms: "
            + ("met" if not slow else f"missed for {', '.join(slow)}")
            + f" (slowest: {worst['breakdown']}, {fmt(worst['ours_p50'], 0)} ms)."
        )
    else:
        lines.append("- PostgreSQL, dashboard p50 under 1 s: not measured in this run.")
    for kind in result["databases"]:
        mine = [c for c in found if c["database"] == kind]
        worst = max(mine, key=lambda c: c["ratio"])
        over = [c["breakdown"] for c in mine if not c["ratio"] <= GOAL_RATIO]
        lines.append(
            f"- {DATABASE_NAMES[kind]}, dashboard at most {GOAL_RATIO:g}× the bare GROUP BY: "
            + ("met" if not over else f"missed for {', '.join(over)}")
            + f" (ratios {min(c['ratio'] for c in mine):.2f}× to {worst['ratio']:.2f}×, "
            f"worst: {worst['breakdown']})."
        )
    for kind, entry in result["databases"].items():
        if entry["check"]:
            lines.append(
                f"- {DATABASE_NAMES[kind]}: the dashboard's figures did NOT check out, so its "
                f"times are not those of the right answer: {_first(entry['check'])}"
            )
    return lines


def checked(result: dict) -> list[str]:
    """The line for the checks that passed (verdict() says which did not)."""
    passed = [
        DATABASE_NAMES[kind] for kind, entry in result["databases"].items() if not entry["check"]
    ]
    if not passed:
        return []
    return [
        f"- Checks before the timing ({' and '.join(passed)}): passed; every figure shown "
        "equals the bare query's, and growth equals growth recomputed from the raw scores."
    ]


def failures(result: dict) -> list[str]:
    return [
        f"{DATABASE_NAMES[kind]}: the dashboard's figures did not check out: {problem}"
        for kind, entry in result["databases"].items()
        for problem in entry["check"]
    ]


def _first(problems: list[str], most: int = 3) -> str:
    more = f" (and {len(problems) - most} more)" if len(problems) > most else ""
    return "; ".join(problems[:most]) + more


def _machine_note(result: dict) -> str:
    m = result["machine"]
    note = (
        f"{m['cores']} cores, {m['system']}, Python {m['python']}, SQLAlchemy {m['sqlalchemy']}, "
        f"SQLite {m['sqlite']}"
    )
    if "postgresql" in m:
        settings = ", ".join(f"`{k}={v}`" for k, v in m["postgresql_settings"].items())
        note += f", PostgreSQL {m['postgresql']} on the same machine (psycopg {m['psycopg']}; "
        note += f"{settings}, as installed)"
    before, after = result["load_before"], result["load_after"]
    return (
        f"{note}. Load average (1 min) {before[0]:.1f} at the start and {after[0]:.1f} at the "
        "end: other runs may share the machine, so read the ratios (same moment) before the "
        "absolute times."
    )


def _sizes(result: dict) -> str:
    any_entry = next(iter(result["databases"].values()))
    rows = any_entry["rows"]
    return (
        f"{rows['users']:,} users, {rows['challenge_participants']:,} participants, "
        f"{rows['quest_runs']:,} quest runs, {rows['answers']:,} answers, "
        f"{rows['scan_scores']:,} self-scan scores, {rows['offer_signups']:,} offer sign-ups"
    )


def _generation(result: dict) -> str:
    return "; ".join(
        f"{DATABASE_NAMES[kind]} {entry['generate_s']['total']:.0f} s (answers "
        f"{entry['generate_s']['answers']:.0f} s), ANALYZE {entry['analyze_s']:.0f} s"
        if entry["generate_s"]
        else f"{DATABASE_NAMES[kind]}: reused from an earlier run (`--reuse`), not timed"
        for kind, entry in result["databases"].items()
    )


def report(result: dict) -> list[str]:
    """The "Fund dashboard" section of docs/benchmarks.md (also printed by a run)."""
    return [
        SECTION_TITLE,
        "",
        "Reproduce alone: `.venv/bin/python bench/dashboard.py` (`--write` replaces this "
        "section in place; `--workers N --answers N` for a quick small run; `--explain` prints "
        "the PostgreSQL plans); in the whole run: `.venv/bin/python bench/run_all.py --only "
        "dashboard`.",
        "",
        f"- Run {result['date']}; code measured: {result['code_version']}. This part took "
        f"{result['seconds']:.0f} s.",
        f"- Machine: {_machine_note(result)}",
        f"- Data, generated by the run (seeded, identical in both databases): {_sizes(result)}. "
        "One fund with one challenge, open now and 8 weeks long (6 behind, 2 ahead), with 5 "
        "quests that count; every worker joined it (60% as guests), most in the first weeks, "
        "each saying a sector, age band and region from the menus or not (15%, 20% and 25% "
        "left empty; the menus skewed, some cells tiny). 2 to 8 quest runs per worker, a mix "
        "of the challenge's quests and 16 others, 60% completed, played before the challenge, "
        "before joining and after; half of the workers did 2 or 3 self-scans (4 competency "
        "scores each). 5% signed up for an offer from the challenge (some for two), 0.5% from "
        "a quest. Answers (choice, scale, reflection, action, poll, contact, JSON values) are "
        "there for the table's real size; the dashboard does not read them.",
        f"- Loading: a fresh schema by `upgrade_database` (Alembic) each; PostgreSQL by COPY "
        "(psycopg 3, one transaction per table), SQLite by executemany in one transaction with "
        "`journal_mode=OFF, synchronous=OFF` for the load only (back to WAL afterwards, the "
        "app's engine then sets `synchronous=FULL` as always); then ANALYZE (PostgreSQL: "
        f"`VACUUM (ANALYZE)`). Generation and load took: {_generation(result)}.",
        "- Dashboard: `impact.dashboard(session, challenge, breakdown=…)` end to end, in this "
        "process, on the app's engine (`create_db_engine`): a new Session, the challenge read, "
        "its two queries (counts per cell with completion per quest, self-scan growth), "
        "disclosure control and the rows. Bare: one hand-written `GROUP BY` through the same "
        "engine (`text()`): per cell `count(DISTINCT p.user_id)`, `count(DISTINCT "
        "r.user_id)`, `count(r.id)` over `challenge_participants p LEFT JOIN quest_runs r` on "
        "the same conditions as `counted_runs` (completed, a challenge quest, after joining, "
        "before the end), grouped by the breakdown's column (the week: by `date(joined_at)`, "
        "folded into weeks afterwards, as the dashboard does). Before the timing, every figure "
        "the dashboard shows is checked to equal the bare query's, cell by cell, and its growth "
        "means to equal growth recomputed in Python from the raw scan scores.",
        f"- {result['repeats']} repeats after a warm-up round; in each, every breakdown runs "
        "the dashboard and the bare query back to back (which one goes first alternates). "
        "p50 and p90 of the repeats (nearest rank).",
        "",
        *table(result),
        "",
        "Goals (from the issue):",
        "",
        *verdict(result),
        *checked(result),
        "",
        "**What the ratio means:** the bare query is the least work any dashboard must do: "
        "read the challenge's participants and their counted runs once and count them per "
        "cell. The dashboard also counts offers taken and, for the challenge as a whole, "
        "completion per quest (in the same pass) and self-scan growth per competency (one more "
        "query), then "
        "runs disclosure control in Python. So the ratio is the price of those figures and of "
        "our code on top of the floor, not overhead alone; the split below shows which part "
        "costs what.",
        "",
        "Where the dashboard's time goes (3 more calls per breakdown, not those of the table "
        "above, median; each of impact's steps timed by a wrapper, so a step is its query, "
        "the fetching and its Python):",
        "",
        *parts_table(result),
        *(["", NOTES.strip()] if NOTES.strip() else []),
    ]


# Written by hand from the numbers and the plans (EXPLAIN ANALYZE); check it still holds.
NOTES = """
**Reading these numbers** (written by hand on 2026-11-30 from the runs of this bench, the
plans from EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL and EXPLAIN QUERY PLAN on SQLite; check
it still holds when the numbers move):

- **Where it started.** The first version of the dashboard (6f1cba3) took 1.2–1.4 s on
  PostgreSQL (6.7–8.4× the bare query) and 2.8–3.0 s on SQLite (12–14×). Most of it was
  self-scan growth: every view ranked every self-scan score of every participant twice
  with `row_number()` (502,212 scores in 201,108 partitions: two sorts and two window
  passes), 60–65% of the time on PostgreSQL and about 78% on SQLite, and growing with every
  scan anyone ever did. Rewrites without a schema change (`lag`/`lead`, one window for both
  ends, an index on scan_scores) and PostgreSQL settings (`work_mem`, `jit`) did not fix it.
- **What changed.** Growth now reads a per-person summary, `scan_growth` (first and latest
  score per worker and competency, kept by `progression.record_scan` next to each scan,
  backfilled by its migration): 55–150 ms instead of 0.8–2 s. And the counts per cell and
  completion per quest come from one pass over the runs (per person: the runs that count
  and a flag per quest started and completed; completion per quest is the sum over the
  cells, which partition the participants); that is why the split shows completion per quest
  as n/a. This one pass helped PostgreSQL by 3–19% and cost SQLite 10–16% (measured
  interleaved); PostgreSQL is the target for national use.
- **The goals.** PostgreSQL is under 1 s for every breakdown. The 3× is met for the four
  breakdowns and missed, narrowly, for the totals, whose bare query has no GROUP BY at all
  (measured 2.5–3.5× for it across the runs that day). SQLite stays at 3.5–4.5×: the
  dashboard reads the participants' runs with more per row (five quests' flags) and the
  growth summary once more, against one lean pass for the bare query. SQLite is the
  embedded default for `make run` and small installations; its figures are under 1 s.
- **What is left in the counts:** a parallel hash join of the runs of the challenge's
  quests with the participants, aggregated per person, joined back per cell; disclosure
  control and our Python take under 5 ms.
- **Noise:** the machine has 2 cores and was shared with other runs (see the load
  average); medians moved by 10–20% between runs of the same code. Compare the ratios, which
  are measured at the same moment, before the absolute times.
"""


# The list of sections at the top, without and with this one.
SECTIONS = (
    "[Badge evaluation](#badge-evaluation) and [Live sessions](#live-sessions).",
    "[Badge evaluation](#badge-evaluation), [Live sessions](#live-sessions) and "
    "[Fund dashboard](#fund-dashboard).",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--answers", type=int, default=ANSWERS)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--databases", nargs="+", choices=DATABASES, default=list(DATABASES))
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument(
        "--keep", action="store_true", help=f"keep the databases afterwards ({KEPT}, PostgreSQL)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time the kept databases if they hold this data"
    )
    parser.add_argument("--save", type=Path, help="save the result as JSON")
    parser.add_argument("--render", type=Path, help="no run: report a saved result")
    parser.add_argument(
        "--write", action="store_true", help="update the section in docs/benchmarks.md"
    )
    args = parser.parse_args()
    if args.render:
        result = json.loads(args.render.read_text())
    else:
        result = run(
            args.workers,
            args.answers,
            args.repeats,
            args.databases,
            explain_plans=args.explain,
            keep=args.keep,
            reuse=args.reuse,
        )
    if args.save:
        args.save.write_text(json.dumps(result, indent=1))
    lines = report(result)
    print("\n" + "\n".join(lines))
    print("\nProblems:\n" + ("\n".join(failures(result)) or "none"))
    if args.write:
        write_section(SECTION_TITLE, lines, sections=SECTIONS)
        print(f"Wrote the dashboard section of {DOC.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
