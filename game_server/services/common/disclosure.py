"""Disclosure control for a fund's impact dashboard: nobody is ever countable below ten.

A fund sees anonymous aggregates only, from a fixed menu of breakdowns (sector, age_band,
region, week joined), each a partition of the challenge's participants. The risk is a fund
doing arithmetic on what it is shown: a total minus the shown cells of a breakdown, or a count
minus a count nested inside it. The rules here make sure such arithmetic never lands on 0..9
people (0 included: "nobody" is a small count too) and never pins down one hidden cell.

The fund is assumed to know every published number, that counts are whole and non-negative,
and these rules, down to the code: it may replay them on any guess. The rules never look at
labels (equal cells are hidden together), so a fund can never tell which hidden cell holds
which hidden number. Breakdowns of nested sub-populations (e.g. active participants by sector)
are linked tables and are not handled here.
"""

from collections.abc import Mapping
from dataclasses import dataclass

MIN_PEOPLE = 10


@dataclass(frozen=True)
class Mean:
    """A mean over the people in a cell who have the measurement (e.g. two self-scans)."""

    value: float
    measured: int


Metric = int | float | Mean | None


@dataclass(frozen=True)
class Cell:
    """One row a dashboard or CSV may show; None means suppressed."""

    label: str
    people: int | None
    value: int | float | None = None


def _still_revealing(hidden: list[int]) -> bool:
    """Whether a fund that knows these rules could still read a hidden cell or a small group.

    - Hidden cells holding fewer than ten people together are a small group. This covers a
      lone hidden cell too (total minus the shown cells): it is hidden for being under ten.
    - Hidden cells that all hold 9 hold 9k: the most k cells under ten can, so each is 9.
    Otherwise every hidden cell could hold more than one number with the same dashboard: the
    rules never look at labels, so hidden numbers could be swapped between cells; and when all
    of them are equal (some v under 9), one person could move between two of them.
    """
    return sum(hidden) < MIN_PEOPLE or set(hidden) == {MIN_PEOPLE - 1}


def protect_partition(
    total: int, cells: Mapping[str, int]
) -> tuple[int | None, dict[str, int | None]]:
    """Hide a breakdown's small cells, and enough others that no arithmetic recovers them.

    `cells` must hold every label of the menu, empty ones and "unknown" included, and sum to
    `total`: a label left out would itself tell the fund that nobody is in it.
    """
    if any(n < 0 for n in cells.values()) or sum(cells.values()) != total:
        raise ValueError("a breakdown's cells must be non-negative and add up to its total")
    if total < MIN_PEOPLE:
        return None, dict.fromkeys(cells)
    hidden = {label for label, n in cells.items() if n < MIN_PEOPLE}
    large = [n for label, n in cells.items() if label not in hidden]
    if hidden and large and _still_revealing([cells[label] for label in hidden]):
        # Complement with the smallest cells: that hides the least. All cells of that size go
        # together, as a tie broken by label would tell the fund which of them it could be.
        # One step is always enough: it adds ten or more people and a number that is not 9.
        smallest = min(large)
        hidden |= {label for label, n in cells.items() if n == smallest}
    # Nothing hidden is left to read: with a total of ten or more, a breakdown hidden in full has
    # two or more cells, and if they are all 9, (0, .., 0, 9k) would show the same.
    return total, {label: None if label in hidden else n for label, n in cells.items()}


def protect_linked(
    total: int,
    cells: Mapping[str, int],
    *,
    outer: int | None,
    outer_cells: Mapping[str, int | None],
    true_outer_cells: Mapping[str, int],
) -> tuple[int | None, dict[str, int | None]]:
    """A sub-population broken down by the same menu as its population (active participants
    by sector, inside participants by sector): two linked tables.

    A fund can subtract in both directions, so both the sub-population and what it leaves
    out (participants who were not active, say) must stay safe:
    - the sub-total shows only as a nested count of the published total;
    - a cell shows only inside a shown outer cell, with ten or more in it and outside it;
    - the hidden cells of the sub-population, and the hidden rest of the outer cells, each
      hold ten people or more together and are not all nines (as in a single breakdown).
    When they are not, the smallest shown cells (all of that size together) are hidden as a
    complement: that adds ten or more to both sums, so one step is enough.
    """
    if set(cells) != set(outer_cells) or set(cells) != set(true_outer_cells):
        raise ValueError("linked breakdowns must have the same labels")
    if any(not 0 <= cells[k] <= true_outer_cells[k] for k in cells) or sum(cells.values()) != total:
        raise ValueError("a sub-population's cells must lie inside their outer cells")
    shown_total = protect_nested(outer, total)
    if shown_total is None:
        return None, dict.fromkeys(cells)
    hidden = {
        label
        for label, n in cells.items()
        if outer_cells[label] is None or protect_nested(outer_cells[label], n) is None
    }
    rest = {label: true_outer_cells[label] - n for label, n in cells.items()}
    shown = [cells[label] for label in cells if label not in hidden]
    if (
        hidden
        and shown
        and (
            _still_revealing([cells[label] for label in hidden])
            or _still_revealing([rest[label] for label in hidden])
        )
    ):
        smallest = min(shown)
        hidden |= {label for label, n in cells.items() if n == smallest}
    return shown_total, {label: None if label in hidden else n for label, n in cells.items()}


def protect_nested(outer: int | None, inner: int) -> int | None:
    """Show a sub-population's count only when it and what it leaves out are both ten or more.

    `outer` is the *published* count of the closest population holding this one. If it is hidden,
    `inner` is hidden too: a complementary cell is known as part of a sum, and a shown inner
    bounds it from below (hidden {0, 12} with 12 inside the second pins both). A difference of 0
    is refused as well: "everyone did" tells the fund that nobody didn't.
    """
    if outer is None:
        return None
    if not 0 <= inner <= outer:
        raise ValueError("a nested count must lie between 0 and the count that holds it")
    return inner if inner >= MIN_PEOPLE and outer - inner >= MIN_PEOPLE else None


def protect_quest(
    started: int, completed: int, *, participants: int | None
) -> tuple[int | None, int | None]:
    """Started and completed counts of one quest (completed within started within participants).

    `participants` is the published count. Completed is compared with the closest *shown* count
    that holds it: when almost everyone started, `started` is hidden but completion can still
    show against the participants; the hidden `started` then lies in a range ten or more wide.
    """
    if not 0 <= completed <= started:
        raise ValueError("completed must lie between 0 and started")
    shown_started = protect_nested(participants, started)
    closest = shown_started if shown_started is not None else participants
    return shown_started, protect_nested(closest, completed)


def protect_breakdown(
    total: int, cells: Mapping[str, tuple[int, Metric]]
) -> tuple[int | None, list[Cell]]:
    """A breakdown with a metric per cell, in menu order, ready for the dashboard or a CSV.

    A metric rides on its cell: it is shown only with the cell's people count, since e.g. the
    quests completed by a hidden cell hint at its size. A Mean also follows `shown_mean`.
    """
    total_shown, people = protect_partition(total, {label: n for label, (n, _) in cells.items()})
    return total_shown, [
        Cell(label, people[label], _shown_metric(people[label], metric))
        for label, (_, metric) in cells.items()
    ]


def shown_mean(people: int | None, total: float, measured: int) -> float | None:
    """The mean of a measurement over a cell (`total` / `measured`), or None.

    `people` is the cell's *published* count: a mean rides on it. It also needs ten people with
    the measurement, or a few people's self-scans could be read off it.
    """
    return total / measured if _enough_measured(people, measured) else None


def _enough_measured(people: int | None, measured: int) -> bool:
    if people is None:
        return False
    if not 0 <= measured <= people:
        raise ValueError("a mean's measured people must be among the cell's people")
    return measured >= MIN_PEOPLE


def _shown_metric(people: int | None, metric: Metric) -> int | float | None:
    if people is None or metric is None:
        return None
    if isinstance(metric, Mean):
        return metric.value if _enough_measured(people, metric.measured) else None
    return metric
