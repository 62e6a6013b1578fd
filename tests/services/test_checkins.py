"""The follow-up step of a planned action: asked when its date comes, asked again on a new
date, answered once per round, and nobody else's business."""

from datetime import date, timedelta

import pytest

from game_server.db import session_scope
from game_server.models import ActionCheckin, CheckinOutcome, Notification
from game_server.services.common.errors import InvalidInput, NotFound
from game_server.services.guidance import reminders
from game_server.services.play import checkins

from ..factories import count, make_plans, make_user

TODAY = date(2026, 12, 1)


def _run(app, today=TODAY):
    with session_scope(app) as session:
        return reminders.send_due(session, app.extensions["catalog_source"].current(), today=today)


def _record(app, user, answer_id, outcome, today=TODAY, **more):
    with session_scope(app) as session:
        return checkins.record(
            session, user_id=user.id, answer_id=answer_id, outcome=outcome, today=today, **more
        )


def _unread(app, user):
    with session_scope(app) as session:
        return reminders.unread(session, user_id=user.id)


def test_not_yet_with_a_new_date_asks_again_on_that_date_and_only_then(app):
    worker = make_user(app)
    (plan,) = make_plans(app, worker, ("praat met mijn teamleider", TODAY))
    assert [s.kind for s in _run(app)] == ["action_checkin"]
    assert [r.data["answer_id"] for r in _unread(app, worker)] == [plan]

    again = TODAY + timedelta(days=7)
    _record(app, worker, plan, CheckinOutcome.NOT_YET, note="hij was ziek", next_due=again)
    assert _unread(app, worker) == []  # answering puts the check-in away
    assert _run(app, today=again - timedelta(days=1)) == []  # not before the new date

    sent = _run(app, today=again)
    assert [(s.kind, s.payload["due"], s.payload["answer_id"]) for s in sent] == [
        ("action_recheck", again.isoformat(), plan)
    ]
    assert _run(app, today=again) == []  # once

    second = _record(app, worker, plan, CheckinOutcome.DONE, today=again)
    assert (second.due, second.next_due) == (again, None)
    assert _unread(app, worker) == []
    assert _run(app, today=again + timedelta(days=30)) == []  # done is done
    with session_scope(app) as session:
        view = checkins.plan(
            session, app.extensions["catalog_source"].current(), user_id=worker.id, answer_id=plan
        )
    assert [(r.due, r.outcome) for r in view.rounds] == [
        (TODAY, CheckinOutcome.NOT_YET),
        (again, CheckinOutcome.DONE),
    ]


def test_the_same_check_in_sent_twice_is_stored_once(app):
    worker = make_user(app)
    (plan,) = make_plans(app, worker, ("vraag naar de cursus", TODAY))
    later = TODAY + timedelta(days=3)
    _record(app, worker, plan, CheckinOutcome.PARTLY, next_due=later)
    _record(app, worker, plan, CheckinOutcome.PARTLY, next_due=later)  # a double click
    assert count(app, ActionCheckin) == 1


def test_a_plan_told_about_early_is_not_asked_about(app):
    worker = make_user(app)
    (plan,) = make_plans(app, worker, ("schrijf de mail", TODAY + timedelta(days=2)))
    _record(app, worker, plan, CheckinOutcome.DONE)
    assert _run(app, today=TODAY + timedelta(days=2)) == []


def test_someone_elses_plan_or_another_answer_is_not_found(app):
    owner, other = make_user(app), make_user(app)
    (plan,) = make_plans(app, owner, ("bel Sanne", TODAY))
    with pytest.raises(NotFound):
        _record(app, other, plan, CheckinOutcome.DONE)
    with pytest.raises(NotFound):
        _record(app, owner, plan + 1000, CheckinOutcome.DONE)
    assert count(app, ActionCheckin) == 0


@pytest.mark.parametrize(
    "next_due", [TODAY, TODAY - timedelta(days=1), TODAY + timedelta(days=400)]
)
def test_a_new_date_must_be_after_today_and_within_a_year(app, next_due):
    worker = make_user(app)
    (plan,) = make_plans(app, worker, ("bel Sanne", TODAY))
    with pytest.raises(InvalidInput) as raised:
        _record(app, worker, plan, CheckinOutcome.NOT_YET, next_due=next_due)
    assert raised.value.field == "next_due"
    assert count(app, ActionCheckin) == 0


def test_a_reminder_is_put_away_by_its_owner_only(app):
    worker, other = make_user(app), make_user(app)
    make_plans(app, worker, ("bel Sanne", TODAY))
    _run(app)
    (reminder,) = _unread(app, worker)
    with session_scope(app) as session, pytest.raises(NotFound):
        reminders.mark_read(session, user_id=other.id, reminder_id=reminder.id)
    assert len(_unread(app, worker)) == 1
    for _ in range(2):  # twice is harmless
        with session_scope(app) as session:
            reminders.mark_read(session, user_id=worker.id, reminder_id=reminder.id)
    assert _unread(app, worker) == []
    assert count(app, Notification) == 1  # put away, not forgotten: no new reminder
    assert _run(app) == []


def test_a_new_round_told_about_before_the_job_ran_is_not_asked_about(app):
    worker = make_user(app)
    (plan,) = make_plans(app, worker, ("bel Sanne", TODAY))
    again = TODAY + timedelta(days=2)
    _record(app, worker, plan, CheckinOutcome.NOT_YET, next_due=again)
    _record(app, worker, plan, CheckinOutcome.DONE, today=again)  # from the journal, early
    assert _run(app, today=again) == []
