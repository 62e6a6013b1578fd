"""Checks across files: unique ids, known references, no `requires` circles, sane badges."""

from pydantic import BaseModel

from .checks import at
from .problems import Problem, field_path
from .schema import Badge, Library, Track
from .yaml_source import Source


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if state.get(nxt) is None and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None and (cycle := visit(node)):
            return cycle
    return None


def library_problems(loaded: list[tuple[BaseModel, Source]]):
    """Checks across files; returns the Library (possibly partial) and the problems."""
    problems: list[Problem] = []
    by_kind: dict[str, dict[str, tuple[BaseModel, Source]]] = {
        "quest": {},
        "track": {},
        "badge": {},
    }
    for model, source in loaded:
        table = by_kind[model.kind]
        if model.id in table:
            other = table[model.id][1].file
            problems.append(
                at(
                    source,
                    ("id",),
                    "id",
                    f"the {model.kind} id `{model.id}` is also used by {other}; choose another id and rename this file to match",
                )
            )
            continue
        table[model.id] = (model, source)
    quests = by_kind["quest"]
    for quest, source in quests.values():
        for index, required in enumerate(quest.requires):
            if required == quest.id:
                problems.append(
                    at(
                        source,
                        ("requires", index),
                        f"requires[{index}]",
                        f"a quest cannot require itself; remove `{required}` here",
                    )
                )
            elif required not in quests:
                problems.append(
                    at(
                        source,
                        ("requires", index),
                        f"requires[{index}]",
                        f"there is no quest `{required}`; use the id of an existing quest",
                    )
                )
    graph = {
        qid: [r for r in q.requires if r in quests and r != qid] for qid, (q, _s) in quests.items()
    }
    if cycle := _find_cycle(graph):
        quest, source = quests[cycle[0]]
        problems.append(
            at(
                source,
                ("requires",),
                "requires",
                "these quests require each other in a circle, so none can start: "
                + " → ".join(cycle),
            )
        )
    for track, source in by_kind["track"].values():
        problems += _track_problems(track, source, quests)
    for badge, source in by_kind["badge"].values():
        problems += _badge_problems(badge, source, quests)
    library = Library(
        quests={k: v[0] for k, v in quests.items()},
        tracks={k: v[0] for k, v in by_kind["track"].items()},
        badges={k: v[0] for k, v in by_kind["badge"].items()},
    )
    return library, problems


def _track_problems(track: Track, source: Source, quests: dict) -> list[Problem]:
    problems = []
    for index, quest_id in enumerate(track.quests):
        if quest_id not in quests:
            problems.append(
                at(
                    source,
                    ("quests", index),
                    f"quests[{index}]",
                    f"there is no quest `{quest_id}`; use the id of an existing quest",
                )
            )
            continue
        later = set(track.quests[index + 1 :])
        for required in quests[quest_id][0].requires:
            if required in later:
                problems.append(
                    at(
                        source,
                        ("quests", index),
                        f"quests[{index}]",
                        f"`{quest_id}` requires `{required}`, which comes later in this track; put `{required}` first",
                    )
                )
    return problems


def _badge_problems(badge: Badge, source: Source, quests: dict) -> list[Problem]:
    problems = []

    def walk(rule, loc: tuple) -> None:
        for key in ("all", "any"):
            for index, child in enumerate(getattr(rule, key, None) or []):
                walk(child, (*loc, key, index))
        listed = getattr(rule, "quests", None) or []
        for index, quest_id in enumerate(listed):
            if quest_id not in quests:
                path = (*loc, "quests", index)
                problems.append(
                    at(
                        source,
                        path,
                        field_path(path),
                        f"there is no quest `{quest_id}`; use the id of an existing quest",
                    )
                )
        if listed and rule.quests_completed > len(listed):
            path = (*loc, "quests_completed")
            problems.append(
                at(
                    source,
                    path,
                    field_path(path),
                    f"this badge can never be earned: it asks for {rule.quests_completed} quests from a list of {len(listed)}",
                )
            )

    walk(badge.criteria, ("criteria",))
    return problems
