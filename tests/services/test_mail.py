"""E-mail through a real SMTP server (aiosmtpd on a free port): mail arrives once, in the
recipient's language, as text and HTML with working unsubscribe links; two senders at once
send each mail once; a server that is down delays mail and loses none."""

import re
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from game_server import jobs
from game_server.db import session_scope
from game_server.models import Channel, NotificationKind, OutgoingMail, Role, User, utcnow
from game_server.services.guidance import assignments, coaching
from game_server.services.outreach import outbox, preferences

from ..factories import make_user
from ..smtp_server import SmtpServer, free_port, html_of, text_of


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app_factory, database_url, smtp):
    return app_factory(
        database_url, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_starttls=False
    )


def _assign(app, coach, *workers):
    catalog = app.extensions["catalog_source"].current()
    with session_scope(app) as session:
        for worker in workers:
            code = coaching.create_invite(session, coach_id=coach.id).code
            coaching.accept(session, worker_id=worker.id, code=code)
        assignments.assign(
            session,
            catalog,
            coach_id=coach.id,
            quest_id="open-to-all",
            worker_ids=[w.id for w in workers],
            message="Succes!",
        )


def _locale(app, user, locale):
    with session_scope(app) as session:
        row = session.get(User, user.id)
        row.locale = locale
        session.add(row)
        session.commit()


def test_an_assignment_mail_arrives_once_in_each_workers_language(mail_app, smtp):
    coach = make_user(mail_app, Role.COACH, display_name="Coach Sanne")
    dutch, english = make_user(mail_app), make_user(mail_app)
    _locale(mail_app, english, "en")
    _assign(mail_app, coach, dutch, english)
    assert jobs.deliver_mail(mail_app) == 2
    assert jobs.deliver_mail(mail_app) == 0  # the job again: nothing twice
    [nl] = smtp.inbox.to(dutch.email)
    [en] = smtp.inbox.to(english.email)
    assert nl["Subject"] == "Coach Sanne heeft een quest voor je: Voor iedereen"
    assert en["Subject"] == "Coach Sanne has a quest for you: For everyone"
    assert "Succes!" not in text_of(nl)  # the coach's note stays on the site
    assert "Begin met spelen" in text_of(nl) and "Begin met spelen" in html_of(nl)
    assert "Start playing" in text_of(en)
    assert nl["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<http://localhost/unsubscribe/[^>]+>", nl["List-Unsubscribe"].strip())
    with session_scope(mail_app) as session:
        rows = session.exec(select(OutgoingMail)).all()
    assert {(r.attempts, r.params, r.sent_at is not None) for r in rows} == {(1, "{}", True)}


def test_the_unsubscribe_link_works_without_logging_in(mail_app, smtp):
    coach, worker = make_user(mail_app, Role.COACH), make_user(mail_app)
    _assign(mail_app, coach, worker)
    jobs.deliver_mail(mail_app)
    [message] = smtp.inbox.to(worker.email)
    link = re.search(r"http://localhost(/unsubscribe/\S+)", text_of(message)).group(1)
    client = mail_app.test_client()  # nobody logged in
    asked = client.get(link)
    assert asked.status_code == 200 and "Ja, stop deze mails" in asked.get_data(as_text=True)
    with session_scope(mail_app) as session:  # a GET (a mail scanner) changes nothing
        assert (
            preferences.channel(session, user_id=worker.id, kind=NotificationKind.ASSIGNMENT)
            == Channel.EMAIL
        )
    one_click = client.post(link, data={"List-Unsubscribe": "One-Click"})  # no CSRF, no cookie
    assert one_click.status_code == 200
    with session_scope(mail_app) as session:
        assert (
            preferences.channel(session, user_id=worker.id, kind=NotificationKind.ASSIGNMENT)
            == Channel.IN_APP
        )
    _assign(mail_app, coach, make_user(mail_app))  # another worker; and this one again:
    _assign(mail_app, coach, worker)
    jobs.deliver_mail(mail_app)
    assert len(smtp.inbox.to(worker.email)) == 1  # no new mail for the one who said stop
    forged = client.post(link[:-3] + "xyz")
    assert forged.status_code == 404


def test_two_senders_at_once_send_each_mail_once(mail_app, smtp):
    coach = make_user(mail_app, Role.COACH)
    workers = [make_user(mail_app) for _ in range(12)]
    _assign(mail_app, coach, *workers)
    start = threading.Barrier(4)
    sent = []

    def sender():
        start.wait()
        sent.append(jobs.deliver_mail(mail_app))

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 12
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(w.email for w in workers)


def test_a_server_that_is_down_delays_mail_and_loses_none(app_factory, database_url):
    port = free_port()  # nothing listens here yet
    app = app_factory(database_url, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
    coach, worker = make_user(app, Role.COACH), make_user(app)
    _assign(app, coach, worker)
    assert jobs.deliver_mail(app) == 0
    assert jobs.deliver_mail(app) == 0  # not due again yet: backing off
    with session_scope(app) as session:
        row = session.exec(select(OutgoingMail)).one()
        assert row.attempts == 1 and row.sent_at is None and row.last_error
        assert row.next_attempt_at > utcnow() + timedelta(seconds=30)
    server = SmtpServer(port).start()
    try:
        with app.app_context(), session_scope(app) as session:
            from game_server import mail

            later = utcnow() + timedelta(minutes=2)
            delivered = outbox.deliver_due(
                session,
                compose=lambda s, r: mail.compose(app, s, r),
                send=mail.sender(app),
                now=later,
            )
        assert delivered == 1
        assert len(server.inbox.to(worker.email)) == 1
    finally:
        server.stop()


def test_without_smtp_mail_is_only_logged_and_marked_done(app, caplog):
    coach, worker = make_user(app, Role.COACH), make_user(app)
    _assign(app, coach, worker)
    with caplog.at_level("INFO", logger="game_server.mail"):
        assert jobs.deliver_mail(app) == 1
    assert "no GAME_SMTP_HOST" in caplog.text and worker.email not in caplog.text


def test_queueing_one_thing_twice_queues_one_mail(app):
    worker = make_user(app)
    with session_scope(app) as session:
        first = outbox.queue(session, key="test:1", user_id=worker.id, message="assignment")
        again = outbox.queue(session, key="test:1", user_id=worker.id, message="assignment")
        session.commit()
        rows = session.exec(select(OutgoingMail)).all()
    assert (first, again, len(rows)) == (True, False, 1)


def test_the_weekly_mail_comes_once_a_week_with_the_news_and_a_quest(mail_app, smtp):
    from game_server.mail import unsubscribe_token
    from game_server.services.guidance import digest

    coach, worker = make_user(mail_app, Role.COACH), make_user(mail_app)
    with session_scope(mail_app) as session:
        preferences.choose(
            session, user_id=worker.id, chosen={"assignment": "digest", "reminders": "digest"}
        )
    _assign(mail_app, coach, worker)  # not mailed now: it waits for the weekly mail
    assert jobs.deliver_mail(mail_app) == 0
    with session_scope(mail_app) as session:
        assert session.exec(select(OutgoingMail)).first() is None
    # A week on: the mail tells the week before its Monday, which holds the assignment.
    later = utcnow() + timedelta(days=7)
    with session_scope(mail_app) as session:
        assert digest.queue_week(session, now=later) == 1
        assert digest.queue_week(session, now=later) == 0  # a second round, or process: once
    with mail_app.app_context(), session_scope(mail_app) as session:
        from game_server import mail

        sent = outbox.deliver_due(
            session,
            compose=lambda s, r: mail.compose(mail_app, s, r),
            send=mail.sender(mail_app),
            now=later + timedelta(days=1),
        )
    assert sent == 1
    [message] = smtp.inbox.to(worker.email)
    assert message["Subject"] == "Jouw week op Loopbaan Quest"
    body = text_of(message)
    assert "Een coach gaf je: Voor iedereen" in body
    assert "Probeer deze quest" in body  # one quest to play next
    link = re.search(r"http://localhost(/unsubscribe/\S+)", body).group(1)
    assert link.endswith(unsubscribe_token(mail_app, user_id=worker.id, kind="digest"))
    assert mail_app.test_client().post(link).status_code == 200
    with session_scope(mail_app) as session:
        chosen = preferences.choices(session, user_id=worker.id)
    assert chosen[NotificationKind.ASSIGNMENT] == chosen[NotificationKind.REMINDERS]
    assert chosen[NotificationKind.ASSIGNMENT] == Channel.IN_APP


def test_nobody_gets_a_weekly_mail_without_choosing_it(mail_app, smtp):
    from game_server.services.guidance import digest

    make_user(mail_app)
    with session_scope(mail_app) as session:
        assert digest.queue_week(session, now=utcnow()) == 0


def test_group_news_goes_only_to_members_who_want_it_and_names_are_escaped(mail_app, smtp):
    from ..factories import GroupPlayer, make_group

    anna = make_user(mail_app, display_name="Anna <b>de baas</b>")
    bram, chris = make_user(mail_app), make_user(mail_app)
    group_id = make_group(mail_app, anna, bram, chris)
    with session_scope(mail_app) as session:
        preferences.choose(session, user_id=bram.id, chosen={"group": "email"})
    player = GroupPlayer(mail_app.test_client(), mail_app, anna, group_id)
    player.start()
    player.finish()
    assert jobs.deliver_mail(mail_app) == 1
    [message] = smtp.inbox.messages
    assert message["To"] == bram.email  # not Chris (site only, the default), not Anna
    assert message["Subject"] == "Nieuws uit Nachtploeg"
    assert "Anna <b>de baas</b> speelde een quest uit in Nachtploeg" in text_of(message)
    assert "Anna &lt;b&gt;de baas&lt;/b&gt;" in html_of(message)  # no markup from a name


def test_a_challenge_closing_soon_is_news_once_for_those_who_want_it(mail_app, smtp):
    from game_server.services.guidance import reminders

    from ..challenge_fixtures import join, make_challenge, make_fund_member

    _id, code = make_challenge(
        mail_app, make_fund_member(mail_app), ends_at=utcnow() + timedelta(days=2)
    )
    wants, quiet = make_user(mail_app), make_user(mail_app)
    for worker in (wants, quiet):
        join(mail_app, code, worker)
    with session_scope(mail_app) as session:
        preferences.choose(session, user_id=wants.id, chosen={"challenge": "email"})
    catalog = mail_app.extensions["catalog_source"].current()
    for _ in range(2):  # the job twice: told once
        with session_scope(mail_app) as session:
            reminders.send_due(session, catalog)
    assert jobs.deliver_mail(mail_app) == 1
    [message] = smtp.inbox.messages
    assert message["To"] == wants.email
    assert message["Subject"] == "“Zomer van de vrachtwagen” sluit bijna"
    with session_scope(mail_app) as session:  # both see it on the site
        for worker in (wants, quiet):
            assert [r.kind for r in reminders.unread(session, user_id=worker.id)] == [
                "challenge_ending"
            ]


def _ics_of(message):
    from icalendar import Calendar

    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


def test_booking_moving_and_cancelling_send_each_side_the_newest_invite(mail_app, smtp):
    from game_server.services.guidance import bookings
    from game_server.services.guidance.bookings import SlotDraft

    coach = make_user(mail_app, Role.COACH, display_name="Coach Carla")
    worker = make_user(mail_app, display_name="Willem")
    start = utcnow().replace(microsecond=0) + timedelta(days=3)
    with session_scope(mail_app) as session:
        slots = [
            bookings.publish_slot(
                session,
                publisher_id=coach.id,
                draft=SlotDraft(starts_at=start + timedelta(hours=n), minutes=45, channel="phone"),
            ).id
            for n in range(2)
        ]
        booking = bookings.book(session, slot_id=slots[0], user_id=worker.id)
    assert jobs.deliver_mail(mail_app) == 2  # the worker and the coach
    [to_worker] = smtp.inbox.to(worker.email)
    assert to_worker["Subject"].startswith("Afspraak: ") and "Coach Carla" in to_worker["Subject"]
    event = _ics_of(to_worker).walk("VEVENT")[0]
    assert _ics_of(to_worker)["METHOD"] == "REQUEST" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == start
    [to_coach] = smtp.inbox.to(coach.email)
    assert "Willem" in to_coach["Subject"]
    # Moved and then cancelled before the job ran: only the cancellation goes out.
    with session_scope(mail_app) as session:
        bookings.reschedule(session, booking_id=booking.id, user_id=worker.id, slot_id=slots[1])
        bookings.cancel_booking(session, booking_id=booking.id, user_id=worker.id)
    assert jobs.deliver_mail(mail_app) == 2
    latest = smtp.inbox.to(worker.email)[-1]
    assert latest["Subject"].startswith("Afspraak afgezegd")
    calendar = _ics_of(latest)
    assert calendar["METHOD"] == "CANCEL"
    assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 2
    assert calendar.walk("VEVENT")[0]["UID"] == event["UID"]


def test_the_reminder_before_a_conversation_goes_once_to_both(mail_app, smtp):
    from game_server.services.guidance import bookings
    from game_server.services.guidance.bookings import SlotDraft

    coach, worker = make_user(mail_app, Role.COACH), make_user(mail_app)
    with session_scope(mail_app) as session:
        slot = bookings.publish_slot(
            session,
            publisher_id=coach.id,
            draft=SlotDraft(
                starts_at=utcnow() + timedelta(hours=20),
                minutes=30,
                channel="video",
                link="https://meet.example.nl/abc",
            ),
        )
        bookings.book(session, slot_id=slot.id, user_id=worker.id)
    jobs.deliver_mail(mail_app)  # the invites
    for _ in range(2):  # the reminder job, twice: each side reminded once
        jobs.send_reminders(mail_app)
    assert jobs.deliver_mail(mail_app) == 2
    reminders = [m for m in smtp.inbox.messages if m["Subject"].startswith("Herinnering")]
    assert sorted(m["To"] for m in reminders) == sorted([worker.email, coach.email])
    assert "https://meet.example.nl/abc" in text_of(reminders[0])


def test_two_processes_sending_at_once_send_each_mail_once(app_factory, database_url, smtp):
    """Two `flask mail send` processes (what two workers' jobs do) on one outbox."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from ..servers import ROOT

    app = app_factory(database_url, smtp_host="127.0.0.1", smtp_port=smtp.port)
    coach = make_user(app, Role.COACH)
    workers = [make_user(app) for _ in range(30)]
    _assign(app, coach, *workers)
    env = {
        **os.environ,
        "GAME_ENV": "test",
        "GAME_DATABASE_URL": database_url,
        "GAME_SECRET_KEY": app.secret_key,
        "GAME_INSTANCE_PATH": str(Path(app.instance_path)),
        "GAME_QUESTS_PATH": str(ROOT / "tests" / "content" / "library"),
        "GAME_SMTP_HOST": "127.0.0.1",
        "GAME_SMTP_PORT": str(smtp.port),
        "GAME_SMTP_STARTTLS": "0",
        "GAME_REDIS_URL": "",
    }
    flask = str(Path(sys.executable).parent / "flask")
    senders = [
        subprocess.Popen(
            [flask, "--app", "game_server", "mail", "send"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [sender.communicate(timeout=120) for sender in senders]
    assert all(sender.returncode == 0 for sender in senders), outputs
    sent = [int(out.split()[0]) for out, _err in outputs]
    assert sum(sent) == 30  # together: each once (which one sends what is up to the race)
    with session_scope(app) as session:
        assert outbox.pending_count(session) == 0
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(w.email for w in workers)
