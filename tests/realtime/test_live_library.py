"""Every quest of the library that runs live, played through a live session on a real server:
a coach opens it, two phones join as guests and answer every step the session opens (the
quiz questions revealed, as a coach would), the coach ends it, and both phones get the
quest's XP. A quest a live session cannot play to its end fails here, by name."""

import time

import pytest

from game_server.services.together.live import live_steps

from ..content.test_starter_library import LIBRARY, QUESTS, answer_for
from ..servers import start_server
from .live_clients import coach_token, guest_token, new_id, screen, start_session

pytestmark = pytest.mark.server

LIVE_QUESTS = sorted(qid for qid, quest in LIBRARY.quests.items() if "live" in quest.modes)


def send(client, event: str, data: dict) -> dict:
    """Send as the browser does: a refusal for sending too fast (the host clicks through
    steps far faster than any person) is sent again after a pause."""
    for _ in range(20):
        ack = client.call(event, data)
        if ack.get("ok") or ack["error"]["code"] != "rate_limited":
            return ack
        time.sleep(0.25)
    return ack


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("live-library")
    process = start_server(f"sqlite:///{instance}/live.db", instance, quests_path=QUESTS)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def coach(server):
    return coach_token(server)


def test_the_library_has_twenty_live_quests():
    assert len(LIVE_QUESTS) >= 20, LIVE_QUESTS


@pytest.mark.parametrize("quest_id", LIVE_QUESTS)
def test_a_live_session_plays_the_quest_to_its_end(server, coach, quest_id):
    quest = LIBRARY.quests[quest_id]
    code = start_session(server, coach, quest_id=quest_id)
    host = screen(server, coach)
    phones = [screen(server, guest_token(server, name)) for name in ("Ayla", "Bram")]
    try:
        assert host.call("live:host", {"code": code})["ok"]
        for phone in phones:
            assert phone.call("live:join", {"code": code, "client_id": new_id()})["ok"]
        opened = []
        for index in range(len(live_steps(quest))):
            moved = send(host, "live:next", {"code": code, "client_id": new_id()})
            assert moved["ok"], (quest_id, index, moved)
            step = moved["state"]["step"]
            opened.append(step["id"])
            for phone, strategy in zip(phones, ("high", "low"), strict=True):
                value = answer_for(step, strategy)
                if value is None:
                    continue  # a text to read: nothing to send
                ack = send(
                    phone,
                    "live:answer",
                    {"code": code, "step_id": step["id"], "value": value, "client_id": new_id()},
                )
                assert ack["ok"], (quest_id, step["id"], ack)
            if step.get("revealable"):
                assert send(host, "live:reveal", {"code": code, "client_id": new_id()})["ok"]
        assert opened == [s.id for s in live_steps(quest)]
        last = send(host, "live:next", {"code": code, "client_id": new_id()})
        assert last["error"]["code"] == "conflict"  # no step after the last
        ended = send(host, "live:end", {"code": code, "client_id": new_id()})
        assert ended["ok"] and ended["participants"] == 2, ended
        expected = {str(c): xp for c, xp in quest.competencies.items() if xp}
        for phone in phones:
            phone.wait_for("live:ended")
            assert phone.wait_for("xp:gained")["xp"] == expected
    finally:
        for client in (host, *phones):
            client.close()
