"""Broken content files, one kind of mistake per folder, and the exact problems they give.

Each folder under `broken/` is a small library of its own (so the checks across files see
only that case): `broken/<case>/quests/...`. The loader is called as the CLI calls it, with
paths shown relative to the case folder. A few cases are written by the test instead
(a file too big to commit, bytes that are not UTF-8, an invisible control character).

Every expectation is the full list of problem lines, in order, as a content editor sees them.
Cases marked xfail show a message that is missing, unclear or points at the wrong place;
their expectation is what the message should be.
"""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from game_server.content.loader import ContentProblems, load_library
from game_server.content.steps import STEP_TYPES
from game_server.content.yaml_source import MAX_FILE_BYTES

BROKEN = Path(__file__).parent / "broken"

QUEST = """\
kind: quest
schema_version: 1
id: first
title: {nl: Eerste, en: First}
summary: {nl: Een korte quest., en: A short quest.}
competencies: {reflecting: 5}
minutes: 5
steps:
  - id: hello
    type: info
    prompt: {nl: Hallo., en: Hello.}
"""


def _write(case_dir: Path, data: bytes) -> None:
    target = case_dir / "quests" / "first.yaml"
    target.parent.mkdir(parents=True)
    target.write_bytes(data)


def _too_large(case_dir: Path) -> None:
    """A valid quest padded with a comment to exactly 300 KiB."""
    text = QUEST.encode() + b"# "
    _write(case_dir, text + b"x" * (300 * 1024 - len(text) - 1) + b"\n")
    assert (case_dir / "quests" / "first.yaml").stat().st_size > MAX_FILE_BYTES


def _not_utf8(case_dir: Path) -> None:
    """Saved as Latin-1 (Windows-1252) by an old editor: `é` is one byte, 0xE9."""
    _write(case_dir, QUEST.replace("Eerste", "Café").encode("latin-1"))


def _control_character(case_dir: Path) -> None:
    """A vertical tab (Shift+Enter in a word processor), pasted into a prompt."""
    _write(case_dir, QUEST.replace("{nl: Hallo.,", "{nl: Hallo.\x0b,").encode())


# Cases the test writes into tmp_path; every other case is a folder in broken/.
GENERATED: dict[str, Callable[[Path], None]] = {
    "too-large": _too_large,
    "not-utf8": _not_utf8,
    "control-character": _control_character,
}

EXPECTED: dict[str, list[str]] = {
    "anchor-alias": [
        "quests/first.yaml:4:8: anchors (&name) are not allowed; write the text out in full",
        "quests/first.yaml:5:10: aliases (*name) are not allowed; write the text out in full",
    ],
    "at-least-not-a-number": [
        "quests/first.yaml:18:53: steps[1].when.at_least: write a number, like 4",
    ],
    "bad-indentation": [
        "quests/first.yaml:11:13: a colon is in the wrong place: if this line is a new field, indent it like the field above it; if it is text, put the text between quotes",
    ],
    "badge-rule-unknown-field": [
        "quests/badges/started.yaml:8:3: criteria.quest: unknown field `quest`; check the spelling or remove it (see docs/content-guide.md)",
    ],
    "badge-unknown-quest": [
        "quests/badges/started.yaml:9:16: criteria.all[0].quests[0]: there is no quest `frist`; use the id of an existing quest",
    ],
    "badge-unknown-rule": [
        "quests/badges/started.yaml:7:3: criteria: `quests_complete` is not a rule; write exactly one rule: quests_completed, xp, streak_weeks, scan_growth, group_quests, live_sessions, shared_reflections, peer_feedback, all, any",
    ],
    "choice-max-over-options": [
        "quests/first.yaml:12:10: steps[0].max: max (3) is more than the 2 options; lower max or add options",
    ],
    "colon-in-text": [
        "quests/first.yaml:12:17: a colon is in the wrong place: if this line is a new field, indent it like the field above it; if it is text, put the text between quotes",
    ],
    "competency-typo": [
        "quests/first.yaml:6:16: competencies.reflectin: `reflectin` is not allowed here; use one of: reflecting, exploring, steering or networking",
    ],
    "condition-two-kinds": [
        "quests/first.yaml:17:11: steps[1].when: write exactly one of: includes (an option id), dimension (with at_least or at_most), or answered: true",
    ],
    "control-character": [
        "quests/first.yaml:11:24: there is an invisible special character here (U+000B), often pasted from a word processor; delete it",
    ],
    "dimension-never-true": [
        "quests/first.yaml:18:53: steps[1].when.at_least: this step can never show: scores go from 1 to 5; change at_least or at_most",
    ],
    "duplicate-id-across-files": [
        "quests/reflecting/same.yaml:3:5: id: the quest id `same` is also used by quests/exploring/same.yaml; choose another id and rename this file to match",
    ],
    "duplicate-key": [
        "quests/first.yaml:8:1: the key `minutes` appears twice here; keep one",
    ],
    "duplicate-option-ids": [
        "quests/first.yaml:14:14: steps[0].options[1].id: two options have the id `freedom`; give each option its own id",
    ],
    "duplicate-step-ids": [
        "quests/first.yaml:12:9: steps[1].id: step id `hello` is already used by steps[0]; give each step its own id",
    ],
    "empty-file": [
        "quests/first.yaml:1:1: the file must start with `kind:`, `schema_version:` and `id:` lines",
    ],
    "empty-text": [
        "quests/first.yaml:11:30: steps[0].prompt.en: write a text here; it may not be empty",
    ],
    "every-step-conditional": [
        "quests/first.yaml:9:3: steps: every step has a condition, so a player could see nothing; give at least one step no `when:`",
        "quests/first.yaml:11:18: steps[0].when.step: `more` comes later; a condition can only look at a step above it",
    ],
    "id-capitals-spaces": [
        "quests/my-quest.yaml:3:5: id: use lower-case letters, digits and hyphens, like `values-cards`",
    ],
    "id-not-file-name": [
        "quests/first.yaml:3:5: id: the id must equal the file name: write `id: first` or rename the file",
    ],
    "id-too-short": [
        "quests/x.yaml:3:5: id: use at least 2 characters",
    ],
    "includes-on-scale": [
        "quests/first.yaml:18:34: steps[1].when.includes: `includes` needs a choice or poll step, and `scan` is a scale step",
    ],
    "includes-unknown-option": [
        "quests/first.yaml:17:36: steps[1].when.includes: step `values` has no option `fredom`; use one of: freedom, money",
    ],
    "kind-as-list": [
        "quests/first.yaml:1:7: kind: write `kind: quest`, `kind: track` or `kind: badge`",
    ],
    "merge-key": [
        "quests/first.yaml:6:1: merge keys (<<) are not allowed; write the fields out in full",
    ],
    "minutes-not-a-number": [
        "quests/first.yaml:7:10: minutes: write a whole number, like 10",
    ],
    "missing-en": [
        "quests/first.yaml:11:13: steps[0].prompt.en: the English text is missing; add `en: …`",
    ],
    "missing-nl": [
        "quests/first.yaml:5:3: title.nl: the Dutch text is missing; add `nl: …`",
    ],
    "prompt-too-long": [
        "quests/first.yaml:12:11: steps[0].prompt.nl: the question is 122 characters; keep it to "
        "one short line (at most 110) and put examples or detail under `hint`",
    ],
    "too-many-words": [
        "quests/first.yaml:12:16: steps[0].min_words: min_words is 15; ask for a few words at "
        "most (5): people answer on a phone, often tired. Write min_words: 3, and say under "
        "`hint` what a good answer holds",
    ],
    "negative-min-words": [
        "quests/first.yaml:12:16: steps[0].min_words: must be ≥ 0",
    ],
    "not-a-mapping": [
        "quests/first.yaml:1:1: the file must start with `kind:`, `schema_version:` and `id:` lines",
    ],
    "not-utf8": [
        "quests/first.yaml:1:1: save the file as UTF-8 text",
    ],
    "peer-of-later-step": [
        "quests/first.yaml:12:14: steps[0].of_step: `why` is not an earlier step; name a step above this one",
    ],
    "prompt-as-plain-text": [
        "quests/first.yaml:11:13: steps[0].prompt: write the text in Dutch and English on the lines below, indented: `nl: …` and `en: …`",
    ],
    "python-tag": [
        "quests/first.yaml:4:8: tags like !!python/object/apply:os.system are not allowed; remove the tag",
    ],
    "requires-cycle": [
        "quests/first.yaml:8:11: requires: these quests require each other in a circle, so none can start: first → second → first",
    ],
    "requires-itself": [
        "quests/first.yaml:8:12: requires[0]: a quest cannot require itself; remove `first` here",
    ],
    "scale-unlisted-dimension": [
        "quests/first.yaml:16:30: steps[0].items[1].dimension: dimension `things` is not listed under dimensions; use one of: people, or add it under dimensions",
    ],
    "schema-version-0": [
        "quests/first.yaml:2:17: schema_version: schema_version 0 is not known; write `schema_version: 1`",
    ],
    "schema-version-2": [
        "quests/first.yaml:2:17: schema_version: this file is written for schema_version 2, but this version of Loopbaan Quest reads up to 1; update Loopbaan Quest",
    ],
    "schema-version-missing": [
        "quests/first.yaml:1:1: schema_version: write `schema_version: 1`",
    ],
    "solo-only-group-steps": [
        "quests/first.yaml:11:11: steps[0].type: a peer step needs other players, but this quest is only played solo; add `group` to modes or remove this step",
        "quests/first.yaml:12:14: steps[0].of_step: `react` is not an earlier step; name a step above this one",
    ],
    "tab-indentation": [
        "quests/first.yaml:10:1: use spaces, not tabs, to indent",
    ],
    "too-large": [
        "quests/first.yaml:1:1: the file is 300 KiB; split it so each file stays under 256 KiB",
    ],
    "track-one-quest": [
        "quests/tracks/route.yaml:7:3: quests: list at least 2 quests here",
    ],
    "track-order": [
        "quests/tracks/route.yaml:7:5: quests[0]: `second` requires `first`, which comes later in this track; put `first` first",
    ],
    "track-unknown-quest": [
        "quests/tracks/route.yaml:8:5: quests[1]: there is no quest `secnd`; use the id of an existing quest",
    ],
    "two-documents": [
        "quests/first.yaml:12:1: a file holds one quest, track or badge; remove this `---` line and move what follows to a file of its own",
    ],
    "unknown-field": [
        "quests/first.yaml:9:5: steps[0].prompt: `prompt` is required here; add it",
        "quests/first.yaml:11:5: steps[0].promt: unknown field `promt`; check the spelling or remove it (see docs/content-guide.md)",
    ],
    "unknown-requires": [
        "quests/first.yaml:8:12: requires[0]: there is no quest `secnd`; use the id of an existing quest",
    ],
    "unknown-step-type": [
        "quests/first.yaml:10:11: steps[0].type: type must be one of: "
        + ", ".join(sorted(STEP_TYPES)),  # every registered type, so a new one is listed
    ],
    "when-later-step": [
        "quests/first.yaml:14:18: steps[1].when.step: `why` comes later; a condition can only look at a step above it",
    ],
    "when-own-step": [
        "quests/first.yaml:14:18: steps[1].when.step: `more` is this step itself; a condition can only look at a step above it",
    ],
    "when-unknown-step": [
        "quests/first.yaml:14:18: steps[1].when.step: there is no step `helo` in this quest; use the id of a step above this one",
    ],
    "wrong-extension": [
        "quests/second.YAML:1:1: this file is not read: content files end in `.yaml` (lower case); rename it to `second.yaml`",
    ],
    "wrong-kind": [
        "quests/first.yaml:1:7: kind: write `kind: quest`, `kind: track` or `kind: badge`",
    ],
}

# Where the loader's answer falls short: the expectation above is what it should say.
XFAIL: dict[str, str] = {}


def _case_dir(case: str, tmp_path: Path) -> Path:
    if case in GENERATED:
        GENERATED[case](tmp_path)
        return tmp_path
    return BROKEN / case


def _params() -> list:
    return [
        pytest.param(
            case,
            id=case,
            marks=[pytest.mark.xfail(strict=True, reason=XFAIL[case])] if case in XFAIL else [],
        )
        for case in sorted(EXPECTED)
    ]


@pytest.mark.parametrize("case", _params())
def test_broken_case_gives_exactly_these_problems(case, tmp_path):
    case_dir = _case_dir(case, tmp_path)
    with pytest.raises(ContentProblems) as raised:
        load_library(case_dir / "quests", display_root=case_dir)
    assert [str(problem) for problem in raised.value.problems] == EXPECTED[case]


def test_every_broken_folder_has_an_expectation():
    folders = {path.name for path in BROKEN.iterdir() if path.is_dir()}
    assert not folders & set(GENERATED), "a generated case also has a folder"
    assert sorted(folders) == sorted(set(EXPECTED) - set(GENERATED))
    assert set(XFAIL) <= set(EXPECTED)
    for folder in folders:
        files = list((BROKEN / folder / "quests").rglob("*.yaml"))
        assert files, f"broken/{folder} has no quests/*.yaml"


def test_validate_command_prints_the_problems_and_exits_1(tmp_path):
    case_dir = BROKEN / "track-order"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "game_server",
            "quests",
            "validate",
            str(case_dir / "quests"),
        ],
        cwd=case_dir,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GAME_INSTANCE_PATH": str(tmp_path)},
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == EXPECTED["track-order"]
    assert result.stderr.strip().splitlines()[-1] == "1 problem found."
