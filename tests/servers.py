"""Real server processes for tests: gunicorn with the gevent worker, as in the Procfile."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from game_server.testing.own_services import free_port

__all__ = ["free_port", "start_server", "ServerProcess", "SECRET_KEY"]

ROOT = Path(__file__).resolve().parent.parent
# The servers' secret key: an app built in the test process with it signs cookies they accept.
SECRET_KEY = "server-test-secret-" + "y" * 32


@dataclass
class ServerProcess:
    url: str
    port: int
    process: subprocess.Popen
    log_path: Path
    env: dict | None = None

    def flask(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        """Run `flask --app game_server ARGS` against this server's database and settings."""
        return subprocess.run(
            [str(Path(sys.executable).parent / "flask"), "--app", "game_server", *args],
            env=self.env,
            cwd=ROOT,
            input=input,
            text=True,
            capture_output=True,
            check=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        """gunicorn's worker processes: they, not the master, answer the requests."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def kill_hard(self) -> None:
        """SIGKILL the worker that served the requests, then the master, with no clean-up:
        what a power cut or the kernel's OOM killer does."""
        os.kill(self.process.pid, signal.SIGSTOP)  # frozen, the master cannot respawn one
        for worker in self.worker_pids():
            os.kill(worker, signal.SIGKILL)
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_server(
    database_url: str,
    instance_path: Path,
    *,
    redis_url: str | None = None,
    env: dict | None = None,
    migrate: bool = True,
    quests_path: Path | None = None,
) -> ServerProcess:
    """Start `gunicorn -k gevent -w 1 game_server.wsgi:app` on a free port; wait for /healthz."""
    port = free_port()
    environment = {
        **os.environ,
        "GAME_ENV": "test",
        "GAME_DATABASE_URL": database_url,
        "GAME_INSTANCE_PATH": str(instance_path),
        "GAME_QUESTS_PATH": str(quests_path or ROOT / "tests" / "content" / "library"),
        "GAME_SECRET_KEY": SECRET_KEY,
        "GAME_REDIS_URL": redis_url or "",
        "PORT": str(port),
        **(env or {}),
    }
    bin_dir = Path(sys.executable).parent
    if migrate:
        subprocess.run(
            [str(bin_dir / "flask"), "--app", "game_server", "db", "upgrade"],
            env=environment,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    instance_path.mkdir(parents=True, exist_ok=True)
    log_path = instance_path / f"server-{port}.log"
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "-k",
            "gevent",
            "-w",
            "1",
            "--worker-connections",
            "4000",
            "-b",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "2",
            "game_server.wsgi:app",
        ],
        env=environment,
        cwd=ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    server = ServerProcess(f"http://127.0.0.1:{port}", port, process, log_path, environment)
    try:
        _wait_until_healthy(server)
    except BaseException:
        server.stop()  # never leave a server running behind a failed start
        raise
    return server


def _wait_until_healthy(server: ServerProcess) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=3).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or the worker still booting
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not become healthy:\n{server.log()}")
