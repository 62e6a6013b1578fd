"""Read one YAML content file safely, remembering where every value stands.

Only plain YAML is accepted: no anchors or aliases (they hide what a step really says), no
tags (`!!python/...` must never construct objects), no duplicate keys, at most 256 KiB.
"""

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.parser import RoundTripParser
from ruamel.yaml.reader import ReaderError

from .problems import Problem

MAX_FILE_BYTES = 256 * 1024

Position = tuple[int, int]  # 1-based line and column


@dataclass
class Source:
    """The plain data of a file plus the position of every key and value in it."""

    file: str
    data: object = None
    positions: dict[tuple, Position] = field(default_factory=dict)
    key_positions: dict[tuple, Position] = field(default_factory=dict)

    def position(self, loc: tuple, *, key: bool = False) -> Position:
        """The nearest known position for `loc`, walking up to the parent when needed."""
        loc = tuple(loc)
        while loc:
            table = self.key_positions if key else self.positions
            if loc in table:
                return table[loc]
            if loc in self.key_positions:
                return self.key_positions[loc]
            loc = loc[:-1]
            key = False
        return self.positions.get((), (1, 1))


class _TooDeep(Exception):
    pass


class _ShapeCheckingParser(RoundTripParser):
    """The round-trip parser, noting anchors, aliases, tags and merge keys as events pass.

    Checking during the one parse (instead of a second pass over the events) keeps loading
    close to the cost of the parse itself.
    """

    def get_event(self):
        event = super().get_event()
        self.loader.shape_check.see(event)
        return event


class _ShapeCheck:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.depth = 0

    def add(self, event, message: str) -> None:
        mark = event.start_mark
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, "", message))

    def see(self, event) -> None:
        if isinstance(event, CollectionStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                self.add(event, "the file is nested too deeply; a quest needs only a few levels")
                raise _TooDeep
        elif isinstance(event, CollectionEndEvent):
            self.depth -= 1
        if isinstance(event, AliasEvent):
            self.add(event, "aliases (*name) are not allowed; write the text out in full")
            return
        if not isinstance(event, ScalarEvent | CollectionStartEvent):
            return
        if event.anchor:
            self.add(event, "anchors (&name) are not allowed; write the text out in full")
        tag = getattr(event, "tag", None)
        if tag and (not isinstance(event, ScalarEvent) or not event.implicit[0]) and tag != "!":
            self.add(event, f"tags like {_short_tag(tag)} are not allowed; remove the tag")
        if isinstance(event, ScalarEvent) and event.value == "<<" and event.implicit[0]:
            self.add(event, "merge keys (<<) are not allowed; write the fields out in full")


def _yaml(file: str = "") -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    yaml.Parser = _ShapeCheckingParser
    yaml.shape_check = _ShapeCheck(file)
    return yaml


def _mark(error: MarkedYAMLError) -> Position:
    mark = error.problem_mark or error.context_mark
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _plain_language(error: MarkedYAMLError) -> str:
    text = (error.problem or error.context or "cannot read this").strip()
    if "duplicate key" in text or "found duplicate key" in str(error):
        key = str(error).split('duplicate key "', 1)[-1].split('"', 1)[0]
        return f"the key `{key}` appears twice here; keep one"
    if "mapping values are not allowed" in text:
        return (
            "a colon is in the wrong place: if this line is a new field, indent it like the "
            "field above it; if it is text, put the text between quotes"
        )
    if "expected ',' or '}'" in text or "expected ',' or ']'" in text:
        return (
            "a colon or comma is in the wrong place; put text with a colon or comma between quotes"
        )
    if "found character '\\t'" in text or "\\t" in text:
        return "use spaces, not tabs, to indent"
    if "another document" in text:
        return (
            "a file holds one quest, track or badge; remove this `---` line and move what "
            "follows to a file of its own"
        )
    return f"this is not valid YAML ({text}); check the indentation and quotes"


# Deeper than any real quest; far below where the YAML parser itself would overflow.
MAX_DEPTH = 40


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _position_of(text: str, offset: int) -> Position:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _plain(node, loc: tuple, source: Source):
    """Copy ruamel's node tree into plain dicts, lists and scalars, noting positions."""
    if isinstance(node, CommentedMap):
        result = {}
        for key, value in node.items():
            key_line, key_col = node.lc.key(key)
            value_line, value_col = node.lc.value(key)
            source.key_positions[(*loc, str(key))] = (key_line + 1, key_col + 1)
            source.positions[(*loc, str(key))] = (value_line + 1, value_col + 1)
            result[str(key)] = _plain(value, (*loc, str(key)), source)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            line, col = node.lc.item(index)
            source.positions[(*loc, index)] = (line + 1, col + 1)
            items.append(_plain(value, (*loc, index), source))
        return items
    if isinstance(node, bool) or node is None:
        return node
    for plain_type in (int, float, str):
        if isinstance(node, plain_type):
            return plain_type(node)
    return str(node)


def read(path: Path, display: str) -> tuple[Source, list[Problem]]:
    """Read `path`; return its data with positions, or the problems that stop reading it."""
    source = Source(display)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return source, [
            Problem(
                display,
                1,
                1,
                "",
                f"the file is {size // 1024} KiB; split it so each file stays under {MAX_FILE_BYTES // 1024} KiB",
            )
        ]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return source, [Problem(display, 1, 1, "", "save the file as UTF-8 text")]
    return parse(text, display)


def parse(text: str, display: str) -> tuple[Source, list[Problem]]:
    """Read a file's text (a file on disk, or a draft pasted into the preview) the same way."""
    source = Source(display)
    yaml = _yaml(display)
    try:
        document = yaml.load(text)
    except _TooDeep:
        return source, yaml.shape_check.problems
    except MarkedYAMLError as error:
        # An alias or merge key can break construction; the shape problem says it better.
        if yaml.shape_check.problems:
            return source, yaml.shape_check.problems
        line, column = _mark(error)
        return source, [Problem(display, line, column, "", _plain_language(error))]
    except ReaderError as error:
        line, column = _position_of(text, error.position)
        code = f"U+{error.character:04X}" if isinstance(error.character, int) else "?"
        return source, [
            Problem(
                display,
                line,
                column,
                "",
                f"there is an invisible special character here ({code}), often pasted from a "
                "word processor; delete it",
            )
        ]
    if yaml.shape_check.problems:
        return source, yaml.shape_check.problems
    source.positions[()] = (1, 1)
    source.data = _plain(document, (), source)
    if not isinstance(source.data, dict):
        return source, [
            Problem(
                display,
                1,
                1,
                "",
                "the file must start with `kind:`, `schema_version:` and `id:` lines",
            )
        ]
    return source, []
