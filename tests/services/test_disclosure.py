"""Disclosure control: nothing a fund is shown, or can compute from it, counts 0..9 people."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game_server.services.common.disclosure import (
    MIN_PEOPLE,
    Cell,
    Mean,
    protect_breakdown,
    protect_nested,
    protect_partition,
    protect_quest,
    shown_mean,
)

PROPERTY = settings(max_examples=300, deadline=None)

# Disclosure happens at small numbers and at the threshold, so draw those most of the time.
edges = st.sampled_from([0, 1, MIN_PEOPLE - 1, MIN_PEOPLE, MIN_PEOPLE + 1])
counts = st.one_of(edges, st.integers(0, MIN_PEOPLE + 2), st.integers(0, 60))
# The rules must not care what the menu calls a cell.
labels = st.text(alphabet="abcdefgh", min_size=1, max_size=3)


@st.composite
def partitions(draw, max_cells=8, people=counts):
    names = draw(st.lists(labels, min_size=1, max_size=max_cells, unique=True))
    cells = {name: draw(people) for name in names}
    return sum(cells.values()), cells


def is_small(n: int | None) -> bool:
    return n is not None and 0 <= n < MIN_PEOPLE


def attackers_view(total, shown):
    """What a fund knows of the hidden cells: their sum, and a bound on each.

    A hidden cell is under ten, or a complement: of the smallest size that is not under ten.
    Either way it is no larger than any shown cell.
    """
    shown_cells = [n for n in shown.values() if n is not None]
    hidden_sum = total - sum(shown_cells)
    return hidden_sum, min(shown_cells, default=hidden_sum)


def possible_values(hidden_sum, bound, hidden_count):
    """Every value one hidden cell can take, all others in 0..bound and the sum as known.

    The others can make any sum from 0 to (hidden_count - 1) * bound, so the range is exact.
    """
    low = max(0, hidden_sum - (hidden_count - 1) * bound)
    return range(low, min(bound, hidden_sum) + 1)


# ---- examples ----------------------------------------------------------------------------


def test_fewer_than_ten_people_show_nothing_at_all():
    assert protect_partition(9, {"zorg": 5, "bouw": 4}) == (None, {"zorg": None, "bouw": None})


def test_a_small_cell_is_hidden_with_the_smallest_other_cell_as_complement():
    total, cells = protect_partition(58, {"zorg": 30, "bouw": 25, "logistiek": 3})
    assert total == 58
    assert cells == {"zorg": 30, "bouw": None, "logistiek": None}


def test_everyone_in_one_cell_hides_the_whole_breakdown_but_not_the_total():
    # Empty cells are hidden; hiding the 50 is the only way to keep them unknown.
    total, cells = protect_partition(50, {"noord": 50, "oost": 0, "zuid": 0})
    assert total == 50
    assert cells == {"noord": None, "oost": None, "zuid": None}


def test_breakdowns_with_only_large_cells_are_shown_in_full():
    assert protect_partition(45, {"a": 10, "b": 35}) == (45, {"a": 10, "b": 35})


def test_small_cells_that_together_hold_ten_need_no_complement():
    assert protect_partition(50, {"a": 9, "b": 1, "c": 40}) == (50, {"a": None, "b": None, "c": 40})


def test_a_small_cell_with_empty_ones_still_takes_a_complement():
    total, cells = protect_partition(55, {"a": 3, "b": 0, "c": 12, "d": 40})
    assert cells == {"a": None, "b": None, "c": None, "d": 40}


def test_equal_complements_are_hidden_together():
    # Choosing one by label would tell the fund which one it could have been.
    _, cells = protect_partition(54, {"b": 12, "a": 12, "c": 5, "d": 25})
    assert cells == {"b": None, "a": None, "c": None, "d": 25}


def test_hidden_cells_that_are_all_nines_take_a_complement():
    # Two hidden cells holding 18 people, each under ten, could only be 9 and 9.
    assert protect_partition(58, {"a": 9, "b": 9, "c": 40}) == (58, dict.fromkeys("abc"))
    # With nothing left to add it is safe as it is: (0, 18) would look the same.
    assert protect_partition(18, {"a": 9, "b": 9}) == (18, dict.fromkeys("ab"))


def test_a_breakdown_that_misses_people_is_refused():
    with pytest.raises(ValueError):
        protect_partition(30, {"a": 12, "b": 12})  # the "unknown" cell was left out


def test_a_nested_count_needs_ten_inside_and_ten_outside():
    assert protect_nested(50, 40) == 40
    assert protect_nested(50, 45) is None  # would reveal that 5 people are not in it
    assert protect_nested(50, 50) is None  # would reveal that nobody is not in it
    assert protect_nested(50, 9) is None
    assert protect_nested(None, 40) is None  # a hidden outer stays hidden


def test_completion_is_shown_against_the_participants_when_almost_all_started():
    assert protect_quest(50, 35, participants=50) == (None, 35)
    assert protect_quest(40, 35, participants=60) == (40, None)
    assert protect_quest(30, 25, participants=60) == (30, None)
    assert protect_quest(40, 20, participants=60) == (40, 20)
    assert protect_quest(40, 20, participants=None) == (None, None)


def test_metrics_of_hidden_cells_and_thin_means_are_dropped():
    total, cells = protect_breakdown(
        58,
        {"zorg": (30, Mean(0.8, 12)), "bouw": (25, 14), "logistiek": (3, 2)},
    )
    assert total == 58
    assert cells == [Cell("zorg", 30, 0.8), Cell("bouw", None), Cell("logistiek", None)]
    _, [cell, _] = protect_breakdown(40, {"zorg": (30, Mean(0.8, 9)), "bouw": (10, None)})
    assert cell == Cell("zorg", 30, None)


def test_a_mean_needs_its_cell_shown_and_ten_measured():
    assert shown_mean(30, 8.0, 10) == 0.8
    assert shown_mean(30, 7.2, 9) is None
    assert shown_mean(None, 8.0, 10) is None
    with pytest.raises(ValueError):
        shown_mean(10, 8.0, 11)


# ---- properties --------------------------------------------------------------------------


@PROPERTY
@given(partitions())
def test_no_shown_cell_counts_fewer_than_ten(partition):
    total, cells = partition
    shown_total, shown = protect_partition(total, cells)
    assert not is_small(shown_total)
    assert not any(is_small(n) for n in shown.values())
    assert all(n in (None, cells[label]) for label, n in shown.items())


@PROPERTY
@given(partitions())
def test_no_difference_of_shown_counts_is_a_small_group(partition):
    total, cells = partition
    shown_total, shown = protect_partition(total, cells)
    if shown_total is None:
        assert all(n is None for n in shown.values())
        return
    visible = [n for n in shown.values() if n is not None]
    # Total minus any selection of shown cells is the people in the other cells.
    for size in range(len(visible) + 1):
        for selection in itertools.combinations(visible, size):
            rest = total - sum(selection)
            everyone_selected = size == len(cells)
            assert (rest == 0 and everyone_selected) or rest >= MIN_PEOPLE


@PROPERTY
@given(partitions())
def test_no_hidden_cell_can_be_pinned_down(partition):
    total, cells = partition
    shown_total, shown = protect_partition(total, cells)
    hidden = [label for label, n in shown.items() if n is None]
    if shown_total is None or not hidden:
        return
    hidden_sum, bound = attackers_view(shown_total, shown)
    for label in hidden:
        values = possible_values(hidden_sum, bound, len(hidden))
        assert cells[label] in values  # the attacker's knowledge is true...
        assert len(values) >= 2  # ...and still leaves more than one possibility


def spreads(people, cells):
    """Every way to spread `people` over `cells` cells."""
    for cuts in itertools.combinations_with_replacement(range(people + 1), cells - 1):
        bounds = (0, *cuts, people)
        yield tuple(high - low for low, high in itertools.pairwise(bounds))


def guesses(true_values):
    """The hidden numbers a fund might try: likely ones first (for speed), then all of them."""
    yield from itertools.permutations(true_values)
    for source, target in itertools.permutations(range(len(true_values)), 2):
        moved = list(true_values)
        moved[source] -= 1
        moved[target] += 1
        yield tuple(moved)
    yield from spreads(sum(true_values), len(true_values))


def pinned_by_replaying(cells):
    """Hidden cells a fund pins down by trying every way their people could be spread and
    keeping the ways that give exactly the dashboard it was shown."""
    total = sum(cells.values())
    published = protect_partition(total, cells)
    hidden = [label for label, n in published[1].items() if n is None]
    if published[0] is None:
        return []  # nothing at all is shown
    true_values = tuple(cells[label] for label in hidden)

    def looks_the_same(guess):
        return (
            protect_partition(total, {**cells, **dict(zip(hidden, guess, strict=True))})
            == published
        )

    return [
        label
        for position, label in enumerate(hidden)
        if not any(
            guess[position] != true_values[position] and min(guess) >= 0 and looks_the_same(guess)
            for guess in guesses(true_values)
        )
    ]


@PROPERTY
@given(partitions(max_cells=4, people=st.one_of(edges, edges, st.integers(0, 30))))
def test_a_fund_replaying_the_rules_cannot_pin_down_a_hidden_cell(partition):
    _, cells = partition
    assert pinned_by_replaying(cells) == []


def test_no_breakdown_near_the_threshold_lets_a_replaying_fund_pin_down_a_cell():
    # Every breakdown of up to three cells drawn from where ties and nines live.
    near = (0, 1, 2, 8, 9, 10, 11, 12, 17, 18, 19)
    for size in (1, 2, 3):
        for numbers in itertools.product(near, repeat=size):
            cells = dict(zip("abc"[:size], numbers, strict=True))
            assert pinned_by_replaying(cells) == [], cells


@st.composite
def nested_counts(draw):
    outer = draw(counts)
    inner = draw(st.integers(0, outer))
    # The outer may be hidden for being small, or as somebody's complement.
    published = draw(st.sampled_from([outer, None])) if outer >= MIN_PEOPLE else None
    return outer, published, inner


@PROPERTY
@given(nested_counts())
def test_a_nested_count_and_its_outer_never_differ_by_a_small_group(case):
    outer, published, inner = case
    shown = protect_nested(published, inner)
    assert not is_small(shown)
    if shown is not None:
        assert shown == inner and published == outer
        assert outer - inner >= MIN_PEOPLE
    elif published is not None:  # a fund replaying the rule still has more than one guess
        assert (
            len([guess for guess in range(outer + 1) if protect_nested(outer, guess) is None]) > 1
        )


@PROPERTY
@given(counts.flatmap(lambda p: st.tuples(st.just(p), st.integers(0, p))), st.data())
def test_quest_counts_never_reveal_a_small_group(participants_started, data):
    participants, started = participants_started
    completed = data.draw(st.integers(0, started))
    published = participants if participants >= MIN_PEOPLE else None
    shown_started, shown_completed = protect_quest(started, completed, participants=published)
    chain = [(published, participants), (shown_started, started), (shown_completed, completed)]
    assert all(shown in (None, true) and not is_small(shown) for shown, true in chain)
    visible = [shown for shown, _ in chain if shown is not None]
    for larger, smaller in itertools.combinations(visible, 2):
        assert larger - smaller >= MIN_PEOPLE
    if published is not None:  # a fund replaying the rule keeps more than one guess per hidden
        consistent = [
            (s, c)
            for s in range(participants + 1)
            for c in range(s + 1)
            if protect_quest(s, c, participants=published) == (shown_started, shown_completed)
        ]
        assert shown_started is not None or len({s for s, _ in consistent}) > 1
        assert shown_completed is not None or len({c for _, c in consistent}) > 1


def metrics(people):
    """A count (e.g. quests completed), a mean over some of the cell's people, or nothing."""
    means = st.builds(Mean, st.floats(-1, 1), st.integers(0, people))
    return st.one_of(st.none(), st.integers(0, 99), means)


@PROPERTY
@given(partitions(), st.data())
def test_metrics_are_shown_only_with_their_people(partition, data):
    total, people = partition
    cells = {label: (n, data.draw(metrics(n))) for label, n in people.items()}
    _, shown = protect_breakdown(total, cells)
    assert [cell.label for cell in shown] == list(people)
    for cell in shown:
        metric = cells[cell.label][1]
        if cell.value is not None:
            assert cell.people is not None
            assert not isinstance(metric, Mean) or metric.measured >= MIN_PEOPLE
