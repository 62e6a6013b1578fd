"""Checks that need more than one field: references, conditions, reachability, cycles."""

from pydantic import BaseModel

from .problems import Problem, field_path
from .schema import Badge, Quest, Track
from .steps import ChoiceStep, PeerStep, PollStep, ScaleStep
from .yaml_source import Source


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _at(source: Source, loc: tuple, field: str, message: str) -> Problem:
    line, column = source.position(loc)
    return Problem(source.file, line, column, field, message)


def quest_problems(quest: Quest, source: Source) -> list[Problem]:
    """Problems inside one quest: step ids, conditions and the peers' references."""
    problems = []
    seen: dict[str, int] = {}
    for index, step in enumerate(quest.steps):
        where = ("steps", index)
        if step.id in seen:
            problems.append(
                _at(
                    source,
                    (*where, "id"),
                    f"steps[{index}].id",
                    f"step id `{step.id}` is already used by steps[{seen[step.id]}]; give each step its own id",
                )
            )
        for path, message in step.content_problems():
            loc = (*where, *path)
            problems.append(_at(source, loc, field_path(loc), message))
        if step.when is not None:
            problems += _condition_problems(quest, index, source)
        if not step.solo and quest.modes == ["solo"]:
            problems.append(
                _at(
                    source,
                    (*where, "type"),
                    f"steps[{index}].type",
                    "a peer step needs other players, but this quest is only played solo; add `group` to modes or remove this step",
                )
            )
        if isinstance(step, PeerStep):
            earlier = [s.id for s in quest.steps[:index]]
            if step.of_step not in earlier:
                problems.append(
                    _at(
                        source,
                        (*where, "of_step"),
                        f"steps[{index}].of_step",
                        f"`{step.of_step}` is not an earlier step; name a step above this one",
                    )
                )
        seen.setdefault(step.id, index)
    if all(step.when is not None for step in quest.steps):
        problems.append(
            _at(
                source,
                ("steps",),
                "steps",
                "every step has a condition, so a player could see nothing; give at least one step no `when:`",
            )
        )
    solo_steps = [s for s in quest.steps if s.solo]
    # A solo-only quest with group steps is reported per step above; this is the mixed case.
    if not solo_steps and "solo" in quest.modes and len(quest.modes) > 1:
        problems.append(
            _at(
                source,
                ("modes",),
                "modes",
                "this quest has only group steps; remove `solo` from modes",
            )
        )
    return problems


def _condition_problems(quest: Quest, index: int, source: Source) -> list[Problem]:
    step = quest.steps[index]
    condition = step.when
    field = f"steps[{index}].when"
    where = ("steps", index, "when")
    positions = {s.id: i for i, s in enumerate(quest.steps)}
    target_index = positions.get(condition.step)
    if target_index is None:
        return [
            _at(
                source,
                (*where, "step"),
                f"{field}.step",
                f"there is no step `{condition.step}` in this quest; use the id of a step above this one",
            )
        ]
    if target_index == index:
        return [
            _at(
                source,
                (*where, "step"),
                f"{field}.step",
                f"`{condition.step}` is this step itself; a condition can only look at a step above it",
            )
        ]
    if target_index > index:
        return [
            _at(
                source,
                (*where, "step"),
                f"{field}.step",
                f"`{condition.step}` comes later; a condition can only look at a step above it",
            )
        ]
    target = quest.steps[target_index]
    if condition.includes is not None:
        if not isinstance(target, ChoiceStep | PollStep):
            return [
                _at(
                    source,
                    (*where, "includes"),
                    f"{field}.includes",
                    f"`includes` needs a choice or poll step, and `{target.id}` is {_a(target.type)} step",
                )
            ]
        options = [option.id for option in target.options]
        if condition.includes not in options:
            return [
                _at(
                    source,
                    (*where, "includes"),
                    f"{field}.includes",
                    f"step `{target.id}` has no option `{condition.includes}`; use one of: {', '.join(options)}",
                )
            ]
    if condition.dimension is not None:
        if not isinstance(target, ScaleStep):
            return [
                _at(
                    source,
                    (*where, "dimension"),
                    f"{field}.dimension",
                    f"`dimension` needs a scale step, and `{target.id}` is {_a(target.type)} step",
                )
            ]
        dimensions = [d.id for d in target.dimensions]
        if condition.dimension not in dimensions:
            return [
                _at(
                    source,
                    (*where, "dimension"),
                    f"{field}.dimension",
                    f"step `{target.id}` has no dimension `{condition.dimension}`; use one of: {', '.join(dimensions)}",
                )
            ]
        low = condition.at_least if condition.at_least is not None else 1
        high = condition.at_most if condition.at_most is not None else 5
        if low > 5 or high < 1 or low > high:
            bound = (
                "at_least"
                if condition.at_least is not None and (low > 5 or low > high)
                else "at_most"
            )
            where, field = (*where, bound), f"{field}.{bound}"
            return [
                _at(
                    source,
                    where,
                    field,
                    "this step can never show: scores go from 1 to 5; change at_least or at_most",
                )
            ]
    if not target.solo and quest.modes == ["solo"]:
        return [
            _at(
                source,
                (*where, "step"),
                f"{field}.step",
                f"`{target.id}` is never shown in solo play, so this step can never show",
            )
        ]
    return []


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
    from .loader import Library

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
                _at(
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
                    _at(
                        source,
                        ("requires", index),
                        f"requires[{index}]",
                        f"a quest cannot require itself; remove `{required}` here",
                    )
                )
            elif required not in quests:
                problems.append(
                    _at(
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
            _at(
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
                _at(
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
                    _at(
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
                    _at(
                        source,
                        path,
                        field_path(path),
                        f"there is no quest `{quest_id}`; use the id of an existing quest",
                    )
                )
        if listed and rule.quests_completed > len(listed):
            path = (*loc, "quests_completed")
            problems.append(
                _at(
                    source,
                    path,
                    field_path(path),
                    f"this badge can never be earned: it asks for {rule.quests_completed} quests from a list of {len(listed)}",
                )
            )

    walk(badge.criteria, ("criteria",))
    return problems
