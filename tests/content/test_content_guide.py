"""The content guide cannot drift from the format: every example in it is loaded for real.

docs/content-guide.md marks its YAML blocks:

- ```yaml          a whole file (starts with `kind:`); all of them form one small library,
                   so tracks and badges can name the example quests;
- ```yaml snippet  part of a file: a step, a list of steps, a badge rule, or quest fields.
                   Each is wrapped into a minimal quest (or badge) and loaded with the library;
- ```yaml broken   a file with mistakes, followed by a ```text block with the exact problems.

Every step type, every badge rule and every field of the format must appear in at least one
checked example, so a new step type or field without documentation fails here.
"""

import re
from enum import Enum
from typing import get_args

import pytest
from pydantic import BaseModel

from game_server.content.loader import ContentProblems, Library, load_library
from game_server.content.schema import RULES, Quest
from game_server.content.steps import STEP_TYPES
from game_server.content.yaml_source import read

from .guide import (
    GUIDE,
    _blocks,
    _load,
    _of,
    _write_whole_files,
    _yaml_blocks,
    load_guide,
)


@pytest.fixture(scope="module")
def guide_library(tmp_path_factory) -> Library:
    """The whole-file examples and every snippet, wrapped, loaded as one library."""
    return load_guide(tmp_path_factory.mktemp("guide"))


def test_yaml_blocks_are_marked_whole_snippet_or_broken():
    markers = {"yaml", "yaml snippet", "yaml broken"}
    odd = [f"line {b.line}: ```{b.info}" for b in _yaml_blocks() if b.info not in markers]
    assert not odd, f"unknown YAML block markers in {GUIDE.name}: {odd}"
    assert _of("yaml"), "the guide has no whole-file examples"
    assert _of("yaml snippet"), "the guide has no snippets"


def test_whole_file_examples_start_with_kind_and_have_their_own_id():
    ids: dict[tuple[str, str], int] = {}
    for block in _of("yaml"):
        assert block.text.startswith("kind:"), f"line {block.line}: start a whole file with kind:"
        key = (block.data["kind"], block.data["id"])
        assert key not in ids, f"line {block.line}: {key} is also used at line {ids.get(key)}"
        ids[key] = block.line


def test_whole_file_examples_load_on_their_own(tmp_path):
    library = _load(tmp_path, _write_whole_files(tmp_path))
    assert library.quests and library.tracks and library.badges


def test_snippets_are_plain_yaml(tmp_path):
    """Snippets are re-written inside a file, so check their own text for anchors, tags, etc."""
    for block in _of("yaml snippet"):
        path = tmp_path / f"snippet-line-{block.line}.yaml"
        # A list of steps is read as the value of `steps:` (a file must be a mapping).
        text = f"steps:\n{block.text}" if block.text.startswith("-") else block.text
        path.write_text(text, encoding="utf-8")
        _source, problems = read(path, f"{GUIDE.name} snippet at line {block.line}")
        assert not problems, "\n".join(str(problem) for problem in problems)


def test_snippets_load_inside_a_minimal_file(guide_library):
    snippet_ids = {f"snippet-line-{block.line}" for block in _of("yaml snippet")}
    loaded = set(guide_library.quests) | set(guide_library.badges)
    assert snippet_ids <= loaded


def test_every_step_type_has_an_example(guide_library):
    shown = {step.type for quest in guide_library.quests.values() for step in quest.steps}
    missing = sorted(set(STEP_TYPES) - shown)
    assert not missing, f"document these step types in {GUIDE.name}, with an example: {missing}"


def _rules_in(rule) -> set[str]:
    kind = next(key for key, model in RULES.items() if isinstance(rule, model))
    found = {kind}
    for child in getattr(rule, "all", None) or getattr(rule, "any", None) or []:
        found |= _rules_in(child)
    return found


def test_every_badge_rule_has_an_example(guide_library):
    shown = set().union(*(_rules_in(badge.criteria) for badge in guide_library.badges.values()))
    missing = sorted(set(RULES) - shown)
    assert not missing, f"document these badge rules in {GUIDE.name}, with an example: {missing}"


def _owner(cls: type[BaseModel], field: str) -> type[BaseModel]:
    """The most basic class that has the field, so a field shared by a base counts once."""
    return [c for c in cls.__mro__ if issubclass(c, BaseModel) and field in c.model_fields][-1]


def _fields_written(value, written: set[tuple[type, str]], seen: set[type]) -> None:
    if isinstance(value, BaseModel):
        seen.add(type(value))
        for field in value.model_fields_set:
            written.add((_owner(type(value), field), field))
            _fields_written(getattr(value, field), written, seen)
    elif isinstance(value, list | tuple):
        for item in value:
            _fields_written(item, written, seen)
    elif isinstance(value, dict):
        for item in value.values():
            _fields_written(item, written, seen)


def test_every_field_of_the_format_appears_in_an_example(guide_library):
    written: set[tuple[type, str]] = set()
    seen: set[type] = set()
    for model in [
        *guide_library.quests.values(),
        *guide_library.tracks.values(),
        *guide_library.badges.values(),
    ]:
        _fields_written(model, written, seen)
    missing = sorted(
        f"{_owner(cls, field).__name__}.{field}"
        for cls in seen
        for field in cls.model_fields
        if (_owner(cls, field), field) not in written
    )
    assert not missing, f"write these fields in an example in {GUIDE.name}: {sorted(set(missing))}"


def test_broken_example_gives_the_problems_shown_under_it(tmp_path):
    blocks = _blocks()
    broken = [index for index, block in enumerate(blocks) if block.info == "yaml broken"]
    assert broken, "the guide shows no broken file and its problems"
    for index in broken:
        expected = blocks[index + 1]
        assert expected.info == "text", f"line {blocks[index].line}: put the problems after it"
        lines = expected.text.strip().splitlines()
        folder = tmp_path / f"line-{blocks[index].line}"
        path = folder / lines[0].split(":", 1)[0]
        path.parent.mkdir(parents=True)
        path.write_text(blocks[index].text, encoding="utf-8")
        with pytest.raises(ContentProblems) as error:
            load_library(folder / "quests", display_root=folder)
        assert [str(problem) for problem in error.value.problems] == lines


def test_the_sector_list_in_the_guide_is_the_one_the_validator_knows():
    guide = GUIDE.read_text(encoding="utf-8")
    (sector_type,) = get_args(Quest.model_fields["sectors"].annotation)
    assert isinstance(sector_type, type) and issubclass(sector_type, Enum), (
        "sectors are free ids now; section 7 of the guide lists fixed ones: update it"
    )
    paragraph = guide.split("Use the sector ids the validator knows:", 1)[1].split("\n\n")[0]
    listed = set(re.findall(r"`([a-z-]+)`", paragraph))
    assert listed == {sector.value for sector in sector_type}


def test_the_minutes_in_the_guide_are_the_ones_the_validator_allows():
    bounds = {type(limit).__name__: limit for limit in Quest.model_fields["minutes"].metadata}
    low, high = bounds["Ge"].ge, bounds["Le"].le
    assert f"| `minutes` | {low} to {high} |" in GUIDE.read_text(encoding="utf-8")
