"""Schemathesis against the real server, as anonymous, a worker, a coach, a fund member and
an editor.

Every response must be documented in /api/v1/openapi.json (status, content type, schema, no
5xx), and input that breaks the documented schema must be refused (no validation bypass).
CI runs a small, seeded form; `make fuzz-api` runs the same with many more examples:

    GAME_FUZZ_EXAMPLES=100 GAME_FUZZ_PHASES=examples,coverage,fuzzing,stateful pytest tests/fuzz
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from game_server import create_app
from game_server.db import get_engine, upgrade_database

from ..conftest import create_postgres_database, drop_postgres_database, make_settings
from ..servers import start_server
from .world import World, build_world

ROLES = ("anonymous", "worker", "coach", "fund", "editor")
MAX_EXAMPLES = int(os.environ.get("GAME_FUZZ_EXAMPLES", "2"))
DATABASE = os.environ.get("GAME_FUZZ_DATABASE", "sqlite")
SEED = int(os.environ.get("GAME_FUZZ_SEED", "20261130"))
# CI: the coverage phase (every boundary value and undeclared method: thousands of requests)
# only as anonymous, where most answers are a quick 401; the fuzzing phase for every role.
PHASES = os.environ.get("GAME_FUZZ_PHASES")
CI_PHASES = {"anonymous": "coverage,fuzzing"}
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "ignored_auth",
)
# Operations that end what the others need, fuzzed after them in rounds of their own: first
# those that end a seeded record (leaving the group, withdrawing the coach link, abandoning
# the run), last those that erase the caller or revoke the token every call rides on.
ENDINGS = (
    {
        ("post", "/api/v1/groups/{group_id}/leave"),
        ("delete", "/api/v1/groups/{group_id}/members/{user_id}"),
        ("delete", "/api/v1/me/coaches/{link_id}"),
        ("post", "/api/v1/runs/{run_id}/abandon"),
    },
    {("delete", "/api/v1/me"), ("delete", "/api/v1/auth/token")},
)
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory, sqlite_template):
    """One real server with a world of records for each role to fuzz: on SQLite (CI), or on
    PostgreSQL with GAME_FUZZ_DATABASE=postgresql (`make fuzz-api` can do both)."""
    base = tmp_path_factory.mktemp("fuzz")
    if DATABASE == "postgresql":
        url = create_postgres_database("lq_fuzz")
        upgrade_database(url)
    else:
        database = base / "game.db"
        shutil.copy(sqlite_template, database)
        url = f"sqlite:///{database}"
    app = create_app(make_settings(base, url))
    worlds = {role: build_world(app, role) for role in ROLES}
    get_engine(app).dispose()  # the server is the only one writing from here on
    server = start_server(url, base / "server", migrate=False)
    yield server, worlds
    server.stop()
    if DATABASE == "postgresql":
        drop_postgres_database(url)


def _config(path: Path, world: World, signed_in_operations: list[str]) -> Path:
    lines = [
        # A refusal of schema-breaking input: schemathesis' own list, plus 414, which gunicorn
        # answers (documented) when many query values make the request line too long.
        "[checks.negative_data_rejection]",
        'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "414", "415",'
        ' "422", "428", "429", "5xx"]',
        "[parameters]",
    ]
    for name, value in world.path.items():
        rendered = value if isinstance(value, int) else f'"{value}"'
        lines.append(f'"path.{name}" = {rendered}')
    if not world.headers and signed_in_operations:
        # Anonymous gets a quick 401 from these whatever the input: fuzz them, but spend the
        # coverage phase's thousands of boundary cases on the public operations.
        lines += [
            "[[operations]]",
            f"include-operation-id = {json.dumps(signed_in_operations)}",
            "phases.coverage.enabled = false",
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _operations(url: str) -> dict[tuple[str, str], dict]:
    paths = requests.get(f"{url}/api/v1/openapi.json", timeout=30).json()["paths"]
    return {(m, path): op for path, ops in paths.items() for m, op in ops.items()}


def _schemathesis(server, role: str, config: Path, headers: dict, *selection: str):
    """Run in the config's folder: schemathesis keeps a cache (.schemathesis/) where it runs."""
    command = [
        str(SCHEMATHESIS),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{server.url}/api/v1/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        PHASES or CI_PHASES.get(role, "fuzzing"),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--request-timeout",
        "60",
        # Hypothesis' too_slow is a timing threshold; this machine is shared and noisy.
        "--suppress-health-check",
        "too_slow",
        *[f"--header=Authorization: {value}" for value in headers.values()],
        *selection,
    ]
    # Bounded by the test's pytest timeout in CI; `make fuzz-api` lifts it.
    return subprocess.run(command, capture_output=True, text=True, cwd=config.parent)


@pytest.mark.server
@pytest.mark.timeout(900)
@pytest.mark.parametrize("role", ROLES)
def test_the_api_answers_every_role_as_documented(fuzzed_server, role, tmp_path):
    server, worlds = fuzzed_server
    world = worlds[role]
    operations = _operations(server.url)
    signed_in = sorted(op["operationId"] for op in operations.values() if "security" in op)
    config = _config(tmp_path / "schemathesis.toml", world, signed_in)
    rounds = [[operations[pair]["operationId"] for pair in sorted(ending)] for ending in ENDINGS]
    later = [f"--exclude-operation-id={o}" for o in sum(rounds, [])]
    runs = [_schemathesis(server, role, config, world.headers, *later)]
    for ending in rounds:
        included = [f"--include-operation-id={o}" for o in ending]
        runs.append(_schemathesis(server, role, config, world.headers, *included))
    for number, run in enumerate(runs):
        (tmp_path / f"schemathesis-{number}.txt").write_text(run.stdout)  # the whole story
        assert run.returncode == 0, (
            f"schemathesis as {role}:\n{run.stdout[-20000:]}\n{run.stderr[-3000:]}"
        )
    assert "unhandled error" not in server.log()
