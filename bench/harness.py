"""Shared bench helpers: start servers on 127.0.0.1, wait for health, stop them, statistics.

Every server is `gunicorn -k gevent -w 1`, exactly as production runs ours.
"""

import contextlib
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
# One run makes about a thousand guests from one address, more than the default allows
# (600 per hour per address). Overridden for our server only, and said so in the report.
BENCH_GUEST_LIMIT = "100000 per hour"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log_path: Path
    log_offset: int = field(default=0)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def new_log_lines(self) -> list[str]:
        """Log lines written since the last call (for problems seen during one measurement)."""
        text = self.log()
        fresh, self.log_offset = text[self.log_offset :], len(text)
        return [line for line in fresh.splitlines() if line.strip()]

    def cpu_seconds(self) -> float:
        """User + system CPU of the gunicorn master and its worker so far (Linux /proc)."""
        pids = [self.process.pid]
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(pid) for pid in children.read_text().split()]
        total = 0
        for pid in pids:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def alive(self) -> bool:
        return self.process.poll() is None

    def worker_pid(self) -> int | None:
        """The gunicorn worker (the master's child), where the requests are served."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return int(children.read_text().split()[0])
        return None

    def worker_usage(self) -> tuple[float, float]:
        """(user + system CPU seconds, peak RSS in MB = VmHWM) of the worker alone so far."""
        pid = self.worker_pid()
        if pid is None:
            return float("nan"), float("nan")
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return float("nan"), float("nan")
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        peak_kb = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")),
            0,
        )
        return cpu, peak_kb / 1024

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def _gunicorn(
    name: str, target: str, env: dict, log_dir: Path, extra_args: tuple[str, ...] = ()
) -> Server:
    port = free_port()
    env = {**env, "PORT": str(port)}
    log_path = log_dir / f"{name}.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-k",
                "gevent",
                "-w",
                "1",
                "-b",
                f"{HOST}:{port}",
                "--graceful-timeout",
                "2",
                "--no-control-socket",
                *extra_args,
                target,
            ],
            env=env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Server(name, f"http://{HOST}:{port}", process, log_path)
    try:
        _wait_healthy(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_healthy(server: Server, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.name} exited early:\n{server.log()}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                server.log_offset = len(server.log())
                return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not become healthy in {timeout}s:\n{server.log()}")


def start_baseline(
    module: str, log_dir: Path, env: dict | None = None, extra_args: tuple[str, ...] = ()
) -> Server:
    """`module` is a baseline file in bench/, e.g. "baseline_flask" or "baseline_socketio";
    `extra_args` go to gunicorn (e.g. `--worker-connections N`)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "bench"), **(env or {})}
    return _gunicorn(module, f"{module}:app", env, log_dir, extra_args)


def ours_env(workdir: Path, **extra: str) -> dict:
    """The environment of our server (and of `flask --app game_server` commands against it):
    the embedded default, SQLite in `workdir`, unless `extra` says otherwise."""
    return {
        **os.environ,
        "GAME_ENV": "test",
        "GAME_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "GAME_INSTANCE_PATH": str(workdir),
        "GAME_SECRET_KEY": secrets.token_hex(20),  # 40 characters
        "GAME_GUEST_LIMIT_PER_IP": BENCH_GUEST_LIMIT,
        **extra,
    }


def flask_command(env: dict, *args: str, stdin: str | None = None) -> str:
    """Run `flask --app game_server ARGS` with `env`; its output (raises on failure)."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "game_server", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def start_ours(
    workdir: Path,
    *,
    name: str = "ours",
    env: dict | None = None,
    migrate: bool = True,
    extra_args: tuple[str, ...] = (),
) -> Server:
    """Our server, by default on the embedded default (SQLite in a fresh instance folder)."""
    env = env or ours_env(workdir)
    if migrate:
        flask_command(env, "db", "upgrade")
    return _gunicorn(name, "game_server.wsgi:app", env, workdir, extra_args)


@contextlib.contextmanager
def servers(*baselines: str) -> Iterator[dict[str, Server]]:
    """Start the named baselines and ours in a temporary folder; always stop them all."""
    started: dict[str, Server] = {}
    with tempfile.TemporaryDirectory(prefix="lq-bench-") as tmp:
        try:
            for module in baselines:
                started[module] = start_baseline(module, Path(tmp))
            started["ours"] = start_ours(Path(tmp))
            yield started
        finally:
            for server in started.values():
                server.stop()


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; NaN for an empty list."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median_of(runs: list[dict], key: str) -> float:
    values = [run[key] for run in runs if run.get(key) == run.get(key)]  # drop NaN
    return statistics.median(values) if values else float("nan")


def ratio(ours: float, baseline: float) -> str:
    if not baseline or ours != ours or baseline != baseline:
        return "n/a"
    return f"{ours / baseline:.2f}×"


def fmt(value: float, digits: int = 1) -> str:
    return "n/a" if value != value else f"{value:,.{digits}f}"


def comparison_row(what: str, label: str, baseline: float, ours: float, digits: int = 1) -> str:
    """One row of the side-by-side tables: the measurement, the metric, both figures, the ratio."""
    return (
        f"| {what} | {label} | {fmt(baseline, digits)} | {fmt(ours, digits)} "
        f"| {ratio(ours, baseline)} |"
    )


HEADER = [
    "| Measurement | Metric | Baseline | Ours | Ours / baseline |",
    "|---|---|---:|---:|---:|",
]


def statement_kind(statement: str) -> str:
    """ "SELECT a, b FROM answers WHERE …" -> "SELECT from answers" (for counting SQL)."""
    words = statement.split()
    verb = words[0].upper()
    if verb == "SELECT" and "FROM" in words:
        return f"SELECT from {words[words.index('FROM') + 1]}"
    if verb == "INSERT":
        return f"INSERT into {words[2]}"
    if verb == "UPDATE":
        return f"UPDATE {words[1]}"
    return " ".join(words[:3])


DOC = ROOT / "docs" / "benchmarks.md"


def write_section(title: str, lines: list[str], *, sections: tuple[str, str]) -> None:
    """Put one script's section (from `title` to the next `## `) in docs/benchmarks.md,
    replacing an earlier one, and mention it in the list of sections at the top: `sections`
    is (that list without this section, the list with it); run_all writes the list whole."""
    text = DOC.read_text()
    block = "\n".join(lines) + "\n"
    pattern = re.compile(rf"^{re.escape(title)}\n.*?(?=^## (?!#))", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block + "\n", text, count=1)
    else:
        anchor = "## Problems seen during this run"
        text = (
            text.replace(anchor, block + "\n" + anchor, 1)
            if anchor in text
            else text + "\n" + block
        )
    DOC.write_text(text.replace(*sections, 1))


def code_version() -> str:
    """The commit the servers run, and whether game_server/ differs from it (read-only git)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "game_server"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' with uncommitted changes in game_server/' if dirty else ''}"
