"""The occupation step in a live session, on a real server with the starter library and
python-socketio phones: every phone gets the same real jobs to pick from, a name typed with a
typo still finds its job, a name that matches nothing is refused in the phone's language, and
the screen shows which jobs the room would like (never who picked them)."""

from pathlib import Path

import pytest

from ..servers import start_server
from .live_clients import coach_token, guest_token, new_id, screen, start_session

pytestmark = pytest.mark.server

QUESTS = Path(__file__).resolve().parents[2] / "quests"
SOLAR = "75b63949-1b93-4bf2-a777-ccf978dc3e8a"  # monteur zonnepanelen
BUS = "00cee175-1376-43fb-9f02-ba3d7a910a58"  # buschauffeur


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("live-jobs")
    process = start_server(f"sqlite:///{instance}/jobs.db", instance, quests_path=QUESTS)
    yield process
    process.stop()


def _answer(phone, code, form):
    sent = {"code": code, "step_id": "wish-job", "form": form, "client_id": new_id()}
    return phone.call("live:answer", sent)


def test_the_room_picks_real_jobs_and_the_screen_shows_which(server):
    token = coach_token(server)
    code = start_session(server, token, quest_id="my-job-in-five-years")
    host = screen(server, token)
    names = ("Ayla", "Bram", "Cem", "Dirk")
    phones = [screen(server, guest_token(server, name)) for name in names]
    try:
        assert host.call("live:host", {"code": code})["ok"]
        for phone in phones:
            assert phone.call("live:join", {"code": code, "client_id": new_id()})["ok"]
        step = None
        while step is None or step["id"] != "wish-job":
            opened = host.call("live:next", {"code": code, "client_id": new_id()})
            assert opened["ok"], opened
            step = opened["state"]["step"]
        assert step["type"] == "occupation"
        for phone in phones:
            sent = phone.wait_for("live:step", lambda d: d["step"]["id"] == "wish-job")
            offered = {o["id"]: o["label"] for o in sent["step"]["options"]}
            assert offered[SOLAR] == "monteur zonnepanelen" and offered[BUS] == "buschauffeur"
        assert _answer(phones[0], code, {"occupation": [SOLAR]})["ok"]
        assert _answer(phones[1], code, {"occupation": [SOLAR, BUS]})["ok"]
        typo = _answer(phones[2], code, {"occupation_query": ["buschaufeur"]})
        assert typo["ok"], typo
        nonsense = _answer(phones[3], code, {"occupation_query": ["qqqxxxzzz"]})
        assert not nonsense["ok"] and nonsense["error"]["code"] == "invalid_input"
        assert nonsense["error"]["message"].startswith("We vonden de baan")  # the phone's Dutch
        results = host.wait_for(
            "live:results", lambda r: r["step_id"] == "wish-job" and r["total"] == 3
        )
        cloud = {w["word"]: w["count"] for w in results["words"]}
        assert cloud == {"monteur zonnepanelen": 2, "buschauffeur": 2}
        assert not any(name in str(results) for name in names)
    finally:
        for socket in (host, *phones):
            socket.close()
