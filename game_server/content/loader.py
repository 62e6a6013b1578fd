"""Load the content library: every file checked, every problem collected in one pass.

A problem reads `file:line:col: field.path: message`, pointing at the value to change. After
each file passes its own schema, the checks across files run: ids unique, references known,
conditions looking back only, no step that can never show, no `requires` cycle.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .checks import quest_problems
from .language import language_problems
from .library_checks import library_problems
from .problems import ContentProblems, Problem, field_path
from .schema import RULES, SCHEMA_VERSION, Badge, Library, Quest, Track
from .steps import STEP_TYPES
from .upgrades import upgrade
from .yaml_source import Source, read

KINDS: dict[str, type[BaseModel]] = {"quest": Quest, "track": Track, "badge": Badge}


UNION_TAGS = frozenset(STEP_TYPES) | frozenset(RULES)


def _present(node: Any, part: Any) -> bool:
    return (isinstance(node, dict) and part in node) or (
        isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
    )


def _real_loc(data: Any, loc: tuple) -> tuple:
    """Drop what pydantic adds to error locations (union tags, "[key]"); keep the file's path."""
    real: list = []
    node = data
    for index, part in enumerate(loc):
        following = loc[index + 1] if index + 1 < len(loc) else None
        is_tag = part in UNION_TAGS and (
            not _present(node, part) or (following is not None and _present(node, following))
        )
        if is_tag or part == "[key]":
            continue  # a union tag such as "choice" or "xp", or a dict key marker
        if _present(node, part):
            node = node[part]
        elif following is not None and isinstance(part, str):
            continue
        else:
            node = None
        real.append(part)
    return tuple(real)


def _has_key(data: Any, loc: tuple, key: str) -> bool:
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(node, dict) and key in node


def _editor_message(error: dict, loc: tuple) -> str:
    kind, ctx, name = error["type"], error.get("ctx") or {}, str(loc[-1]) if loc else ""
    is_key = "[key]" in error["loc"]
    if kind == "missing":
        if name in ("nl", "en"):
            language = "Dutch" if name == "nl" else "English"
            return f"the {language} text is missing; add `{name}: …`"
        return f"`{name}` is required here; add it"
    if kind == "extra_forbidden":
        return (
            f"unknown field `{name}`; check the spelling or remove it (see docs/content-guide.md)"
        )
    if kind == "string_pattern_mismatch":
        return "use lower-case letters, digits and hyphens, like `values-cards`"
    if kind in ("greater_than_equal", "greater_than") and name == "minutes":
        return "a quest takes 5 to 20 minutes; split a longer quest in two"
    if kind in ("less_than_equal", "less_than") and name == "minutes":
        return "a quest takes 5 to 20 minutes; split a longer quest in two"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be ≥ {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be ≤ {ctx.get('le', ctx.get('lt'))}"
    if kind in ("float_parsing", "float_type"):
        return "write a number, like 4"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "write a whole number, like 10"
    if kind in ("bool_parsing", "bool_type"):
        return "write true or false"
    if kind in ("string_type",):
        return "write a text here"
    if kind == "string_too_short":
        if ctx.get("min_length", 1) > 1:
            return f"use at least {ctx['min_length']} characters"
        return "write a text here; it may not be empty"
    if kind == "string_too_long":
        return f"this text is too long; keep it under {ctx.get('max_length')} characters"
    if kind == "too_short":
        what = {
            "quests": "quests",
            "steps": "steps",
            "options": "options",
            "items": "statements",
            "dimensions": "dimensions",
            "competencies": "competency",
        }.get(name, "")
        return f"list at least {ctx.get('min_length')} {what}".rstrip() + " here"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} are allowed here"
    if kind in ("model_type", "model_attributes_type") and ctx.get("class_name") in (
        "Text",
        "StepText",
    ):
        return (
            "write the text in Dutch and English on the lines below, indented: `nl: …` and `en: …`"
        )
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "write the fields below this line, indented"
    if kind == "list_type":
        return "write a list here (lines starting with `- `)"
    if kind == "enum":
        choices = str(ctx.get("expected", "")).replace("'", "")
        if is_key:
            return f"`{name}` is not allowed here; use one of: {choices}"
        return f"write one of: {choices}"
    if kind == "literal_error":
        if name == "schema_version":
            return f"write `schema_version: {SCHEMA_VERSION}`"
        if name == "kind":
            return "write `kind: quest`, `kind: track` or `kind: badge`"
        if name == "type":
            return "type must be one of: " + ", ".join(sorted(STEP_TYPES))
        return f"write {ctx.get('expected', 'one of the allowed values')}".replace("'", "`")
    if kind == "unknown_step_type":
        return "type must be one of: " + ", ".join(sorted(STEP_TYPES))
    if kind == "unknown_rule":
        return error["msg"]
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def _validation_problems(source: Source, exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = _real_loc(source.data, tuple(error["loc"]))
        if error["type"] == "unknown_step_type" and _has_key(source.data, loc, "type"):
            loc = (*loc, "type")
        key = error["type"] == "extra_forbidden" or "[key]" in error["loc"]
        line, column = source.position(loc, key=key)
        message = _editor_message(error, loc)
        if error["type"] == "unknown_rule":
            message = _unknown_rule_message(source.data, loc, message)
        problems.append(Problem(source.file, line, column, field_path(loc), message))
    return problems


def _node(data: Any, loc: tuple) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _unknown_rule_message(data: Any, loc: tuple, message: str) -> str:
    node = _node(data, loc)
    if isinstance(node, dict):
        modifiers = {"competency", "quests"}
        unknown = [k for k in node if k not in RULES and k not in modifiers]
        if unknown:
            return f"`{unknown[0]}` is not a rule; {message}"
    return message


def load_file(path: Path, display: str) -> tuple[BaseModel | None, Source, list[Problem]]:
    """Read and validate one file on its own (references to other files are checked later)."""
    source, problems = read(path, display)
    if problems:
        return None, source, problems
    return check_source(source, path.stem)


def check_source(
    source: Source, file_stem: str | None
) -> tuple[BaseModel | None, Source, list[Problem]]:
    """Validate read data on its own; `file_stem` is the name the id must equal (None: a
    draft with no file name yet, whose id is not checked)."""
    display = source.file
    data = source.data
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        line, column = source.position(("kind",))
        return (
            None,
            source,
            [
                Problem(
                    display,
                    line,
                    column,
                    "kind",
                    "write `kind: quest`, `kind: track` or `kind: badge`",
                )
            ],
        )
    data, upgrade_problem = upgrade(kind, data)
    if upgrade_problem:
        line, column = source.position(("schema_version",))
        return None, source, [Problem(display, line, column, "schema_version", upgrade_problem)]
    try:
        model = KINDS[kind].model_validate(data)
    except ValidationError as exc:
        return None, source, _validation_problems(source, exc)
    problems = []
    if file_stem is not None and model.id != file_stem:
        line, column = source.position(("id",))
        problems.append(
            Problem(
                display,
                line,
                column,
                "id",
                f"the id must equal the file name: write `id: {file_stem}` or rename the file",
            )
        )
    if isinstance(model, Quest):
        problems += quest_problems(model, source)
    return (None if problems else model), source, problems


def content_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


def _misnamed_files(root: Path, display_root: Path) -> list[Problem]:
    """YAML files the loader would skip: a content file that silently vanishes is worse."""
    problems = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in (".yaml", ".yml") and path.suffix != ".yaml":
            problems.append(
                Problem(
                    _display(path, display_root),
                    1,
                    1,
                    "",
                    f"this file is not read: content files end in `.yaml` (lower case); rename it to `{path.stem}.yaml`",
                )
            )
    return problems


@dataclass(frozen=True)
class Validation:
    """What `quests validate` reports: the problems (errors) and the language advice apart."""

    library: Library | None
    problems: list[Problem]
    language: list[Problem]


def validate_library(
    root: Path, *, display_root: Path | None = None, allowed_words: frozenset[str] | None = None
) -> Validation:
    """Load every content file under `root`, collecting every problem instead of raising.

    With `allowed_words` (the allow-list), the Dutch texts of each file that loaded are also
    checked for plain language (`language.py`); without it, they are not (the server's loads).
    """
    display_root = display_root or root.parent
    problems: list[Problem] = _misnamed_files(root, display_root)
    loaded: list[tuple[BaseModel, Source]] = []
    for path in content_files(root):
        display = _display(path, display_root)
        model, source, file_problems = load_file(path, display)
        problems += file_problems
        if model is not None:
            loaded.append((model, source))
    library, cross_problems = library_problems(loaded)
    problems += cross_problems
    advice: list[Problem] = []
    if allowed_words is not None:
        for model, source in loaded:
            advice += language_problems(model, source, allowed_words)
    return Validation(None if problems else library, sorted(problems), sorted(advice))


def load_library(root: Path, *, display_root: Path | None = None) -> Library:
    """Load every content file under `root`; raise ContentProblems listing all problems."""
    validation = validate_library(root, display_root=display_root)
    if validation.problems:
        raise ContentProblems(validation.problems)
    return validation.library


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


__all__ = [
    "ContentProblems",
    "Library",
    "Validation",
    "check_source",
    "load_file",
    "load_library",
    "validate_library",
]
