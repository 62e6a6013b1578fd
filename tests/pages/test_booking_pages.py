"""Booking a career conversation on the pages, in Dutch: a coach adds a time, a worker sees
the free times by day and books one, moves it, cancels it; the coach writes the outcome
afterwards, which only that worker reads."""

from datetime import timedelta

from icalendar import Calendar
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import Booking, BookingSlot, Role, utcnow
from game_server.services.guidance import bookings
from game_server.services.guidance.bookings import SlotDraft
from game_server.services.progress.progression import LOCAL_TIME

from ..factories import count, csrf_token, login, make_user

DAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def _slot(app, publisher, *, days=2, hour=10, **changes) -> int:
    local = (utcnow() + timedelta(days=days)).astimezone(LOCAL_TIME)
    values = {
        "starts_at": local.replace(hour=hour, minute=0, second=0, microsecond=0),
        "minutes": 45,
        "channel": "in_person",
        "place": "Loket Stationsplein 1",
    }
    values.update(changes)
    with session_scope(app) as session:
        return bookings.publish_slot(
            session, publisher_id=publisher.id, draft=SlotDraft(**values)
        ).id


def test_a_coach_adds_a_time_on_the_page_and_sees_it_listed(app, client):
    coach = make_user(app, Role.COACH)
    login(client, coach)
    token = csrf_token(client, "/coach/slots")
    day = (utcnow() + timedelta(days=3)).astimezone(LOCAL_TIME).date()
    response = client.post(
        "/coach/slots",
        data={
            "csrf_token": token,
            "day": day.isoformat(),
            "time": "14:30",
            "minutes": "60",
            "channel": "video",
            "link": "https://meet.example.nl/x",
            "offer_id": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/coach/slots").get_data(as_text=True)
    assert "14:30–15:30" in page and "Videogesprek" in page
    assert "Nog niemand heeft deze tijd geboekt." in page
    with session_scope(app) as session:
        (slot,) = session.exec(select(BookingSlot)).all()
        assert slot.starts_at.astimezone(LOCAL_TIME).strftime("%H:%M") == "14:30"


def test_a_video_call_without_a_link_is_explained_next_to_the_field(app, client):
    coach = make_user(app, Role.COACH)
    login(client, coach)
    token = csrf_token(client, "/coach/slots")
    day = (utcnow() + timedelta(days=3)).astimezone(LOCAL_TIME).date()
    response = client.post(
        "/coach/slots",
        data={
            "csrf_token": token,
            "day": day.isoformat(),
            "time": "09:00",
            "minutes": "30",
            "channel": "video",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="link-error"' in page and "Er is iets niet goed" in page
    assert count(app, BookingSlot) == 0


def test_the_worker_sees_free_times_by_day_in_dutch_and_books_one(app, client):
    coach = make_user(app, Role.COACH, display_name="Coach Carla")
    first = _slot(app, coach, days=2, hour=10)
    _slot(app, coach, days=2, hour=14)
    _slot(app, coach, days=3, hour=9)
    worker = make_user(app)
    login(client, worker)
    page = client.get("/conversations").get_data(as_text=True)
    assert "Een loopbaangesprek boeken" in page
    assert page.count('data-testid="free-slots"') == 2  # two days, each under its heading
    assert page.count('data-testid="free-slot"') == 3
    assert any(day in page for day in DAYS_NL) and "Met Coach Carla" in page
    token = csrf_token(client, "/conversations")
    booked = client.post(f"/conversations/{first}/book", data={"csrf_token": token})
    assert booked.status_code == 302
    page = client.get(booked.headers["Location"]).get_data(as_text=True)
    assert "Je afspraak is geboekt." in page and "Loket Stationsplein 1" in page
    assert client.get("/conversations").get_data(as_text=True).count('data-testid="free-slot"') == 2


def test_a_time_someone_else_took_is_explained_and_nothing_is_booked(app, client):
    coach = make_user(app, Role.COACH)
    slot_id = _slot(app, coach)
    other = make_user(app)
    with session_scope(app) as session:
        bookings.book(session, slot_id=slot_id, user_id=other.id)
    worker = make_user(app)
    login(client, worker)
    token = csrf_token(client, "/conversations")
    response = client.post(f"/conversations/{slot_id}/book", data={"csrf_token": token})
    assert response.headers["Location"] == "/conversations"
    assert "Iemand anders heeft deze tijd net geboekt." in client.get("/conversations").get_data(
        as_text=True
    )
    assert count(app, Booking) == 1


def test_the_worker_moves_and_cancels_and_downloads_the_invite(app, client):
    coach = make_user(app, Role.COACH)
    first, second = (
        _slot(app, coach, days=2),
        _slot(app, coach, days=4, channel="phone", place=None),
    )
    worker = make_user(app)
    with session_scope(app) as session:
        booking_id = bookings.book(session, slot_id=first, user_id=worker.id).id
    login(client, worker)
    path = f"/me/appointments/{booking_id}"
    token = csrf_token(client, path)
    client.post(f"{path}/move", data={"csrf_token": token, "slot_id": str(second)})
    page = client.get(path).get_data(as_text=True)
    assert "Je afspraak is verzet." in page and "Telefonisch" in page
    (event,) = Calendar.from_ical(client.get(f"{path}.ics").data).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 1 and str(event["LOCATION"]) == "Telefoon"
    client.post(f"{path}/cancel", data={"csrf_token": token})
    page = client.get(path).get_data(as_text=True)
    assert "Deze afspraak gaat niet door." in page and "Je hebt de afspraak afgezegd." in page
    assert "Haal uit mijn agenda" in page
    calendar = Calendar.from_ical(client.get(f"{path}.ics").data)
    assert str(calendar["METHOD"]) == "CANCEL"
    mine = client.get("/me/appointments").get_data(as_text=True)
    assert "Je hebt nog geen afspraak." in mine


def test_the_coach_cancels_and_writes_an_outcome_only_the_worker_reads(app, client):
    coach = make_user(app, Role.COACH)
    worker, stranger = make_user(app), make_user(app)
    gone, done = _slot(app, coach, days=2), _slot(app, coach, days=3)
    with session_scope(app) as session:
        gone_booking = bookings.book(session, slot_id=gone, user_id=worker.id).id
        done_booking = bookings.book(session, slot_id=done, user_id=worker.id).id
    login(client, coach)
    token = csrf_token(client, "/coach/slots")
    client.post(f"/coach/slots/{gone}/cancel", data={"csrf_token": token, "reason": "Ik ben ziek."})
    with session_scope(app) as session:  # the other conversation took place
        slot = session.get(BookingSlot, done)
        slot.starts_at = utcnow() - timedelta(hours=3)
        session.add(slot)
    client.post(
        f"/coach/slots/{done}/outcome",
        data={"csrf_token": token, "outcome": "Je vraagt de bon aan."},
    )
    assert "Je vraagt de bon aan." in client.get("/coach/slots").get_data(as_text=True)
    login(client, worker)
    page = client.get(f"/me/appointments/{gone_booking}").get_data(as_text=True)
    assert "Ik ben ziek." in page
    page = client.get(f"/me/appointments/{done_booking}").get_data(as_text=True)
    assert "Je vraagt de bon aan." in page
    login(client, stranger)
    assert client.get(f"/me/appointments/{done_booking}").status_code == 404


def test_a_guest_is_not_shown_the_booking_pages(app, client):
    guest = make_user(app, guest=True)
    with session_scope(app) as session:
        token = session.get(type(guest), guest.id).session_token
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{guest.id}:{token}"
    assert client.get("/conversations").status_code == 403
