"""HTTP: GET /healthz with concurrent clients, ours vs bare Flask, in one run.

    .venv/bin/python bench/http_healthz.py
"""

import contextlib
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import fmt, median_of, percentile, ratio, servers  # noqa: E402

CLIENTS = 8
WARMUP_PER_CLIENT = 25
REQUESTS_PER_CLIENT = 250
TIMEOUT = 10  # seconds per request
DEADLINE = 60  # seconds per measurement, whatever happens


def measure(url: str, clients: int = CLIENTS, per_client: int = REQUESTS_PER_CLIENT) -> dict:
    """`clients` threads, each with its own keep-alive session, `per_client` GETs each."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1, timeout=30)
    stop_at = time.monotonic() + DEADLINE

    def client() -> None:
        mine, failed = [], []
        with requests.Session() as session:
            for _ in range(WARMUP_PER_CLIENT):
                with contextlib.suppress(requests.RequestException):
                    session.get(url, timeout=TIMEOUT)
            start_gate.wait()
            for _ in range(per_client):
                if time.monotonic() > stop_at:
                    failed.append("deadline")
                    break
                began = time.perf_counter()
                try:
                    response = session.get(url, timeout=TIMEOUT)
                    if response.status_code != 200:
                        failed.append(f"HTTP {response.status_code}")
                        continue
                except requests.RequestException as error:
                    failed.append(type(error).__name__)
                    continue
                mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start_gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=DEADLINE + TIMEOUT)
    elapsed = time.perf_counter() - began
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "ok": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
    }


def run(started: dict, repeats: int) -> dict[str, list[dict]]:
    """Alternate baseline and ours `repeats` times so drift hits both alike."""
    targets = {"baseline": started["baseline_flask"], "ours": started["ours"]}
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    for _ in range(repeats):
        for name, server in targets.items():
            runs[name].append(measure(f"{server.url}/healthz"))
    return runs


def table(runs: dict[str, list[dict]]) -> list[str]:
    base, ours = runs["baseline"], runs["ours"]
    rows = [
        ("requests/s", "rps", 0),
        ("p50 latency (ms)", "p50_ms", 2),
        ("p95 latency (ms)", "p95_ms", 2),
    ]
    lines = []
    for label, key, digits in rows:
        b, o = median_of(base, key), median_of(ours, key)
        lines.append(
            f"| HTTP GET /healthz, {CLIENTS} clients | {label} | {fmt(b, digits)} | "
            f"{fmt(o, digits)} | {ratio(o, b)} |"
        )
    errors = [sum(r["errors"] for r in runs[n]) for n in ("baseline", "ours")]
    total = [sum(r["ok"] + r["errors"] for r in runs[n]) for n in ("baseline", "ours")]
    lines.append(
        f"| HTTP GET /healthz, {CLIENTS} clients | failed requests (all repeats) | "
        f"{errors[0]} of {total[0]} | {errors[1]} of {total[1]} | |"
    )
    return lines


HEADER = ["| Measurement | Metric | Baseline | Ours | Ours / baseline |", "|---|---|---:|---:|---:|"]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lq-bench-") as tmp:
        with servers(Path(tmp), "baseline_flask") as started:
            runs = run(started, repeats=3)
            print("\n".join(HEADER + table(runs)))
            for server in started.values():
                for line in server.new_log_lines():
                    print(f"[{server.name}] {line}")


if __name__ == "__main__":
    main()
