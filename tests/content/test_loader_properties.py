"""Whatever an editor saves, the loader answers with problems and never crashes.

Random text and bytes, random YAML trees (dumped as YAML and as JSON), random changes to the
valid example quest, both as text (a line deleted or doubled, characters swapped) and as
data (a value replaced by something random). `load_file` must return problems;
`load_library` must return a library or raise ContentProblems. Every problem names the file
and a line and column from 1, and says something.

Inputs that once crashed the loader are kept as explicit examples.
"""

import copy
import json
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from game_server.content.loader import ContentProblems, Library, load_file, load_library
from game_server.content.problems import Problem

LIBRARY = Path(__file__).parent / "library"
VALID = (LIBRARY / "every-step.yaml").read_text(encoding="utf-8")
VALID_DATA = YAML(typ="safe", pure=True).load(VALID)
NAME = "every-step"
DISPLAY = f"quests/{NAME}.yaml"

FAST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Loading three files costs ~30 ms; fewer examples keep the whole file well under 20 s.
SLOWER = settings(FAST, max_examples=120)

# Inputs that once crashed the loader; each also has its own test at the end.
CONTROL_CHARACTER = "kind: quest\x07\n"  # ReaderError escapes read()
KIND_LIST = "kind: [quest]\n"  # TypeError: unhashable type: 'list' in load_file
MERGE_KEY = "kind: quest\n<<: {id: every-step}\n"  # KeyError from lc.key() in _plain
DEEP_NESTING = "[" * 600 + "]" * 600  # RecursionError inside ruamel (a 1.2 KB file)


# Words from the format, so random trees sometimes look like content files.
FIELDS = [
    "kind", "schema_version", "id", "title", "summary", "competencies", "minutes", "modes",
    "sectors", "requires", "public", "steps", "type", "prompt", "when", "step", "includes",
    "dimension", "at_least", "at_most", "answered", "options", "min", "max", "label", "nl",
    "en", "dimensions", "items", "text", "reverse", "min_words", "due_days", "of_step",
    "body", "low", "high", "quests", "description", "criteria", "all", "any", "xp",
    "quests_completed", "competency",
]  # fmt: skip
WORDS = [
    "quest", "track", "badge", "info", "choice", "scale", "reflection", "action", "contact",
    "poll", "peer", "solo", "group", "live", "reflecting", "exploring", "every-step",
    "welcome", "values", "scan", "people", "freedom", "why",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(WORDS)
)
keys = st.sampled_from(FIELDS) | st.text(max_size=8)
trees = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)


def _yaml_text(data: object) -> str:
    out = StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    return out.getvalue()


def _assert_good_problems(problems: list[Problem], display: str) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file == display
        assert isinstance(problem.line, int) and problem.line >= 1, problem
        assert isinstance(problem.column, int) and problem.column >= 1, problem
        assert problem.message.strip(), problem
        assert str(problem).startswith(f"{display}:{problem.line}:{problem.column}: ")


def check_load_file(data: str | bytes) -> None:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{NAME}.yaml"
        path.write_bytes(raw)
        model, _source, problems = load_file(path, DISPLAY)
    assert isinstance(problems, list)
    assert (model is None) == bool(problems)
    _assert_good_problems(problems, DISPLAY)


def check_load_library(data: str | bytes, *, with_library: bool = False) -> None:
    """Load `data` as quests/every-step.yaml, alone or beside the other test quests."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        quests = root / "quests"
        quests.mkdir()
        if with_library:
            for other in LIBRARY.glob("*.yaml"):
                (quests / other.name).write_bytes(other.read_bytes())
        (quests / f"{NAME}.yaml").write_bytes(raw)
        try:
            library = load_library(quests, display_root=root)
        except ContentProblems as raised:
            assert raised.problems
            for problem in raised.problems:
                assert problem.file.startswith("quests/") and problem.file.endswith(".yaml")
                _assert_good_problems([problem], problem.file)
        else:
            assert isinstance(library, Library)


# -- random text and bytes -------------------------------------------------------------


@FAST
@given(st.text(max_size=300))
@example(CONTROL_CHARACTER)
@example(KIND_LIST)
@example(MERGE_KEY)
def test_random_text_gives_problems_not_a_crash(text):
    check_load_file(text)
    check_load_library(text)


@FAST
@given(st.binary(max_size=300))
@example(CONTROL_CHARACTER.encode())
def test_random_bytes_give_problems_not_a_crash(data):
    check_load_file(data)


@FAST
@given(st.text(alphabet=" \n\t\x0b-:#{}[],'\"?|>&*!%@`<abcdeikstqu01é", max_size=200))
def test_yaml_punctuation_soup_gives_problems_not_a_crash(text):
    # Characters an editor types, merge keys and control characters included.
    check_load_file(text)
    check_load_library(text)


# -- random trees ----------------------------------------------------------------------


@FAST
@given(trees, st.booleans())
@example({"kind": ["quest"]}, False)
@example({"kind": {"quest": None}}, True)
def test_random_trees_give_problems_not_a_crash(tree, as_json):
    text = json.dumps(tree) if as_json else _yaml_text(tree)
    check_load_file(text)
    check_load_library(text)


@st.composite
def changed_quests(draw):
    """The valid quest with one value somewhere replaced, removed or added."""
    data = copy.deepcopy(VALID_DATA)
    node = data
    while True:
        keys_here = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys_here:
            break
        key = draw(st.sampled_from(keys_here))
        child = node[key]
        if isinstance(child, dict | list) and child and draw(st.booleans()):
            node = child
            continue
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            node[key] = draw(trees)
        elif action == "remove":
            del node[key]
        elif isinstance(node, dict):
            node[draw(keys)] = draw(trees)
        else:
            node.insert(key, draw(trees))
        break
    return data


@SLOWER
@given(changed_quests())
@example({**VALID_DATA, "kind": ["quest"]})
def test_changed_quest_data_gives_problems_not_a_crash(data):
    # load_library runs load_file on it too, then the checks across the three files.
    check_load_library(_yaml_text(data), with_library=True)


# -- random edits of the valid file ----------------------------------------------------


@st.composite
def edited_files(draw):
    """The valid example file with one to three typical slips of the keyboard."""
    text = VALID
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        lines = text.splitlines(keepends=True)
        edit = draw(
            st.sampled_from(["delete line", "double line", "swap", "insert", "delete", "indent"])
        )
        if edit in ("delete line", "double line", "indent") and lines:
            i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            if edit == "delete line":
                del lines[i]
            elif edit == "double line":
                lines.insert(i, lines[i])
            else:
                lines[i] = draw(st.sampled_from([" ", "  ", "\t"])) + lines[i]
            text = "".join(lines)
            continue
        if len(text) < 2:
            continue
        i = draw(st.integers(min_value=0, max_value=len(text) - 2))
        if edit == "swap":
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif edit == "insert":
            char = draw(st.sampled_from(list(":-{}[],#'\"\t &*!?|>%@`") + ["\n", "é"]))
            text = text[:i] + char + text[i:]
        else:
            text = text[:i] + text[i + 1 :]
    return text


@SLOWER
@given(edited_files())
def test_edited_example_file_gives_problems_not_a_crash(text):
    check_load_library(text, with_library=True)


# -- each crash on its own, so the lead sees which one is fixed -------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            CONTROL_CHARACTER,
            id="control-character",
        ),
        pytest.param(
            KIND_LIST,
            id="kind-list",
        ),
        pytest.param(
            "kind: {quest: 1}\n",
            id="kind-mapping",
        ),
        pytest.param(
            MERGE_KEY,
            id="merge-key",
        ),
        pytest.param(
            DEEP_NESTING,
            id="deep-nesting",
        ),
    ],
)
def test_known_crash_inputs_give_problems(text):
    try:
        check_load_file(text)
        check_load_library(text)
    except RecursionError:
        # A thousand-frame traceback takes pytest seconds to print; the name says enough.
        raise AssertionError("RecursionError while reading the file") from None
