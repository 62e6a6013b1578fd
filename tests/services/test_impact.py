"""The fund's dashboard against a fund doing arithmetic, over random populations.

Hypothesis draws people (sector, age band, province, week of joining, whether they were
active, how many quests, whether they took an offer, which quests they started and
completed), counts them per cell the way the database does, and runs the very function the
dashboard and the CSV use. Whatever the population:
- no shown people count lies in 0..9;
- for every two shown figures whose populations nest (a cell in its total, active people in
  their cell, completers in starters, ...), the difference is at least 10;
- sums do not help either: a total minus the shown cells of its breakdown is 0 with nothing
  hidden, or at least 10, for each table and for what the sub-populations leave out.
"""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game_server.services.common.menus import AGE_BANDS, REGIONS, SECTORS, UNKNOWN, Breakdown
from game_server.services.funds import impact

QUESTS = ("q1", "q2", "q3")
WEEKS = ("2026-06-01", "2026-06-08", "2026-06-15")
MENU = {
    Breakdown.SECTOR: [*SECTORS, UNKNOWN],
    Breakdown.AGE_BAND: [*AGE_BANDS, UNKNOWN],
    Breakdown.REGION: [*REGIONS, UNKNOWN],
    Breakdown.WEEK: list(WEEKS),
}


@st.composite
def person(draw, sectors):
    started = draw(st.sets(st.sampled_from(QUESTS)))
    completed = draw(st.sets(st.sampled_from(sorted(started)))) if started else set()
    return {
        Breakdown.SECTOR: draw(sectors),
        Breakdown.AGE_BAND: draw(st.sampled_from([*AGE_BANDS, UNKNOWN])),
        Breakdown.REGION: draw(st.sampled_from([*REGIONS[:3], UNKNOWN])),
        Breakdown.WEEK: draw(st.sampled_from(WEEKS)),
        "started": started,
        "completed": completed,
        "offer": draw(st.booleans()),
    }


@st.composite
def populations(draw):
    # Few labels in play, so that cells near ten are common: that is where leaks hide.
    sectors = st.sampled_from(
        draw(st.lists(st.sampled_from([*SECTORS, UNKNOWN]), min_size=1, max_size=3))
    )
    return draw(st.lists(person(sectors), min_size=0, max_size=70))


def _raw(people, breakdown):
    counts: dict[str, list[int]] = {}
    for p in people:
        label = p[breakdown] if breakdown else "total"
        cell = counts.setdefault(label, [0, 0, 0, 0])
        cell[0] += 1
        cell[1] += bool(p["completed"])
        cell[2] += len(p["completed"])
        cell[3] += p["offer"]
    return {label: tuple(values) for label, values in counts.items()}


def _quests(people):
    started = Counter(q for p in people for q in p["started"])
    completed = Counter(q for p in people for q in p["completed"])
    return {q: (started[q], completed[q]) for q in QUESTS}


def _small(value) -> bool:
    return value is not None and value < 10


def _nested_ok(outer, inner) -> bool:
    return outer is None or inner is None or outer - inner >= 10


def _sum_ok(total, shown_cells) -> bool:
    """A total minus its shown cells: 0 only when nothing is hidden, else ten or more."""
    if total is None:
        return True
    known = [c for c in shown_cells if c is not None]
    rest = total - sum(known)
    return (rest == 0 and len(known) == len(shown_cells)) or rest >= 10


def _check(board, people):
    total, rows = board.total, board.rows
    figures = [total.participants, total.active, total.offers_taken]
    figures += [v for r in rows for v in (r.participants, r.active, r.offers_taken)]
    figures += [v for q in board.quests for v in (q.started, q.completed)]
    assert not any(_small(v) for v in figures), board
    for sub in ("active", "offers_taken"):
        assert _nested_ok(total.participants, getattr(total, sub))
        for row in rows:
            assert _nested_ok(row.participants, getattr(row, sub)), (sub, row)
            assert _nested_ok(total.participants, row.participants)
            assert _nested_ok(getattr(total, sub), getattr(row, sub))
    for q in board.quests:
        assert _nested_ok(total.participants, q.started)
        assert _nested_ok(q.started, q.completed)
        assert _nested_ok(total.participants, q.completed)
        assert _nested_ok(total.active, q.completed)
    if rows:
        assert _sum_ok(total.participants, [r.participants for r in rows])
        for sub in ("active", "offers_taken"):
            assert _sum_ok(getattr(total, sub), [getattr(r, sub) for r in rows]), sub
            # What the sub-population leaves out, per cell where both are shown.
            if total.participants is not None and getattr(total, sub) is not None:
                rest_total = total.participants - getattr(total, sub)
                rest = [
                    r.participants - getattr(r, sub)
                    if r.participants is not None and getattr(r, sub) is not None
                    else None
                    for r in rows
                ]
                assert _sum_ok(rest_total, rest), (sub, rest_total, rest)
    # The CSV says the same, hidden the same way.
    for line in impact.as_csv_rows(board)[1:]:
        assert not any(
            cell.isdigit() and int(cell) < 10 for cell in line[1:2] + line[2:3] + line[4:]
        )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations(), st.sampled_from([None, *MENU]))
def test_no_figure_or_difference_a_fund_can_form_counts_fewer_than_ten(people, breakdown):
    labels = MENU[breakdown] if breakdown else None
    board = impact.protect(1, breakdown, labels, _raw(people, breakdown), _quests(people))
    _check(board, people)


def test_a_large_population_shows_its_figures_and_hides_one_complement_for_the_empty_cells():
    people = [
        {
            Breakdown.SECTOR: sector,
            "started": {"q1"},
            "completed": {"q1"} if n % 2 else set(),
            "offer": n % 4 == 0,
        }
        for sector, size in (("transport", 60), ("cleaning", 40), ("care", 30))
        for n in range(size)
    ]
    board = impact.protect(
        1, Breakdown.SECTOR, [*SECTORS, UNKNOWN], _raw(people, Breakdown.SECTOR), _quests(people)
    )
    total = board.total
    assert (total.participants, total.active, total.offers_taken) == (130, 65, 15 + 10 + 8)
    shown = {r.label: (r.participants, r.active) for r in board.rows if r.participants}
    # The empty sectors are hidden, so the smallest filled one is hidden with them: otherwise
    # the total minus the shown cells would say "nobody in the other sectors".
    assert shown == {"transport": (60, 30), "cleaning": (40, 20)}
    # Everyone started q1, and every active person completed it: showing either would say
    # "nobody didn't", a count of zero.
    assert [(q.started, q.completed) for q in board.quests][0] == (None, None)


# Counts near the threshold, drawn per cell: linked tables leak where cells are just
# above or below ten, which people drawn one by one rarely reach.
near = st.one_of(st.integers(0, 3), st.integers(8, 12), st.integers(17, 22), st.integers(0, 45))


@st.composite
def linked_cells(draw):
    cells = {}
    for week in WEEKS:
        people = draw(near)
        active = draw(st.integers(0, people))
        offers = draw(st.integers(0, people))
        cells[week] = (people, active, active, offers)
    return cells


@settings(max_examples=600, deadline=None)
@given(linked_cells())
def test_active_people_and_offers_by_week_leak_nothing_in_either_direction(cells):
    board = impact.protect(1, Breakdown.WEEK, list(WEEKS), cells, {})
    _check(board, people=None)
