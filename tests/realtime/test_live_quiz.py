"""A quiz question and a word cloud in a live session, on a real server with python-socketio
clients: the phones never get the right answer before the host shows it, and then the room
hears it with its score (how many got it right, never who); short answers people chose to
show stay whole phrases on the screen, and the phones vote for them."""

import shutil
from pathlib import Path

import pytest

from ..servers import start_server
from .live_clients import coach_token, guest_token, new_id, screen, start_session

pytestmark = pytest.mark.server

LIBRARY = Path(__file__).resolve().parents[1] / "content" / "library"
QUIZ_QUEST = """\
kind: quest
schema_version: 1
id: depot-quiz
title: {nl: De depotquiz, en: The depot quiz}
summary: {nl: Drie vragen met de ploeg., en: Three questions with the crew.}
competencies: {exploring: 10}
minutes: 5
modes: [live]
public: true
steps:
  - id: budget
    type: quiz
    prompt: {nl: Wie betaalt een cursus vaak mee?, en: Who often helps pay for a course?}
    seconds: 20
    options:
      - {id: fund, label: {nl: Het sectorfonds, en: The sector fund}, correct: true}
      - {id: nobody, label: {nl: Niemand, en: Nobody}}
    explain:
      nl: Veel sectoren hebben een fonds voor scholing.
      en: Many sectors have a training fund.
  - id: wish
    type: poll
    prompt: {nl: Wat wil je leren?, en: What do you want to learn?}
    options:
      - {id: driving, label: {nl: Rijden, en: Driving}}
      - {id: planning, label: {nl: Plannen, en: Planning}}
  - id: job
    type: short
    prompt: {nl: Welk werk lijkt je leuk?, en: What work seems fun to you?}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("quiz")
    library = instance / "library"
    shutil.copytree(LIBRARY, library)
    (library / "depot-quiz.yaml").write_text(QUIZ_QUEST, encoding="utf-8")
    process = start_server(f"sqlite:///{instance}/quiz.db", instance, quests_path=library)
    yield process
    process.stop()


def test_the_host_reveals_the_answer_and_the_room_hears_its_score(server):
    token = coach_token(server)
    code = start_session(server, token, quest_id="depot-quiz")
    host = screen(server, token)
    phones = [screen(server, guest_token(server, name)) for name in ("Ayla", "Bram", "Cem")]
    try:
        assert host.call("live:host", {"code": code})["ok"]
        for phone in phones:
            assert phone.call("live:join", {"code": code, "client_id": new_id()})["ok"]
        opened = host.call("live:next", {"code": code, "client_id": new_id()})
        step = opened["state"]["step"]
        assert step["type"] == "quiz" and step["seconds"] == 20 and step["revealable"]
        for phone in phones:
            sent = phone.wait_for("live:step", lambda d: d["index"] == 0)
            assert "correct" not in str(sent), "a phone got the right answer before the reveal"
        for phone, choice in zip(phones, ("fund", "fund", "nobody"), strict=True):
            ack = phone.call(
                "live:answer",
                {
                    "code": code,
                    "step_id": "budget",
                    "form": {"option": [choice]},
                    "client_id": new_id(),
                },
            )
            assert ack["ok"], ack
        shown = host.call("live:reveal", {"code": code, "client_id": new_id()})
        assert shown["ok"], shown
        reveal = shown["reveal"]["nl"]
        assert reveal["correct"] == ["fund"] and reveal["labels"] == ["Het sectorfonds"]
        assert (reveal["right"], reveal["total"]) == (2, 3)
        assert reveal["explain"].startswith("Veel sectoren")
        for phone in phones:
            heard = phone.wait_for("live:reveal")
            assert heard["step_id"] == "budget" and heard["reveal"]["en"]["right"] == 2
            assert "Ayla" not in str(heard) and "Bram" not in str(heard)  # the room, not who
        # A step without a right answer has nothing to show.
        assert host.call("live:next", {"code": code, "client_id": new_id()})["ok"]
        refused = host.call("live:reveal", {"code": code, "client_id": new_id()})
        assert not refused["ok"] and refused["error"]["code"] == "conflict"
        assert (
            refused["error"]["message"] == "Deze vraag heeft geen goed antwoord om te laten zien."
        )
    finally:
        for socket in (host, *phones):
            socket.close()


def test_shared_short_answers_stay_whole_and_the_phones_vote_for_them(server):
    token = coach_token(server)
    code = start_session(server, token, quest_id="depot-quiz")
    host = screen(server, token)
    phones = [screen(server, guest_token(server, name)) for name in ("Ayla", "Bram", "Cem", "Dirk")]
    try:
        assert host.call("live:host", {"code": code})["ok"]
        for phone in phones:
            assert phone.call("live:join", {"code": code, "client_id": new_id()})["ok"]
        for _ in range(3):
            assert host.call("live:next", {"code": code, "client_id": new_id()})["ok"]
        answers = [("Planner", True), ("  planner ", True), ("Monteur bij de bus", True)]
        answers.append(("geheim van dirk", False))
        for phone, (text, share) in zip(phones, answers, strict=True):
            sent = {"code": code, "step_id": "job", "form": {"text": [text]}, "share": share}
            assert phone.call("live:answer", {**sent, "client_id": new_id()})["ok"]
        results = host.wait_for("live:results", lambda r: r["step_id"] == "job" and r["total"] == 4)
        assert results["votable"]
        cloud = {w["word"]: w for w in results["words"]}
        assert set(cloud) == {"Planner", "Monteur bij de bus"}  # whole, merged, never the secret
        assert cloud["Planner"]["count"] == 2 and cloud["Monteur bij de bus"]["count"] == 1
        key = cloud["Monteur bij de bus"]["key"]
        vote = {"code": code, "step_id": "job", "key": key}
        assert phones[3].call("live:vote", {**vote, "client_id": new_id()})["counted"]
        assert not phones[3].call("live:vote", {**vote, "client_id": new_id()})["counted"]
        assert phones[0].call("live:vote", {**vote, "client_id": new_id()})["counted"]
        voted = host.wait_for(
            "live:results",
            lambda r: r["step_id"] == "job" and any(w.get("votes") == 2 for w in r["words"]),
        )
        assert voted["words"][0]["word"] == "Monteur bij de bus"  # 1 + 2 votes: now on top
        unknown = phones[1].call("live:vote", {**vote, "key": "0" * 32, "client_id": new_id()})
        assert not unknown["ok"] and unknown["error"]["code"] == "not_found"
    finally:
        for socket in (host, *phones):
            socket.close()
