"""Sharing with the group is announced where it happens: the group hears the answer, and a
badge earned by sharing reaches the sharer's sockets (no door announced it before). Sharing
the same answer again changes nothing, so it announces nothing."""

import shutil

import pytest

from game_server import create_app
from game_server.db import get_engine
from game_server.extensions import socketio

from ..conftest import TEST_LIBRARY, make_settings
from ..factories import GroupPlayer, bearer_for, make_group, make_user

SHARER = """kind: badge
schema_version: 1
id: sharer
title: {nl: Deler, en: Sharer}
description: {nl: Een antwoord gedeeld., en: Shared an answer.}
criteria:
  shared_reflections: 1
"""


@pytest.fixture
def app(tmp_path, sqlite_url):
    library = tmp_path / "library"
    shutil.copytree(TEST_LIBRARY, library)
    (library / "badges" / "sharer.yaml").write_text(SHARER, encoding="utf-8")
    app = create_app(make_settings(tmp_path, sqlite_url, quests_path=library))
    app.config["TESTING"] = True
    yield app
    get_engine(app).dispose()


def _socket(app, user):
    token = bearer_for(app, user)["Authorization"].removeprefix("Bearer ")
    return socketio.test_client(app, auth={"token": token})


def _heard(socket, name: str) -> list[dict]:
    return [e["args"][0] for e in socket.get_received() if e["name"] == name]


def test_sharing_announces_the_answer_to_the_group_and_the_badge_to_the_sharer(app):
    anna, bram = make_user(app), make_user(app)
    group_id = make_group(app, anna, bram)
    player = GroupPlayer(app.test_client(), app, anna, group_id)
    player.start()
    player.play_until("vote")  # the reflection `why` is answered, not shared
    mine, theirs = _socket(app, anna), _socket(app, bram)
    assert theirs.emit("group:enter", {"group_id": group_id}, callback=True)["ok"]
    theirs.get_received()  # what entering the room said (presence)
    mine.get_received()

    player.share(player.answer_id("why"))
    assert [b["badge_id"] for b in _heard(mine, "badge:awarded")] == ["sharer"]
    shared = [a for a in _heard(theirs, "group:activity") if a["kind"] == "answer_shared"]
    assert len(shared) == 1 and shared[0]["text"] == "Zekerheid telt voor mij."

    player.share(player.answer_id("why"))  # again: already shared
    assert _heard(mine, "badge:awarded") == []
    assert [a for a in _heard(theirs, "group:activity") if a["kind"] == "answer_shared"] == []
    for socket in (mine, theirs):
        socket.disconnect()
