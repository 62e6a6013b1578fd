"""Levels, the weekly rhythm, and self-scan growth."""

from datetime import date, timedelta

from game_server.db import session_scope
from game_server.models import ScanGrowth, utcnow
from game_server.services.progress.progression import LEVELS, level_for, record_growth, rhythm_of

from ..factories import make_user

MONDAY = date(2026, 11, 23)  # a Monday in the last quarter of 2026


def weeks_back(*offsets: int) -> set[date]:
    return {MONDAY - timedelta(weeks=n) for n in offsets}


def test_levels_follow_the_published_thresholds():
    assert level_for(0).level == 1
    assert level_for(LEVELS[1] - 1).level == 1
    assert level_for(LEVELS[1]).level == 2
    assert level_for(LEVELS[1]).next_level_at == LEVELS[2]
    top = level_for(10_000)
    assert top.level == len(LEVELS) and top.next_level_at is None


def test_the_overall_level_uses_the_same_steps_on_the_total():
    assert level_for(LEVELS[2] * 4, factor=4).level == 3


def test_consecutive_active_weeks_make_the_rhythm():
    rhythm = rhythm_of(weeks_back(0, 1, 2), MONDAY + timedelta(days=3))
    assert rhythm.weeks == 3 and rhythm.active_this_week


def test_the_current_week_is_not_over_and_does_not_break_the_rhythm():
    rhythm = rhythm_of(weeks_back(1, 2), MONDAY + timedelta(days=2))
    assert rhythm.weeks == 2 and not rhythm.active_this_week
    assert rhythm.pauses_left_this_quarter == 2


def test_two_quiet_weeks_per_quarter_are_bridged_automatically():
    rhythm = rhythm_of(weeks_back(0, 2, 4, 5), MONDAY)
    assert rhythm.weeks == 4
    assert rhythm.pauses_left_this_quarter == 0


def test_a_third_quiet_week_in_a_quarter_ends_the_rhythm():
    rhythm = rhythm_of(weeks_back(0, 2, 4, 6, 7), MONDAY)
    assert rhythm.weeks == 3  # weeks 0, 2 and 4; week 5 would be the third pause


def test_no_quests_means_a_rhythm_of_zero_without_penalty():
    rhythm = rhythm_of(set(), MONDAY)
    assert rhythm.weeks == 0 and rhythm.pauses_left_this_quarter == 2


def test_growth_keeps_the_first_and_the_latest_scan_in_whatever_order_they_come(app):
    worker = make_user(app)
    now = utcnow()
    with session_scope(app) as session:
        record_growth(session, worker.id, "steering", 2.0, now)
        record_growth(session, worker.id, "steering", 3.0, now + timedelta(days=7))
        record_growth(session, worker.id, "steering", 1.0, now - timedelta(days=1))  # backdated
        # At the same moment as the latest one: the later scan of the two (as scanned_at, id).
        record_growth(session, worker.id, "steering", 4.0, now + timedelta(days=7))
    with session_scope(app) as session:
        growth = session.get(ScanGrowth, (worker.id, "steering"))
        assert (growth.scans, growth.first_score, growth.latest_score) == (4, 1.0, 4.0)
        assert session.get(ScanGrowth, (worker.id, "reflecting")) is None
