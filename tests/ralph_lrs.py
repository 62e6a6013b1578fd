"""Ralph, a real learning record store (ralph-malph on PyPI), on a free port for the tests.

It runs its `fs` backend in a folder of the test's, checks every statement it is sent
against the xAPI specification (a statement it refuses is a bug of ours), and keeps them,
so a test reads back what arrived. Run as a script, this module is the server process.

One setting differs from `ralph runserver`: its fs backend creates its statements file on
the first write and refuses every later one ("already exists and overwrite is not
allowed"), so an LRS that is sent statements twice would fail on the second batch. Writing
in append mode is what a real store does; nothing else about Ralph is changed.
"""

import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

USERNAME, PASSWORD = "lq", "s3cret"
XAPI_VERSION = "1.0.3"


class RalphLrs:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.root = f"http://127.0.0.1:{port}"
        self.url = f"{self.root}/xAPI"  # what an admin connects (the platform adds /statements)
        self.process: subprocess.Popen | None = None
        folder.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_AUTH_FILE": str(folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "statements"),
        }
        (folder / "statements").mkdir(exist_ok=True)
        if not (folder / "auth.json").exists():
            # Ralph's own command writes the basic-auth account (a bcrypt hash).
            subprocess.run(
                [
                    str(Path(sys.executable).parent / "ralph"),
                    "auth",
                    "--username",
                    USERNAME,
                    "--password",
                    PASSWORD,
                    "--scope",
                    "all",
                    "--agent-ifi-account",
                    USERNAME,
                    "http://localhost/",
                    "--write-to-disk",
                ],
                env=self.env,
                check=True,
                capture_output=True,
            )

    def start(self) -> "RalphLrs":
        log = (self.folder / f"ralph-{self.port}.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.root}/__heartbeat__", timeout=2):  # noqa: S310
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Ralph did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in self.folder.glob("ralph-*.log")
        )

    def _request(self, method: str, path: str, body=None) -> tuple[int, object]:
        credentials = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 (our own loopback server)
            f"{self.url}{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={
                "Authorization": f"Basic {credentials}",
                "X-Experience-API-Version": XAPI_VERSION,
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def post(self, statements: list[dict]) -> tuple[int, object]:
        """Send statements as any client would (to validate them, or to plant one)."""
        return self._request("POST", "/statements", statements)

    def statements(self, account_name: str | None = None) -> list[dict]:
        """What the store holds (of one actor's account, if named)."""
        found, path = [], "/statements?limit=500"
        while path:
            status, page = self._request("GET", path)
            assert status == 200, page
            found += page["statements"]
            more = page.get("more")
            path = more.removeprefix("/xAPI") if more else None
        if account_name is None:
            return found
        return [s for s in found if s["actor"].get("account", {}).get("name") == account_name]


def _serve(port: int) -> None:
    import uvicorn
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
