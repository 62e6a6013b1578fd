"""The starter library in quests/: valid, complete, and every quest playable to the end."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from game_server.content.json_schema import content_json_schema
from game_server.content.loader import load_library
from game_server.content.schema import Competency

from ..conftest import make_settings
from ..factories import bearer_for, make_user

ROOT = Path(__file__).resolve().parent.parent.parent
QUESTS = ROOT / "quests"
LIBRARY = load_library(QUESTS)


def main_competency(quest) -> str:
    return max(quest.competencies.items(), key=lambda item: item[1])[0]


def test_quests_validate_is_clean_on_the_library():
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "game_server", "quests", "validate", "--strict"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_the_library_has_what_the_starter_set_promises():
    quests = LIBRARY.quests.values()
    assert len(LIBRARY.quests) >= 20
    per_competency = Counter(main_competency(q) for q in quests)
    assert all(per_competency[c] >= 4 for c in Competency), per_competency
    assert sum(1 for q in quests if {"group", "live"} <= set(q.modes)) >= 4
    assert len(LIBRARY.tracks) >= 2
    assert len(LIBRARY.badges) >= 8
    assert any(q.public for q in quests)


def test_the_self_scan_has_four_statements_per_competency():
    scan = next(s for s in LIBRARY.quests["self-scan"].steps if s.type == "scale")
    assert {d.id for d in scan.dimensions} == {c.value for c in Competency}
    per_dimension = Counter(item.dimension for item in scan.items)
    assert per_dimension == {c.value: 4 for c in Competency}
    # Item ids are how growth is compared across versions: they must stay as they are.
    assert sorted(item.id for item in scan.items) == sorted(
        f"{c.value}-{n}" for c in Competency for n in range(1, 5)
    )


def test_the_interest_exploration_scores_six_areas():
    scale = next(s for s in LIBRARY.quests["interest-profile"].steps if s.type == "scale")
    assert len(scale.dimensions) == 6


def test_schema_json_is_up_to_date():
    stored = json.loads((QUESTS / "schema.json").read_text(encoding="utf-8"))
    assert stored == content_json_schema(), (
        "run: flask --app game_server quests schema > quests/schema.json"
    )


def answer_for(step: dict, strategy: str):
    """A valid answer for any step type; 'high' and 'low' take different branches."""
    high = strategy == "high"
    kind = step["type"]
    if kind == "info":
        return None
    # An occupation step: its suggested jobs; a card sort: its cards (all of them in order
    # mode, where min is the number of cards); a quiz: one option, right or wrong.
    if kind in ("choice", "poll", "occupation", "cards", "quiz"):
        options = [o["id"] for o in step["options"]]
        count = max(step["min"], 1)
        return options[:count] if high else options[-count:]
    if kind == "scale":
        return {item["id"]: 5 if high else 1 for item in step["items"]}
    if kind == "reflection":
        return " ".join(["Ik", "denk", "hier", "goed", "over", "na"] * (step["min_words"] // 6 + 1))
    if kind == "short":
        return "Met mensen werken"
    if kind == "action":
        return {"text": "Ik bel mijn teamleider.", "due": step["default_due"]}
    if kind == "contact":
        return {"who": "Mijn planner", "learned": "Wat er verandert op de route."}
    raise AssertionError(f"no answer for step type {kind}")


def play(client, headers, quest_id: str, strategy: str) -> dict:
    run = client.post(f"/api/v1/quests/{quest_id}/runs", headers=headers).get_json()
    assert "run_id" in run, run
    for _ in range(60):
        if run["status"] != "active":
            break
        step = run["step"]
        response = client.post(
            f"/api/v1/runs/{run['run_id']}/answers",
            json={"step_id": step["id"], "value": answer_for(step, strategy)},
            headers=headers,
        )
        assert response.status_code == 200, (quest_id, step["id"], response.get_json())
        run = response.get_json()
    return run


@pytest.fixture(scope="module")
def library_app(tmp_path_factory, sqlite_template_module):
    import shutil

    from game_server import create_app
    from game_server.db import get_engine

    tmp = tmp_path_factory.mktemp("starter")
    shutil.copy(sqlite_template_module, tmp / "game.db")
    app = create_app(make_settings(tmp, f"sqlite:///{tmp / 'game.db'}", quests_path=QUESTS))
    yield app
    get_engine(app).dispose()


@pytest.fixture(scope="module")
def sqlite_template_module(tmp_path_factory):
    from game_server.db import upgrade_database

    path = tmp_path_factory.mktemp("starter-template") / "template.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.mark.parametrize("strategy", ["high", "low"])
@pytest.mark.parametrize("quest_id", sorted(LIBRARY.quests))
def test_a_worker_plays_every_starter_quest_to_the_end(library_app, quest_id, strategy):
    client = library_app.test_client()
    headers = bearer_for(library_app, make_user(library_app))
    for required in LIBRARY.quests[quest_id].requires:
        assert play(client, headers, required, strategy)["status"] == "completed"
    run = play(client, headers, quest_id, strategy)
    assert run["status"] == "completed"
    assert run["progress"]["done"] == run["progress"]["total"]
    assert run["xp_gained"] == {
        str(c): xp for c, xp in LIBRARY.quests[quest_id].competencies.items() if xp
    }
