"""Older content files are upgraded in memory, one function per schema_version bump."""

from game_server.content import upgrades


def test_a_file_of_the_current_version_passes_unchanged():
    data = {"kind": "quest", "schema_version": 1, "id": "x"}
    assert upgrades.upgrade("quest", data) == (data, None)


def test_each_bump_runs_its_own_function_in_order(monkeypatch):
    monkeypatch.setattr(upgrades, "SCHEMA_VERSION", 3)
    monkeypatch.setitem(
        upgrades.UPGRADES,
        "quest",
        {
            1: lambda d: (
                {k: v for k, v in d.items() if k != "duration"} | {"minutes": d["duration"]}
            ),
            2: lambda d: {**d, "modes": ["solo"]},
        },
    )
    data, problem = upgrades.upgrade("quest", {"schema_version": 1, "duration": 10})
    assert problem is None
    assert data == {"schema_version": 3, "minutes": 10, "modes": ["solo"]}


def test_a_version_without_an_upgrade_path_is_a_problem(monkeypatch):
    _data, problem = upgrades.upgrade("quest", {"schema_version": 0})
    assert problem == "schema_version 0 is not known; write `schema_version: 1`"


def test_a_file_from_a_newer_release_asks_for_an_update():
    _data, problem = upgrades.upgrade("badge", {"schema_version": 7})
    assert "update Loopbaan Quest" in problem
