"""The preview's view of the library: each file or draft with its own problems, checked
against the files around it, read again when it changes on disk."""

import os
import shutil
from pathlib import Path

import pytest

from game_server.content.drafts import PASTED_NAME, LibraryFiles

LIBRARY = Path(__file__).parent / "library"
DRAFT = """\
kind: quest
schema_version: 1
id: new-draft
title: {nl: Nieuw, en: New}
summary: {nl: Een nieuwe quest., en: A new quest.}
competencies: {reflecting: 5}
minutes: 5
steps:
  - id: hello
    type: info
    prompt: {nl: Hallo., en: Hello.}
"""


@pytest.fixture
def library(tmp_path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(LIBRARY, root)
    return root


def _lines(checked) -> list[str]:
    return [str(p) for p in checked.problems]


def test_a_good_draft_is_a_quest_to_play():
    checked = LibraryFiles(LIBRARY).check_draft(DRAFT)
    assert checked.problems == ()
    assert checked.quest.id == "new-draft"
    assert checked.name == PASTED_NAME


def test_a_broken_draft_names_the_line_column_and_what_to_write():
    broken = DRAFT.replace("minutes: 5", "minutes: 55").replace("type: info", "type: infoo")
    checked = LibraryFiles(LIBRARY).check_draft(broken)
    assert checked.quest is None
    assert _lines(checked) == [
        "draft.yaml:7:10: minutes: a quest takes 5 to 20 minutes; split a longer quest in two",
        "draft.yaml:10:11: steps[0].type: type must be one of: action, cards, choice, contact, "
        "info, occupation, peer, poll, quiz, reflection, scale, short",
    ]


def test_a_draft_that_is_not_yaml_says_where_reading_stopped():
    checked = LibraryFiles(LIBRARY).check_draft("kind: quest\nid: [oops\n")
    assert checked.quest is None
    (problem,) = checked.problems
    assert (problem.file, problem.line) == ("draft.yaml", 3)


def test_a_draft_is_checked_against_the_other_files():
    needs = DRAFT.replace("steps:", "requires: [no-such-quest, open-to-all]\nsteps:")
    checked = LibraryFiles(LIBRARY).check_draft(needs)
    assert _lines(checked) == [
        "draft.yaml:8:12: requires[0]: there is no quest `no-such-quest`; use the id of an "
        "existing quest"
    ]


def test_a_draft_of_a_library_file_replaces_it_and_keeps_its_name():
    files = LibraryFiles(LIBRARY)
    original = files.check_file("open-to-all.yaml")
    # Its own id is no clash with the file it replaces; its name still binds the id.
    same = files.check_draft(original.text, original.name)
    assert same.problems == () and same.quest.id == "open-to-all"
    renamed = files.check_draft(
        original.text.replace("id: open-to-all", "id: other"), original.name
    )
    assert [p.field for p in renamed.problems] == ["id"]
    assert "write `id: open-to-all` or rename the file" in renamed.problems[0].message


def test_a_pasted_draft_with_the_id_of_a_quest_is_a_new_version_of_it():
    checked = LibraryFiles(LIBRARY).check_draft(DRAFT.replace("new-draft", "open-to-all"))
    assert checked.problems == ()
    assert checked.replaces == "library/open-to-all.yaml"
    assert LibraryFiles(LIBRARY).check_draft(DRAFT).replaces is None


def test_every_file_of_the_library_is_listed_with_its_problems(library):
    (library / "open-to-all.yaml").write_text(
        LIBRARY.joinpath("open-to-all.yaml").read_text().replace("minutes: 5", "minutes: 99")
    )
    overview = {c.library_path: c for c in LibraryFiles(library).overview()}
    assert set(overview) == {p.relative_to(library).as_posix() for p in library.rglob("*.yaml")}
    assert [p.field for p in overview["open-to-all.yaml"].problems] == ["minutes"]
    # The badge that counts that quest now points at a quest the library cannot load.
    assert overview["every-step.yaml"].problems == ()
    assert overview["badges/first-quest.yaml"].kind == "badge"


def test_a_change_on_disk_shows_at_the_next_look(library):
    files = LibraryFiles(library)
    assert files.check_file("open-to-all.yaml").problems == ()
    path = library / "open-to-all.yaml"
    path.write_text(path.read_text().replace("minutes: 5", "minutes: 99"))
    stat = path.stat()  # the same second on a coarse clock: make the change visible
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert [p.field for p in files.check_file("open-to-all.yaml").problems] == ["minutes"]


@pytest.mark.parametrize(
    "name", ["../library/open-to-all.yaml", "/etc/passwd", "badges/../open-to-all.yaml", ""]
)
def test_a_name_outside_the_library_is_no_file(name):
    assert LibraryFiles(LIBRARY).check_file(name) is None
