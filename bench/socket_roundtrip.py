"""Socket.IO: connect time and ack round trips, ours vs bare python-socketio, in one run.

    .venv/bin/python bench/socket_roundtrip.py

Baseline: accepts every socket, "echo" acks its data. Ours: a socket needs a guest token
(made beforehand, not timed: POST /api/v1/auth/guest), "session:whoami" acks the user.
Every client is `socketio.Client` over the websocket transport only, without reconnection.
"""

import contextlib
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import HEADER, Server, comparison_row, fmt, median_of, percentile, servers  # noqa: E402

SEQUENTIAL_CONNECTS = 50
SEQUENTIAL_ACKS = 500
WARMUP_ACKS = 20
CROWDS = (50, 200)
CROWD_ACKS = 20  # per socket, all sockets at once
REPEATS = 3
LIVE_SOCKETS = 200  # a workplace live session: every phone holds a socket...
LIVE_SECONDS = 35  # ...longer than one Engine.IO ping interval (25 s)...
LIVE_INTERVAL = 2.0  # ...and answers something every 2 s
TIMEOUT = 15  # seconds per connect or ack


@dataclass
class Target:
    """How to talk to one server: which event to call and how to get in."""

    server: Server
    event: str
    needs_token: bool

    def tokens(self, count: int) -> tuple[list[dict | None], list[float]]:
        """`count` auth payloads (fresh guests for ours) and how long each guest took."""
        if not self.needs_token:
            return [None] * count, []
        auths, seconds = [], []
        with requests.Session() as http:
            for number in range(count):
                began = time.perf_counter()
                response = http.post(
                    f"{self.server.url}/api/v1/auth/guest",
                    json={"nickname": f"bench {number}"},
                    timeout=TIMEOUT,
                )
                response.raise_for_status()
                seconds.append(time.perf_counter() - began)
                auths.append({"token": response.json()["token"]})
        return auths, seconds

    def connect(self, auth: dict | None) -> tuple[socketio.Client, float]:
        client = socketio.Client(reconnection=False, handle_sigint=False)
        began = time.perf_counter()
        client.connect(self.server.url, auth=auth, transports=["websocket"], wait_timeout=TIMEOUT)
        return client, time.perf_counter() - began

    def ack(self, client: socketio.Client, number: int) -> float:
        data = {"n": number} if self.event == "echo" else None
        began = time.perf_counter()
        answer = client.call(self.event, data, timeout=TIMEOUT)
        elapsed = time.perf_counter() - began
        if self.event == "echo" and answer != data:
            raise RuntimeError(f"echo answered {answer!r}")
        if self.event != "echo" and not (isinstance(answer, dict) and answer.get("ok")):
            raise RuntimeError(f"{self.event} answered {answer!r}")
        return elapsed


def _disconnect(client: socketio.Client) -> None:
    with contextlib.suppress(Exception):  # best effort: the socket may already be gone
        client.disconnect()


def sequential(target: Target) -> dict:
    """Connect SEQUENTIAL_CONNECTS sockets one after another; then one socket acks 500 times."""
    auths, guest_seconds = target.tokens(SEQUENTIAL_CONNECTS)
    connects, failures = [], []
    for auth in auths:
        try:
            client, seconds = target.connect(auth)
        except Exception as error:
            failures.append(f"connect: {error}")
            continue
        connects.append(seconds)
        _disconnect(client)
    acks: list[float] = []
    client, _ = target.connect(target.tokens(1)[0][0])
    try:
        for number in range(WARMUP_ACKS):
            target.ack(client, number)
        cpu_before = target.server.cpu_seconds()
        for number in range(SEQUENTIAL_ACKS):
            try:
                acks.append(target.ack(client, number))
            except Exception as error:
                failures.append(f"ack: {error}")
                if len(failures) > 10:
                    break
        cpu = target.server.cpu_seconds() - cpu_before
    finally:
        _disconnect(client)
    return {
        "connect_p50_ms": percentile(connects, 50) * 1000,
        "connect_p95_ms": percentile(connects, 95) * 1000,
        "ack_p50_ms": percentile(acks, 50) * 1000,
        "ack_p95_ms": percentile(acks, 95) * 1000,
        "ack_cpu_us": cpu / max(len(acks), 1) * 1e6,
        "guest_p50_ms": percentile(guest_seconds, 50) * 1000,
        "failures": failures,
    }


def crowd(target: Target, size: int) -> dict:
    """`size` sockets connect at once, then all ack CROWD_ACKS times at once, then leave."""
    auths, _ = target.tokens(size)
    clients: list[socketio.Client | None] = [None] * size
    connects: list[float] = []
    acks: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def join(index: int) -> None:
        try:
            client, seconds = target.connect(auths[index])
        except Exception as error:
            with lock:
                failures.append(f"connect: {type(error).__name__}: {error}")
            return
        clients[index] = client
        with lock:
            connects.append(seconds)

    def play(client: socketio.Client) -> None:
        mine = []
        for number in range(CROWD_ACKS):
            try:
                mine.append(target.ack(client, number))
            except Exception as error:
                with lock:
                    failures.append(f"ack: {type(error).__name__}: {error}")
                break
        with lock:
            acks.extend(mine)

    with ThreadPoolExecutor(max_workers=size) as pool:
        began = time.perf_counter()
        list(pool.map(join, range(size)))
        connect_wall = time.perf_counter() - began
        connected = [client for client in clients if client is not None]
        cpu_before, began = target.server.cpu_seconds(), time.perf_counter()
        list(pool.map(play, connected))
        ack_wall = time.perf_counter() - began
        cpu = target.server.cpu_seconds() - cpu_before
        list(pool.map(_disconnect, connected))
    return {
        "connected": len(connected),
        "connect_wall_s": connect_wall,
        "connect_p50_ms": percentile(connects, 50) * 1000,
        "connect_p95_ms": percentile(connects, 95) * 1000,
        "ack_p50_ms": percentile(acks, 50) * 1000,
        "ack_p95_ms": percentile(acks, 95) * 1000,
        "acks_per_s": len(acks) / ack_wall if ack_wall else float("nan"),
        "ack_cpu_us": cpu / max(len(acks), 1) * 1e6,
        "acks": len(acks),
        "failures": failures,
    }


def live(target: Target) -> dict:
    """LIVE_SOCKETS sockets stay for LIVE_SECONDS, each acking every LIVE_INTERVAL seconds."""
    auths, _ = target.tokens(LIVE_SOCKETS)
    acks: list[float] = []
    failures: list[str] = []
    dropped: list[int] = []
    planned: list[int] = []
    lock = threading.Lock()
    began = time.monotonic()
    end = began + LIVE_SECONDS

    def phone(index: int) -> None:
        try:
            client, _ = target.connect(auths[index])
        except Exception as error:
            with lock:
                failures.append(f"connect: {type(error).__name__}: {error}")
            return

        def on_disconnect(*_reason) -> None:
            if time.monotonic() < end:
                dropped.append(index)

        client.on("disconnect", on_disconnect)
        mine = []
        first = 1 + index * LIVE_INTERVAL / LIVE_SOCKETS  # seconds in; spreads the phones out
        count = int((LIVE_SECONDS - first) // LIVE_INTERVAL) + 1
        with lock:
            planned.append(count)
        tick = began + first
        for number in range(count):
            time.sleep(max(0.0, tick - time.monotonic()))
            tick += LIVE_INTERVAL
            try:
                mine.append(target.ack(client, number))
            except Exception as error:
                with lock:
                    failures.append(f"ack: {type(error).__name__}: {error}")
                break
        time.sleep(max(0.0, end - time.monotonic()))
        with lock:
            acks.extend(mine)
        _disconnect(client)

    with ThreadPoolExecutor(max_workers=LIVE_SOCKETS) as pool:
        cpu_before = target.server.cpu_seconds()
        list(pool.map(phone, range(LIVE_SOCKETS)))
        cpu = target.server.cpu_seconds() - cpu_before
        wall = time.monotonic() - began
    return {
        "connected": LIVE_SOCKETS - sum(f.startswith("connect") for f in failures),
        "dropped": len(dropped),
        "acks": len(acks),
        "planned": sum(planned),
        "ack_p50_ms": percentile(acks, 50) * 1000,
        "ack_p95_ms": percentile(acks, 95) * 1000,
        "cpu_percent": cpu / wall * 100,
        "failures": failures,
    }


def targets(started: dict[str, Server]) -> dict[str, Target]:
    return {
        "baseline": Target(started["baseline_socketio"], "echo", needs_token=False),
        "ours": Target(started["ours"], "session:whoami", needs_token=True),
    }


def run(started: dict[str, Server], repeats: int = REPEATS) -> dict[str, dict[str, list[dict]]]:
    """runs[scenario][baseline|ours] = one dict per repeat; baseline and ours alternate."""
    chosen = targets(started)
    scenarios = ["sequential", *[f"crowd {size}" for size in CROWDS], "live"]
    runs = {scenario: {name: [] for name in chosen} for scenario in scenarios}
    for _ in range(repeats):
        for name, target in chosen.items():
            runs["sequential"][name].append(sequential(target))
            for size in CROWDS:
                runs[f"crowd {size}"][name].append(crowd(target, size))
    for name, target in chosen.items():  # once: it takes LIVE_SECONDS by design
        runs["live"][name].append(live(target))
    return runs


def _row(what: str, label: str, base: list[dict], ours: list[dict], key: str, digits: int) -> str:
    b, o = median_of(base, key), median_of(ours, key)
    return comparison_row(what, label, b, o, digits)


def table(runs: dict[str, dict[str, list[dict]]]) -> list[str]:
    lines = []
    base, ours = runs["sequential"]["baseline"], runs["sequential"]["ours"]
    what = "Socket.IO, one socket at a time"
    lines += [
        _row(
            what,
            f"connect p50 (ms, {SEQUENTIAL_CONNECTS} connects)",
            base,
            ours,
            "connect_p50_ms",
            2,
        ),
        _row(what, "connect p95 (ms)", base, ours, "connect_p95_ms", 2),
        _row(what, f"ack p50 (ms, {SEQUENTIAL_ACKS} acks)", base, ours, "ack_p50_ms", 2),
        _row(what, "ack p95 (ms)", base, ours, "ack_p95_ms", 2),
        _row(what, "server CPU per ack (µs)", base, ours, "ack_cpu_us", 0),
    ]
    for size in CROWDS:
        base, ours = runs[f"crowd {size}"]["baseline"], runs[f"crowd {size}"]["ours"]
        what = f"Socket.IO, {size} sockets at once"
        connected_b = min(run["connected"] for run in base)
        connected_o = min(run["connected"] for run in ours)
        lines += [
            f"| {what} | connected (worst repeat) | {connected_b} of {size} | "
            f"{connected_o} of {size} | |",
            _row(what, "all connected after (s)", base, ours, "connect_wall_s", 2),
            _row(what, "connect p50 (ms)", base, ours, "connect_p50_ms", 1),
            _row(what, "connect p95 (ms)", base, ours, "connect_p95_ms", 1),
            _row(what, f"ack p50 (ms, {CROWD_ACKS} acks per socket)", base, ours, "ack_p50_ms", 1),
            _row(what, "ack p95 (ms)", base, ours, "ack_p95_ms", 1),
            _row(what, "acks/s, all sockets together", base, ours, "acks_per_s", 0),
            _row(what, "server CPU per ack (µs)", base, ours, "ack_cpu_us", 0),
        ]
    base, ours = runs["live"]["baseline"], runs["live"]["ours"]
    what = (
        f"Socket.IO live session: {LIVE_SOCKETS} sockets for {LIVE_SECONDS} s, "
        f"1 ack per {LIVE_INTERVAL:g} s each"
    )
    lines += [
        f"| {what} | connected / dropped before the end | {base[0]['connected']} / "
        f"{base[0]['dropped']} | {ours[0]['connected']} / {ours[0]['dropped']} | |",
        f"| {what} | acks answered / planned | {base[0]['acks']} / {base[0]['planned']} | "
        f"{ours[0]['acks']} / {ours[0]['planned']} | |",
        _row(what, "ack p50 (ms)", base, ours, "ack_p50_ms", 2),
        _row(what, "ack p95 (ms)", base, ours, "ack_p95_ms", 2),
        _row(what, "server CPU (% of one core)", base, ours, "cpu_percent", 1),
    ]
    guest = statistics.median(run["guest_p50_ms"] for run in runs["sequential"]["ours"])
    lines.append(
        f"| Ours only | guest sign-up POST /api/v1/auth/guest p50 (ms) | | {fmt(guest, 2)} | |"
    )
    return lines


def failures(runs: dict[str, dict[str, list[dict]]]) -> list[str]:
    """Distinct client-side failures with how often they happened."""
    seen: dict[str, int] = {}
    for scenario, by_name in runs.items():
        for name, repeats in by_name.items():
            for run in repeats:
                for failure in run["failures"]:
                    key = f"{name}, {scenario}: {failure}"
                    seen[key] = seen.get(key, 0) + 1
    return [f"{count}× {key}" for key, count in sorted(seen.items())]


def main() -> None:
    sys.setswitchinterval(0.0005)  # let client threads hand over the GIL promptly
    with servers("baseline_socketio") as started:
        runs = run(started)
        print("\n".join(HEADER + table(runs)))
        for line in failures(runs):
            print(f"client failure: {line}")
        for server in started.values():
            for line in server.new_log_lines():
                print(f"[{server.name}] {line}")


if __name__ == "__main__":
    main()
