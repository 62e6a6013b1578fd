"""The soak in its CI size: a hundred phones playing live sessions on one server process.

The full form (500 phones, 5 minutes) is `make soak`, reported in docs/benchmarks.md; this
runs bench/soak.py's own `run` with the same checks, small enough for every test run.
"""

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ..conftest import need_postgres

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import soak  # noqa: E402

pytestmark = pytest.mark.server

# 100 phones in 4 sessions, each phone answering every second while a question is open
# (2 s each): every code path of a session (create, host, join, next, answer, end and the
# background completion) runs in the warm-up (at least 10 s and one round of every
# session), and again several times before the end.
PLAN = soak.Plan(clients=100, sessions=4, seconds=45, warmup=10, answer_every=1.0, step_seconds=2)


@pytest.fixture(scope="module")
def soaked() -> dict:
    # A thread of its own: the browser tests' Playwright leaves an event loop running in this
    # one, and the soak's clients need asyncio.run.
    with ThreadPoolExecutor(max_workers=1) as thread:
        postgres = need_postgres()
        return thread.submit(soak.run, PLAN, postgres=postgres, baseline_seconds=None).result()


def test_every_phone_stays_connected(soaked):
    ours = soaked["ours"]
    assert ours["connected"] == PLAN.clients + PLAN.sessions
    assert ours["drops"] == 0
    assert ours["alive"] and ours["log"] == []


def test_no_event_is_refused_except_by_the_rate_limit(soaked):
    ours = soaked["ours"]
    assert (ours["other_errors"], ours["no_ack"]) == (0, 0), ours["refusals"]


def test_every_acknowledged_answer_is_committed(soaked):
    stored = soaked["ours"]["db"]
    assert stored["acked"] > PLAN.clients  # every phone answered more than once
    assert stored["missing_records"] == 0
    assert stored["missing_rows"] == 0


def test_memory_at_the_end_is_within_ten_percent_of_after_the_warm_up(soaked):
    ours = soaked["ours"]
    assert soak.memory_ratio(ours) <= soak.MEMORY_GOAL, ours["samples"]
