"""Reminders before an assignment's date and check-ins on planned actions: once each."""

from datetime import date, timedelta

from sqlmodel import select

from game_server.db import session_scope
from game_server.models import Notification, OutgoingMail, Role
from game_server.services.guidance import assignments, coaching, reminders

from ..factories import count, make_plans, make_user

TODAY = date(2026, 12, 1)


def _linked_assignment(app, due, worker=None):
    coach, worker = make_user(app, Role.COACH), worker or make_user(app)
    catalog = app.extensions["catalog_source"].current()
    with session_scope(app) as session:
        code = coaching.create_invite(session, coach_id=coach.id).code
        coaching.accept(session, worker_id=worker.id, code=code)
        assignments.assign(
            session,
            catalog,
            coach_id=coach.id,
            quest_id="open-to-all",
            worker_ids=[worker.id],
            due=due,
            today=TODAY,
        )
    return coach, worker


def _run(app):
    with session_scope(app) as session:
        return reminders.send_due(session, app.extensions["catalog_source"].current(), today=TODAY)


def test_an_assignment_due_soon_is_reminded_once_by_app_and_by_mail(app):
    _coach, worker = _linked_assignment(app, TODAY + timedelta(days=1))
    _linked_assignment(app, TODAY + timedelta(days=10))  # not yet
    _linked_assignment(app, None)  # no date: nothing to remind
    sent = _run(app)
    assert [(s.user_id, s.kind) for s in sent] == [(worker.id, "assignment_due")]
    with session_scope(app) as session:
        notification = session.exec(select(Notification)).one()
        queued = session.exec(
            select(OutgoingMail.key, OutgoingMail.user_id, OutgoingMail.message).where(
                OutgoingMail.message == "reminders"
            )
        ).all()
    # Queued with the reminder (the assignment itself queued its own mail before).
    assert queued == [(f"reminder:{notification.id}", worker.id, "reminders")]
    assert _run(app) == []  # the second run tells nobody again
    assert count(app, Notification) == 1
    assert count(app, OutgoingMail) == 3 + 1  # each assignment mailed once, one reminder


def test_a_planned_action_whose_date_came_gets_one_check_in(app):
    worker = make_user(app)
    make_plans(app, worker, ("bel Sanne", TODAY), ("later", TODAY + timedelta(days=5)))
    sent = _run(app)
    assert [(s.kind, s.payload["text"]) for s in sent] == [("action_checkin", "bel Sanne")]
    assert _run(app) == []


def test_after_withdrawal_the_coachs_assignment_reminds_nobody(app):
    _coach, worker = _linked_assignment(app, TODAY + timedelta(days=1))
    with session_scope(app) as session:
        link = coaching.my_coaches(session, worker_id=worker.id)[0]
        coaching.withdraw(session, worker_id=worker.id, link_id=link.id)
    assert _run(app) == []


def test_without_redis_the_server_runs_the_job_itself(app):
    from game_server import jobs

    _linked_assignment(app, date.today() + timedelta(days=1))
    assert jobs.send_reminders(app) == 1
    assert jobs.send_reminders(app) == 0
