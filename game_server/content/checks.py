"""Checks that need more than one field: references, conditions, reachability, cycles."""

from .problems import Problem, field_path
from .schema import Quest
from .steps import ChoiceStep, PeerStep, PollStep, ScaleStep
from .steps.occupation import OccupationStep
from .yaml_source import Source


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def at(source: Source, loc: tuple, field: str, message: str) -> Problem:
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
                at(
                    source,
                    (*where, "id"),
                    f"steps[{index}].id",
                    f"step id `{step.id}` is already used by steps[{seen[step.id]}]; give each step its own id",
                )
            )
        for path, message in [*step.prompt_problems(), *step.content_problems()]:
            loc = (*where, *path)
            problems.append(at(source, loc, field_path(loc), message))
        if step.when is not None:
            problems += _condition_problems(quest, index, source)
        if not step.solo and quest.modes == ["solo"]:
            problems.append(
                at(
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
                    at(
                        source,
                        (*where, "of_step"),
                        f"steps[{index}].of_step",
                        f"`{step.of_step}` is not an earlier step; name a step above this one",
                    )
                )
        if isinstance(step, OccupationStep) and step.suggest_from is not None:
            earlier_choices = [
                s.id for s in quest.steps[:index] if isinstance(s, ChoiceStep | PollStep)
            ]
            if step.suggest_from not in earlier_choices:
                problems.append(
                    at(
                        source,
                        (*where, "suggest_from"),
                        f"steps[{index}].suggest_from",
                        f"`{step.suggest_from}` is not an earlier choice step; name a choice "
                        "step above this one whose options list `occupations:`",
                    )
                )
        seen.setdefault(step.id, index)
    if all(step.when is not None for step in quest.steps):
        problems.append(
            at(
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
            at(
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
            at(
                source,
                (*where, "step"),
                f"{field}.step",
                f"there is no step `{condition.step}` in this quest; use the id of a step above this one",
            )
        ]
    if target_index == index:
        return [
            at(
                source,
                (*where, "step"),
                f"{field}.step",
                f"`{condition.step}` is this step itself; a condition can only look at a step above it",
            )
        ]
    if target_index > index:
        return [
            at(
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
                at(
                    source,
                    (*where, "includes"),
                    f"{field}.includes",
                    f"`includes` needs a choice or poll step, and `{target.id}` is {_a(target.type)} step",
                )
            ]
        options = [option.id for option in target.options]
        if condition.includes not in options:
            return [
                at(
                    source,
                    (*where, "includes"),
                    f"{field}.includes",
                    f"step `{target.id}` has no option `{condition.includes}`; use one of: {', '.join(options)}",
                )
            ]
    if condition.dimension is not None:
        if not isinstance(target, ScaleStep):
            return [
                at(
                    source,
                    (*where, "dimension"),
                    f"{field}.dimension",
                    f"`dimension` needs a scale step, and `{target.id}` is {_a(target.type)} step",
                )
            ]
        dimensions = [d.id for d in target.dimensions]
        if condition.dimension not in dimensions:
            return [
                at(
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
                at(
                    source,
                    where,
                    field,
                    "this step can never show: scores go from 1 to 5; change at_least or at_most",
                )
            ]
    if not target.solo and quest.modes == ["solo"]:
        return [
            at(
                source,
                (*where, "step"),
                f"{field}.step",
                f"`{target.id}` is never shown in solo play, so this step can never show",
            )
        ]
    return []
