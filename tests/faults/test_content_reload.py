"""A content file is broken while the server runs: a reload keeps the last good catalog and
reports the problem (file and line) to the log, to admins and in /healthz; once the file is
fixed, the next reload serves the new content."""

import shutil
import uuid

import pytest
import requests

from game_server.testing.two_factor_client import api_token

from ..conftest import TEST_LIBRARY
from ..realtime.live_clients import COACH_PASSWORD, guest_token
from ..servers import start_server

pytestmark = pytest.mark.server


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def admin_token(server) -> str:
    email = f"admin-{uuid.uuid4().hex[:8]}@example.nl"
    server.flask("users", "create", email, "--role", "admin", input=f"{COACH_PASSWORD}\n" * 2)
    return api_token(server.url, email, COACH_PASSWORD)  # an admin enrols a second factor


def plays(server, token: str) -> str:
    """Start `open-to-all` and answer its first step; return the quest's title as served."""
    started = requests.post(
        f"{server.url}/api/v1/quests/open-to-all/runs", headers=bearer(token), timeout=10
    )
    assert started.status_code in (200, 201), started.text
    answered = requests.post(
        f"{server.url}/api/v1/runs/{started.json()['run_id']}/answers",
        json={"step_id": "who", "value": ["family"]},
        headers={**bearer(token), "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert answered.status_code == 200, answered.text
    quest = requests.get(f"{server.url}/api/v1/quests/open-to-all", timeout=10)
    return quest.json()["title"]


def test_a_broken_content_file_keeps_the_last_good_catalog_and_is_reported(tmp_path):
    library = tmp_path / "library"
    shutil.copytree(TEST_LIBRARY, library)
    quest_file = library / "open-to-all.yaml"
    good = quest_file.read_text()
    server = start_server(
        f"sqlite:///{tmp_path / 'game.db'}",
        tmp_path / "server",
        quests_path=library,
        # As in production: files are read at start and on request only. (Not GAME_ENV=
        # production itself: its cookies are Secure, and this server speaks plain HTTP.)
        env={"GAME_CONTENT_RELOAD": "0"},
    )
    try:
        admin = admin_token(server)
        reload_url = f"{server.url}/api/v1/admin/content/reload"
        before = requests.get(f"{server.url}/api/v1/admin/content", headers=bearer(admin))
        assert before.status_code == 200 and before.json()["problems"] == []

        broken = good.replace("type: reflection", "type: reflektion")
        assert broken != good
        quest_file.write_text(broken)
        reloaded = requests.post(reload_url, headers=bearer(admin), timeout=30)
        assert reloaded.status_code == 200, reloaded.text
        report = reloaded.json()
        assert report["loaded_at"] == before.json()["loaded_at"]  # still the old catalog
        line = broken.splitlines().index("    type: reflektion") + 1
        where = {(p["file"], p["line"], p["field"]) for p in report["problems"]}
        assert ("library/open-to-all.yaml", line, "steps[1].type") in where, report
        assert f"library/open-to-all.yaml:{line}:" in server.log()
        health = requests.get(f"{server.url}/healthz", timeout=10)
        assert (health.status_code, health.json()["content"]) == (200, "problems")
        player = guest_token(server, "Sam")
        assert plays(server, player) == "Voor iedereen"  # the last good version still plays

        quest_file.write_text(good.replace("Voor iedereen", "Voor iedereen nu"))
        reloaded = requests.post(reload_url, headers=bearer(admin), timeout=30).json()
        assert reloaded["problems"] == [] and reloaded["loaded_at"] > report["loaded_at"]
        assert requests.get(f"{server.url}/healthz", timeout=10).json()["content"] == "ok"
        assert plays(server, guest_token(server, "Kim")) == "Voor iedereen nu"
    finally:
        server.stop()
