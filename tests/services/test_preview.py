"""The preview's run: the player's checks and branches, step by step, held by the caller."""

from datetime import date
from pathlib import Path

import pytest

from game_server.content.drafts import LibraryFiles
from game_server.services.common.errors import Conflict, InvalidInput
from game_server.services.play import preview
from game_server.services.play.preview import MAX_DRAFT_BYTES

LIBRARY = Path(__file__).resolve().parents[1] / "content" / "library"
TODAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def quest():
    return LibraryFiles(LIBRARY).check_file("every-step.yaml").quest


def _play(quest, answers: dict, run=None):
    run = run or preview.start(quest)
    for step_id, value in answers.items():
        run = preview.answer(quest, run, step_id=step_id, value=value, today=TODAY)
    return run


BEFORE_BRANCHES = {"welcome": None, "values": ["freedom", "security"]}


def test_a_preview_starts_at_the_first_step_with_the_players_view(quest):
    view = preview.view(quest, preview.start(quest), "en")
    assert (view.step.id, view.step.prompt, view.status) == ("welcome", "Welcome.", "active")
    assert (view.progress.done, view.progress.total, view.can_go_back) == (0, 7, False)


def test_an_answer_is_checked_as_in_real_play(quest):
    run = _play(quest, {"welcome": None})
    with pytest.raises(InvalidInput) as refused:
        preview.answer(quest, run, step_id="values", value=["freedom"], today=TODAY)
    assert refused.value.template == "Choose %(min)d to %(max)d."


def test_only_the_step_on_screen_can_be_answered(quest):
    with pytest.raises(Conflict):
        preview.answer(quest, preview.start(quest), step_id="why", value="a b c", today=TODAY)


def test_a_branch_opens_on_an_earlier_answer(quest):
    run = _play(quest, {**BEFORE_BRANCHES, "scan": {"help": 5, "alone": 1, "fix": 2}})
    run = _play(quest, {"why": "ik wil vrij zijn"}, run)
    assert run.current == "free"


def test_going_back_shows_the_answer_and_a_changed_one_closes_its_branch(quest):
    run = _play(quest, {**BEFORE_BRANCHES, "scan": {"help": 3, "alone": 3, "fix": 3}})
    run = _play(quest, {"why": "ik wil vrij zijn", "free": "zelf kiezen"}, run)
    for _ in range(4):  # vote, free, why, scan: back to values
        run = preview.back(quest, run)
    assert preview.view(quest, run, "nl").step.answer == ["freedom", "security"]
    run = preview.answer(quest, run, step_id="values", value=["money", "security"], today=TODAY)
    assert "free" not in run.answers


def test_the_last_answer_completes_with_the_quests_xp_and_results(quest):
    run = _play(
        quest,
        {
            **BEFORE_BRANCHES,
            "scan": {"help": 3, "alone": 3, "fix": 3},
            "why": "ik wil vrij zijn",
            "free": "zelf kiezen",
            "vote": ["time"],
            "talk": {"who": "mijn planner", "learned": "nieuwe routes"},
            "plan": {"text": "bellen", "due": "2026-03-20"},
        },
    )
    view = preview.view(quest, run, "nl")
    assert view.status == "completed" and view.step is None
    assert view.xp_gained == {"reflecting": 10, "exploring": 5}
    payoff = preview.payoff(quest, run, "nl")
    assert [(bar.competency, bar.gained) for bar in payoff.bars] == [
        ("reflecting", 10),
        ("exploring", 5),
    ]
    assert payoff.results  # the choice and the scale show on the finish screen


def test_a_step_gone_from_the_file_is_replaced_by_the_next_to_answer(quest):
    run = preview.PreviewRun(answers={"welcome": None}, current="no-longer-there")
    assert preview.view(quest, run, "nl").step.id == "values"


def test_a_draft_too_large_is_refused_with_its_size():
    with pytest.raises(InvalidInput) as refused:
        preview.draft_from_text("#" * (MAX_DRAFT_BYTES + 1))
    assert refused.value.params == {"size": 201, "limit": 200}
    assert preview.draft_from_text("#" * MAX_DRAFT_BYTES)


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n"),
        ("quest.txt", b"kind: quest\n"),
        ("quest.yaml", b"\xff\xfe k\x00i\x00"),
        ("quest.yaml", b"kind: quest\x00\n"),
    ],
)
def test_an_upload_that_is_no_yaml_text_is_refused(filename, data):
    with pytest.raises(InvalidInput) as refused:
        preview.draft_from_upload(filename, data)
    assert refused.value.field == "upload"


def test_an_upload_of_yaml_text_is_its_draft():
    assert preview.draft_from_upload("Quest.YML", b"kind: quest\r\n") == "kind: quest\n"
    assert preview.upload_name("C:\\Users\\me\\my-quest.yaml") == "my-quest.yaml"


def test_every_quest_of_the_starter_library_plays_to_the_end_in_the_preview():
    files = LibraryFiles(Path(__file__).resolve().parents[2] / "quests")
    quests = [checked.quest for checked in files.overview() if checked.kind == "quest"]
    assert quests and all(quests)  # every quest file loads without problems
    for quest in quests:
        run = preview.start(quest)
        for _ in quest.steps:
            if run.completed:
                break
            step = quest.step(run.current)
            value = step.example_answer(TODAY)
            run = preview.answer(quest, run, step_id=step.id, value=value, today=TODAY)
        assert preview.view(quest, run, "en").status == "completed", quest.id
        assert preview.payoff(quest, run, "en").bars, quest.id
