"""HTTP: GET /healthz with concurrent keep-alive clients, ours vs bare Flask, in one run.

    .venv/bin/python bench/http_healthz.py

Clients use http.client (one keep-alive connection per thread): requests costs several
times more client CPU per call, and on 2 cores the client would then be what is measured.
"""

import http.client
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import HEADER, Server, comparison_row, median_of, percentile, servers  # noqa: E402

CLIENTS = 8
WARMUP_PER_CLIENT = 25
REQUESTS_PER_CLIENT = 250
REPEATS = 5
TIMEOUT = 10  # seconds per request
DEADLINE = 60  # seconds per measurement, whatever happens


def measure(server: Server, clients: int = CLIENTS, per_client: int = REQUESTS_PER_CLIENT) -> dict:
    """`clients` threads, each on its own keep-alive connection, `per_client` GETs each."""
    address = urlsplit(server.url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1, timeout=30)
    stop_at = time.monotonic() + DEADLINE

    def get(conn: http.client.HTTPConnection) -> int:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        return response.status

    def client() -> None:
        mine, failed = [], []
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=TIMEOUT)
        try:
            for _ in range(WARMUP_PER_CLIENT):
                get(conn)
        except (OSError, http.client.HTTPException):
            conn.close()
        start_gate.wait()
        for _ in range(per_client):
            if time.monotonic() > stop_at:
                failed.append("deadline")
                break
            began = time.perf_counter()
            try:
                status = get(conn)
            except (OSError, http.client.HTTPException) as error:
                failed.append(type(error).__name__)
                conn.close()  # reconnects on the next request
                continue
            if status == 200:
                mine.append(time.perf_counter() - began)
            else:
                failed.append(f"HTTP {status}")
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start_gate.wait()
    cpu_before, began = server.cpu_seconds(), time.perf_counter()
    for thread in threads:
        thread.join(timeout=DEADLINE + TIMEOUT)
    elapsed, cpu = time.perf_counter() - began, server.cpu_seconds() - cpu_before
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "cpu_us": cpu / max(len(latencies), 1) * 1e6,
        "ok": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
    }


def run(started: dict[str, Server], repeats: int = REPEATS) -> dict[str, list[dict]]:
    """Alternate baseline and ours `repeats` times so drift hits both alike."""
    targets = {"baseline": started["baseline_flask"], "ours": started["ours"]}
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    for _ in range(repeats):
        for name, server in targets.items():
            runs[name].append(measure(server))
    return runs


def table(runs: dict[str, list[dict]]) -> list[str]:
    what = f"HTTP GET /healthz, {CLIENTS} clients"
    lines = []
    for label, key, digits in [
        ("requests/s", "rps", 0),
        ("p50 latency (ms)", "p50_ms", 2),
        ("p95 latency (ms)", "p95_ms", 2),
        ("server CPU per request (µs)", "cpu_us", 0),
    ]:
        b, o = median_of(runs["baseline"], key), median_of(runs["ours"], key)
        lines.append(comparison_row(what, label, b, o, digits))
    failed = {n: sum(r["errors"] for r in runs[n]) for n in runs}
    total = {n: sum(r["ok"] + r["errors"] for r in runs[n]) for n in runs}
    lines.append(
        f"| {what} | failed requests (all repeats) | {failed['baseline']} of "
        f"{total['baseline']} | {failed['ours']} of {total['ours']} | |"
    )
    return lines


def main() -> None:
    sys.setswitchinterval(0.0005)  # let client threads hand over the GIL promptly
    with servers("baseline_flask") as started:
        runs = run(started)
        print("\n".join(HEADER + table(runs)))
        for server in started.values():
            for line in server.new_log_lines():
                print(f"[{server.name}] {line}")


if __name__ == "__main__":
    main()
