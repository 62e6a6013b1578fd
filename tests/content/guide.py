"""The content guide's examples, read and loaded: for the guide's own test and for the step
types' (every step type is documented there with an example, so a new type brings its own)."""

import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from game_server.content.loader import ContentProblems, Library, load_library
from game_server.content.schema import RULES, Quest

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "content-guide.md"
FENCE = re.compile(r"^```([^`\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
RULE_FIELDS = set(RULES) | {"competency", "quests"}
QUEST_FIELDS = set(Quest.model_fields) - {"kind", "schema_version", "id"}


@dataclass
class Block:
    info: str
    text: str
    line: int  # the line of the opening fence in the guide

    @property
    def data(self):
        try:
            return YAML(typ="safe", pure=True).load(self.text)
        except YAMLError as error:
            problem = str(error)
        pytest.fail(f"{GUIDE.name} line {self.line}: not valid YAML: {problem}")


def _blocks() -> list[Block]:
    guide = GUIDE.read_text(encoding="utf-8")
    return [
        Block(match.group(1).strip(), match.group(2), guide.count("\n", 0, match.start()) + 1)
        for match in FENCE.finditer(guide)
    ]


def _of(marker: str) -> list[Block]:
    return [block for block in _blocks() if block.info == marker]


def _yaml_blocks() -> list[Block]:
    return [block for block in _blocks() if block.info.split(" ")[0] in ("yaml", "yml")]


def _dump(data) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _quest(quest_id: str, **fields) -> dict:
    return {
        "kind": "quest",
        "schema_version": 1,
        "id": quest_id,
        "title": {"nl": "Voorbeeld", "en": "Example"},
        "summary": {"nl": "Een voorbeeld uit de gids.", "en": "An example from the guide."},
        "competencies": {"reflecting": 5},
        "minutes": 10,
        "modes": ["solo", "group", "live"],
        "steps": [{"id": "start", "type": "info", "prompt": {"nl": "Hallo.", "en": "Hello."}}],
        **fields,
    }


def _is_step(value) -> bool:
    return isinstance(value, dict) and "type" in value


def _snippet_file(block: Block) -> dict:
    """The snippet wrapped into a whole file, or a failure saying how to mark it."""
    data = block.data
    name = f"snippet-line-{block.line}"
    if _is_step(data):
        return _quest(name, steps=[data])
    if isinstance(data, list) and data and all(_is_step(item) for item in data):
        return _quest(name, steps=data)
    if isinstance(data, dict) and data.keys() & RULES.keys() and data.keys() <= RULE_FIELDS:
        return {
            "kind": "badge",
            "schema_version": 1,
            "id": name,
            "title": {"nl": "Voorbeeld", "en": "Example"},
            "description": {"nl": "Een voorbeeld uit de gids.", "en": "An example from the guide."},
            "criteria": data,
        }
    if isinstance(data, dict) and data and data.keys() <= QUEST_FIELDS:
        return _quest(name, **data)
    pytest.fail(
        f"{GUIDE.name} line {block.line}: a `yaml snippet` must be a step, a list of steps, "
        "a badge rule or quest fields; mark other text ```text so it is not taken for YAML"
    )


def _load(folder: Path, origins: dict[str, int]) -> Library:
    """Load the folder; on problems, fail with each one and the guide line it comes from."""
    try:
        return load_library(folder / "quests", display_root=folder)
    except ContentProblems as error:
        problems = error.problems
    lines = [f"{GUIDE.name} line {origins.get(p.file, '?')}: {p}" for p in problems]
    pytest.fail("The guide's examples do not load:\n" + "\n".join(lines))


def _write_whole_files(folder: Path) -> dict[str, int]:
    origins = {}
    for block in _of("yaml"):
        path = folder / "quests" / f"{block.data['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block.text, encoding="utf-8")
        origins[path.relative_to(folder).as_posix()] = block.line
    return origins


def load_guide(folder: Path) -> Library:
    """The whole-file examples and every snippet, wrapped, loaded as one library."""
    origins = _write_whole_files(folder)
    for block in _of("yaml snippet"):
        content = _snippet_file(block)
        path = folder / "quests" / f"{content['id']}.yaml"
        path.write_text(_dump(content), encoding="utf-8")
        origins[path.relative_to(folder).as_posix()] = block.line
    return _load(folder, origins)
