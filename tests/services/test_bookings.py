"""Booking a career conversation, from the service side, on SQLite and PostgreSQL: one
booking per time even under twenty real threads at once, moving and cancelling, the invite,
the outcome and the reminder the day before."""

import contextlib
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from sqlmodel import Session, select

from game_server.db import create_db_engine, get_engine, session_scope
from game_server.models import Booking, BookingSlot, Offer, Role, utcnow
from game_server.services.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from game_server.services.guidance import bookings
from game_server.services.guidance.bookings import SlotDraft

from ..challenge_fixtures import make_fund_member
from ..factories import make_user


def _slot(app, publisher, *, hours=48, minutes=45, **changes) -> int:
    values = {
        "starts_at": utcnow().replace(microsecond=0) + timedelta(hours=hours),
        "minutes": minutes,
        "channel": "in_person",
        "place": "Loket, Stationsplein 1",
    }
    values.update(changes)
    with session_scope(app) as session:
        return bookings.publish_slot(
            session, publisher_id=publisher.id, draft=SlotDraft(**values)
        ).id


def _book(app, slot_id, worker) -> int:
    with session_scope(app) as session:
        return bookings.book(session, slot_id=slot_id, user_id=worker.id).id


@pytest.fixture
def coach(app):
    return make_user(app, Role.COACH, display_name="Coach Carla", email="carla@example.nl")


@pytest.fixture
def worker(app):
    return make_user(app, display_name="Willem", email="willem@example.nl")


def test_twenty_threads_booking_one_time_at_once_leave_exactly_one_booking(app, coach):
    slot_id = _slot(app, coach)
    people = [make_user(app) for _ in range(20)]
    url = _url_of(app)
    barrier = threading.Barrier(len(people))
    won, lost, errors = [], [], []

    def run(person):
        engine = create_db_engine(url)  # the app's own engine settings, a connection each
        try:
            with Session(engine) as session:
                barrier.wait(timeout=30)
                try:
                    won.append(bookings.book(session, slot_id=slot_id, user_id=person.id).id)
                except Conflict:
                    lost.append(person.id)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(won) == 1 and len(lost) == 19
    with session_scope(app) as session:
        rows = session.exec(select(Booking).where(Booking.slot_id == slot_id)).all()
        assert [row.id for row in rows] == won


def test_a_time_cancelled_while_people_book_it_keeps_no_active_booking(app, coach):
    slot_id = _slot(app, coach)
    people = [make_user(app) for _ in range(8)]
    url = _url_of(app)
    barrier = threading.Barrier(len(people) + 1)
    errors = []

    def run(action):
        engine = create_db_engine(url)
        try:
            with Session(engine) as session:
                barrier.wait(timeout=30)
                with contextlib.suppress(Conflict, NotFound):  # too late: refused, fine
                    action(session)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            engine.dispose()

    actions = [lambda s, p=p: bookings.book(s, slot_id=slot_id, user_id=p.id) for p in people] + [
        lambda s: bookings.cancel_slot(s, publisher_id=coach.id, slot_id=slot_id)
    ]
    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with session_scope(app) as session:
        assert session.get(BookingSlot, slot_id).cancelled_at is not None
        active = session.exec(
            select(Booking).where(Booking.slot_id == slot_id, Booking.cancelled_at.is_(None))
        ).all()
        assert active == []


def _url_of(app) -> str:
    return get_engine(app).url.render_as_string(hide_password=False)


def test_the_database_itself_refuses_a_second_active_booking_of_a_time(app, coach, worker):
    slot_id = _slot(app, coach)
    _book(app, slot_id, worker)
    other = make_user(app)
    with Session(get_engine(app)) as session, pytest.raises(sa.exc.IntegrityError):
        session.add(Booking(slot_id=slot_id, user_id=other.id, uid="x@test"))
        session.flush()


def test_a_taken_time_is_refused_and_no_longer_listed_as_free(app, coach, worker):
    slot_id = _slot(app, coach)
    with session_scope(app) as session:
        assert [s.id for s in bookings.free_slots(session, user_id=worker.id)] == [slot_id]
    _book(app, slot_id, worker)
    other = make_user(app)
    with session_scope(app) as session:
        assert bookings.free_slots(session, user_id=worker.id) == []
        with pytest.raises(Conflict):
            bookings.book(session, slot_id=slot_id, user_id=other.id)


def test_a_guest_cannot_book(app, coach):
    slot_id = _slot(app, coach)
    guest = make_user(app, guest=True)
    with session_scope(app) as session, pytest.raises(Forbidden):
        bookings.book(session, slot_id=slot_id, user_id=guest.id)


def test_a_time_in_the_past_cannot_be_published_or_booked(app, coach, worker):
    with session_scope(app) as session, pytest.raises(InvalidInput):
        bookings.publish_slot(
            session,
            publisher_id=coach.id,
            draft=SlotDraft(starts_at=utcnow() - timedelta(minutes=1), minutes=30, channel="phone"),
        )
    slot_id = _slot(app, coach)
    with session_scope(app) as session:
        later = utcnow() + timedelta(days=3)
        with pytest.raises(Conflict):
            bookings.book(session, slot_id=slot_id, user_id=worker.id, now=later)
        assert bookings.free_slots(session, now=later) == []


def test_only_a_coach_or_a_fund_member_publishes_and_a_video_call_needs_a_link(app):
    worker = make_user(app)
    draft = {"starts_at": utcnow() + timedelta(days=1), "minutes": 30, "channel": "phone"}
    member = make_fund_member(app)
    with session_scope(app) as session:
        with pytest.raises(Forbidden):
            bookings.publish_slot(session, publisher_id=worker.id, draft=SlotDraft(**draft))
        assert bookings.publish_slot(session, publisher_id=member.id, draft=SlotDraft(**draft))
        with pytest.raises(InvalidInput) as error:
            bookings.publish_slot(
                session, publisher_id=member.id, draft=SlotDraft(**draft | {"channel": "video"})
            )
        assert error.value.field == "link"


def test_a_time_can_belong_only_to_the_publishers_own_conversation_offer(app, coach):
    with session_scope(app) as session:
        own = Offer(
            provider_id=coach.id,
            kind="conversation",
            title_nl="Loopbaangesprek",
            title_en="Career talk",
            description_nl="-",
            description_en="-",
            capacity=5,
        )
        course = Offer(**own.model_dump(exclude={"id"}) | {"kind": "course"})
        session.add_all([own, course])
        session.commit()
        own_id, course_id = own.id, course.id
    assert _slot(app, coach, offer_id=own_id)
    with pytest.raises(NotFound):
        _slot(app, coach, offer_id=course_id)


def test_moving_a_booking_keeps_its_uid_raises_its_sequence_and_frees_the_old_time(
    app, coach, worker
):
    first, second = _slot(app, coach), _slot(app, coach, hours=72)
    booking_id = _book(app, first, worker)
    with session_scope(app) as session:
        before = session.get(Booking, booking_id).uid
        moved = bookings.reschedule(
            session, booking_id=booking_id, user_id=worker.id, slot_id=second
        )
        assert (moved.slot_id, moved.uid, moved.sequence) == (second, before, 1)
        assert [s.id for s in bookings.free_slots(session)] == [first]


def test_moving_onto_a_taken_time_changes_nothing(app, coach, worker):
    first, second = _slot(app, coach), _slot(app, coach, hours=72)
    booking_id = _book(app, first, worker)
    _book(app, second, make_user(app))
    with session_scope(app) as session:
        with pytest.raises(Conflict):
            bookings.reschedule(session, booking_id=booking_id, user_id=worker.id, slot_id=second)
        row = session.get(Booking, booking_id)
        assert (row.slot_id, row.sequence, row.cancelled_at) == (first, 0, None)


def test_someone_elses_booking_is_not_found(app, coach, worker):
    booking_id = _book(app, _slot(app, coach), worker)
    stranger = make_user(app)
    with session_scope(app) as session:
        with pytest.raises(NotFound):
            bookings.cancel_booking(session, booking_id=booking_id, user_id=stranger.id)
        with pytest.raises(NotFound):
            bookings.my_booking(session, booking_id=booking_id, user_id=stranger.id)


def test_a_cancelled_booking_frees_the_time_for_someone_else(app, coach, worker):
    slot_id = _slot(app, coach)
    booking_id = _book(app, slot_id, worker)
    with session_scope(app) as session:
        cancelled = bookings.cancel_booking(session, booking_id=booking_id, user_id=worker.id)
        assert cancelled.cancelled_by == "worker" and cancelled.sequence == 1
    assert _book(app, slot_id, make_user(app)) != booking_id


def test_the_publisher_cancelling_a_time_cancels_the_booking_and_the_worker_reads_why(
    app, coach, worker
):
    slot_id = _slot(app, coach)
    booking_id = _book(app, slot_id, worker)
    with session_scope(app) as session:
        bookings.cancel_slot(session, publisher_id=coach.id, slot_id=slot_id, reason="Ik ben ziek.")
        view = bookings.my_booking(session, booking_id=booking_id, user_id=worker.id)
        assert (view.status, view.cancelled_by, view.cancel_reason) == (
            "cancelled",
            "publisher",
            "Ik ben ziek.",
        )
        assert bookings.free_slots(session) == []
        with pytest.raises(NotFound):
            bookings.cancel_slot(session, publisher_id=worker.id, slot_id=slot_id)


def _ics(invite, **kw) -> Calendar:
    return Calendar.from_ical(bookings.invite_ics(invite, **kw))


def _event(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def test_the_invite_parses_back_with_utc_times_uid_sequence_and_language(app, coach, worker):
    start = (utcnow() + timedelta(days=30)).replace(hour=9, minute=30, second=0, microsecond=0)
    with session_scope(app) as session:
        slot = bookings.publish_slot(
            session,
            publisher_id=coach.id,
            draft=SlotDraft(starts_at=start, minutes=45, channel="phone"),
        )
        slot_id = slot.id
        booking = bookings.book(session, slot_id=slot_id, user_id=worker.id)
        uid, booking_id = booking.uid, booking.id
        invite = bookings.worker_invite(session, booking_id=booking_id, user_id=worker.id)
    calendar = _ics(invite, locale="nl", method="REQUEST")
    event = _event(calendar)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == start and event.decoded("DTSTART").tzinfo is not None
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == start + timedelta(minutes=45)
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 0)
    assert str(event["SUMMARY"]) == "Loopbaangesprek met Coach Carla"
    assert str(event["LOCATION"]) == "Telefoon"
    assert str(event["ORGANIZER"]) == "mailto:carla@example.nl"
    raw = bookings.invite_ics(invite, locale="en", method="REQUEST").decode()
    assert f"DTSTART:{start:%Y%m%d}T093000Z" in raw
    assert "Career conversation with Coach Carla" in raw
    assert "Phone" in raw


def test_moving_and_cancelling_send_the_same_uid_with_a_higher_sequence(app, coach, worker):
    first, second = (
        _slot(app, coach),
        _slot(
            app, coach, hours=72, channel="video", link="https://meet.example.nl/abc", place=None
        ),
    )
    booking_id = _book(app, first, worker)
    with session_scope(app) as session:
        uid = session.get(Booking, booking_id).uid
        bookings.reschedule(session, booking_id=booking_id, user_id=worker.id, slot_id=second)
        moved = bookings.worker_invite(session, booking_id=booking_id, user_id=worker.id)
        starts = session.get(BookingSlot, second).starts_at
        bookings.cancel_booking(session, booking_id=booking_id, user_id=worker.id)
        cancelled = bookings.publisher_invite(session, slot_id=second, publisher_id=coach.id)
    event = _event(_ics(moved, locale="nl", method=bookings.method_of(moved)))
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 1)
    assert event.decoded("DTSTART") == starts
    assert str(event["LOCATION"]) == "https://meet.example.nl/abc"
    calendar = _ics(
        cancelled, locale="en", method=bookings.method_of(cancelled), for_publisher=True
    )
    event = _event(calendar)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 2)
    assert str(event["SUMMARY"]) == "Career conversation with Willem"


def test_the_outcome_is_written_after_the_end_and_only_by_the_publisher(app, coach, worker):
    slot_id = _slot(app, coach, hours=1, minutes=30)
    booking_id = _book(app, slot_id, worker)
    after = utcnow() + timedelta(hours=2)
    with session_scope(app) as session:
        with pytest.raises(Conflict):
            bookings.write_outcome(session, publisher_id=coach.id, slot_id=slot_id, text="Goed.")
        with pytest.raises(NotFound):
            bookings.write_outcome(
                session, publisher_id=worker.id, slot_id=slot_id, text="Goed.", now=after
            )
        with pytest.raises(InvalidInput):
            bookings.write_outcome(
                session, publisher_id=coach.id, slot_id=slot_id, text="x" * 1001, now=after
            )
        bookings.write_outcome(
            session, publisher_id=coach.id, slot_id=slot_id, text="Je gaat de VCA doen.", now=after
        )
        view = bookings.my_booking(session, booking_id=booking_id, user_id=worker.id, now=after)
        assert (view.status, view.outcome) == ("done", "Je gaat de VCA doen.")


def test_due_reminders_run_twice_give_each_booking_once(app, coach, worker):
    soon = _book(app, _slot(app, coach, hours=20), worker)
    _book(app, _slot(app, coach, hours=30), make_user(app))  # not within a day yet
    cancelled = _book(app, _slot(app, coach, hours=10), make_user(app))
    with session_scope(app) as session:
        bookings.cancel_slot(
            session, publisher_id=coach.id, slot_id=session.get(Booking, cancelled).slot_id
        )
    with session_scope(app) as session:
        first = bookings.due_reminders(session, utcnow())
        second = bookings.due_reminders(session, utcnow())
    assert first == [bookings.Reminder(booking_id=soon, user_ids=(worker.id, coach.id))]
    assert second == []


def test_due_reminders_in_parallel_remind_once(app, coach):
    ids = {_book(app, _slot(app, coach, hours=h), make_user(app)) for h in (2, 5, 9)}
    url = _url_of(app)
    barrier = threading.Barrier(4)
    got, errors = [], []

    def run():
        engine = create_db_engine(url)
        try:
            with Session(engine) as session:
                barrier.wait(timeout=30)
                got.extend(r.booking_id for r in bookings.due_reminders(session, utcnow()))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sorted(got) == sorted(ids)


def test_a_moved_booking_is_reminded_again_for_its_new_time(app, coach, worker):
    first, later = _slot(app, coach, hours=3), _slot(app, coach, hours=40)
    booking_id = _book(app, first, worker)
    with session_scope(app) as session:
        assert [r.booking_id for r in bookings.due_reminders(session, utcnow())] == [booking_id]
        bookings.reschedule(session, booking_id=booking_id, user_id=worker.id, slot_id=later)
        assert bookings.due_reminders(session, utcnow()) == []
        tomorrow = utcnow() + timedelta(hours=20)
        assert [r.booking_id for r in bookings.due_reminders(session, tomorrow)] == [booking_id]


def test_a_workers_erasure_removes_their_bookings_and_a_publishers_their_times(app, coach):
    from game_server.services.privacy import erasure

    worker, other = make_user(app), make_user(app)
    mine = _book(app, _slot(app, coach), worker)
    theirs_slot = _slot(app, coach, hours=72)
    _book(app, theirs_slot, other)
    with session_scope(app) as session:
        erasure.erase(session, user_id=worker.id)
    with session_scope(app) as session:
        assert session.get(Booking, mine) is None
        assert len(session.exec(select(Booking)).all()) == 1
        erasure.erase(session, user_id=coach.id)
    with session_scope(app) as session:
        assert session.exec(select(BookingSlot)).all() == []
        assert session.exec(select(Booking)).all() == []


def test_the_export_holds_my_bookings_with_the_outcome_and_my_published_times(app, coach):
    from game_server.services.privacy import export

    worker = make_user(app, display_name="Wendy Werkt")
    slot_id = _slot(app, coach, hours=1, minutes=20)
    _book(app, slot_id, worker)
    with session_scope(app) as session:
        bookings.write_outcome(
            session,
            publisher_id=coach.id,
            slot_id=slot_id,
            text="Vraag de O&O-bon aan.",
            now=utcnow() + timedelta(hours=2),
        )
    books = app.extensions["catalog_source"].current()
    with session_scope(app) as session:
        mine = export.export(session, books, user_id=worker.id)
        published = export.export(session, books, user_id=coach.id)
    assert [b["outcome"] for b in mine.bookings] == ["Vraag de O&O-bon aan."]
    assert mine.booking_slots == [] and published.bookings == []
    assert [(s["id"], s["booked"]) for s in published.booking_slots] == [(slot_id, True)]
    assert "Wendy" not in str(published.booking_slots)
