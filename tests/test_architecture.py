"""The shape of the code: no import cycles, the domain's aggregates in layers, and the domain
free of the web. Read from the source (every import, also those inside functions)."""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "game_server"
# The domain's aggregates, each depending only on those before it.
LAYERS = [
    "common",
    "explore",
    "identity",
    "outreach",
    "progress",
    "funds",
    "play",
    "together",
    "guidance",
    "privacy",
]
WEB = ("flask", "flask_login", "flask_babel", "flask_socketio", "flask_wtf", "werkzeug")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts}


def _imports(name: str) -> set[str]:
    """Every module this one imports, at the top or inside a function."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


GRAPH = {
    name: {
        other
        for other in _imports(name)
        if other in MODULES
        and other != name
        # A blueprint's modules register on their package (Flask's pattern), not a cycle.
        and not (name.startswith(other + ".") and MODULES[other].name == "__init__.py")
    }
    for name in MODULES
}


def _cycles() -> list[list[str]]:
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_round_about():
    assert _cycles() == []


def _aggregate(name: str) -> str | None:
    parts = name.split(".")
    return parts[2] if len(parts) > 3 and parts[1] == "services" else None


def test_every_domain_module_is_in_an_aggregate():
    loose = [
        name
        for name, path in MODULES.items()
        if name.startswith("game_server.services.")
        and path.name != "__init__.py"
        and _aggregate(name) is None
    ]
    assert loose == [], f"put these in one of {LAYERS}: {loose}"
    assert {_aggregate(n) for n in MODULES if _aggregate(n)} == set(LAYERS)


def test_an_aggregate_depends_only_on_those_before_it():
    wrong = defaultdict(set)
    for name, targets in GRAPH.items():
        mine = _aggregate(name)
        for target in targets:
            theirs = _aggregate(target)
            if mine and theirs and LAYERS.index(theirs) > LAYERS.index(mine):
                wrong[f"{mine} -> {theirs}"].add(f"{name} imports {target}")
    assert not wrong, dict(wrong)


def test_the_domain_knows_nothing_of_the_web():
    for name in MODULES:
        if not name.startswith("game_server.services"):
            continue
        imported = _imports(name)
        web = sorted(i for i in imported if i.split(".")[0] in WEB)
        doors = sorted(
            i
            for i in imported
            if i.split(".")[:2]
            in (["game_server", part] for part in ("api", "pages", "realtime", "subscribers"))
        )
        assert not web and not doors, f"{name} imports {web + doors}"


def test_benchmarks_do_not_import_the_tests():
    for path in (ROOT / "bench").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            assert not any(m == "tests" or m.startswith("tests.") for m in modules), (
                f"{path.relative_to(ROOT)} imports {modules}: move what it needs out of tests/"
            )
