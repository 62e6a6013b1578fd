"""The catalog: reloads edited files in development, and runs keep the version they began on."""

import shutil
import time

import pytest

from game_server.content import catalog as catalog_module
from game_server.content.catalog import CatalogSource
from game_server.content.loader import ContentProblems

from ..conftest import TEST_LIBRARY
from ..factories import bearer_for, make_user


@pytest.fixture
def library(tmp_path):
    target = tmp_path / "quests"
    shutil.copytree(TEST_LIBRARY, target)
    return target


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def no_reload_delay(monkeypatch):
    monkeypatch.setattr(catalog_module, "RELOAD_CHECK_SECONDS", 0.0)


def test_an_edited_file_is_picked_up_when_reloading_is_on(library, no_reload_delay):
    source = CatalogSource(library, auto_reload=True)
    assert source.current().quest("open-to-all").title.nl == "Voor iedereen"
    time.sleep(0.01)
    edit(library / "open-to-all.yaml", "{nl: Voor iedereen,", '{nl: "Voor iedereen, ook jij",')
    assert source.current().quest("open-to-all").title.nl == "Voor iedereen, ook jij"


def test_a_broken_edit_keeps_the_working_catalog(library, no_reload_delay):
    source = CatalogSource(library, auto_reload=True)
    before = source.current()
    edit(library / "open-to-all.yaml", "minutes: 5", "minutes: lots")
    assert source.current() is before


def test_without_reloading_edits_wait_for_a_restart(library, no_reload_delay):
    source = CatalogSource(library, auto_reload=False)
    source.current()
    edit(library / "open-to-all.yaml", "Voor iedereen", "Anders")
    assert source.current().quest("open-to-all").title.nl == "Voor iedereen"


def test_a_broken_library_is_refused_at_first_use(library):
    edit(library / "open-to-all.yaml", "minutes: 5", "minutes: 500")
    with pytest.raises(ContentProblems, match="open-to-all.yaml"):
        CatalogSource(library, auto_reload=False).current()


def test_a_run_in_progress_keeps_the_quest_it_started_with(app_factory, library, no_reload_delay):
    app = app_factory(quests_path=library, content_reload=True)
    client = app.test_client()
    headers = bearer_for(app, make_user(app))
    run = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    client.post(
        f"/api/v1/runs/{run['run_id']}/answers",
        headers=headers,
        json={"step_id": "who", "value": ["family"]},
    )
    # The editor renames the last step and rewords it while the run is open.
    edit(library / "open-to-all.yaml", "id: note", "id: remember")
    edit(library / "open-to-all.yaml", "Wat wil je onthouden?", "Wat neem je mee?")
    assert client.get("/api/v1/quests/open-to-all", headers=headers).status_code == 200
    old = client.get(f"/api/v1/runs/{run['run_id']}", headers=headers).get_json()
    assert old["step"] == {**old["step"], "id": "note", "prompt": "Wat wil je onthouden?"}
    done = client.post(
        f"/api/v1/runs/{run['run_id']}/answers",
        headers=headers,
        json={"step_id": "note", "value": "Mijn zus helpt."},
    ).get_json()
    assert done["status"] == "completed"
    fresh = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    client.post(
        f"/api/v1/runs/{fresh['run_id']}/answers",
        headers=headers,
        json={"step_id": "who", "value": ["family"]},
    )
    new = client.get(f"/api/v1/runs/{fresh['run_id']}", headers=headers).get_json()
    assert new["step"]["id"] == "remember"
    assert new["step"]["prompt"] == "Wat neem je mee?"
