"""Booking a career conversation over JSON: publish, book, move, cancel, the invite, the
outcome; and what each side may see."""

from datetime import timedelta

from icalendar import Calendar

from game_server.db import session_scope
from game_server.models import Booking, Role, utcnow

from ..factories import bearer_for, count, make_user


def _publish(client, headers, *, hours=48, **changes):
    body = {
        "starts_at": (utcnow() + timedelta(hours=hours)).replace(microsecond=0).isoformat(),
        "minutes": 30,
        "channel": "video",
        "link": "https://meet.example.nl/gesprek",
    }
    body.update(changes)
    return client.post("/api/v1/coach/slots", json=body, headers=headers)


def test_a_coach_publishes_a_time_and_a_worker_books_it_once(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH, display_name="Coach Carla"))
    worker, other = make_user(app, display_name="Willem"), make_user(app)
    created = _publish(client, coach)
    assert created.status_code == 201, created.json
    slot_id = created.json["id"]
    listed = client.get("/api/v1/slots", headers=bearer_for(app, worker)).json
    assert [s["id"] for s in listed] == [slot_id]
    assert "link" not in listed[0] and listed[0]["publisher"] == "Coach Carla"
    booked = client.post(f"/api/v1/slots/{slot_id}/booking", headers=bearer_for(app, worker))
    assert booked.status_code == 201
    assert booked.json["status"] == "booked"
    assert booked.json["link"] == "https://meet.example.nl/gesprek"
    again = client.post(f"/api/v1/slots/{slot_id}/booking", headers=bearer_for(app, other))
    assert again.status_code == 409
    assert client.get("/api/v1/slots", headers=bearer_for(app, other)).json == []
    (mine,) = client.get("/api/v1/coach/slots", headers=coach).json
    assert mine["booking"]["name"] == "Willem"
    assert count(app, Booking) == 1


def test_bad_slots_are_refused_with_the_field_and_change_nothing(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    no_link = _publish(client, coach, link=None)
    assert no_link.status_code == 422
    assert no_link.json["error"]["fields"][0]["field"] == "link"
    assert _publish(client, coach, hours=-1).status_code == 422
    assert _publish(client, coach, minutes=5).status_code == 422
    assert _publish(client, coach, channel="fax").status_code == 422
    assert client.get("/api/v1/coach/slots", headers=coach).json == []


def test_a_fund_role_without_a_fund_membership_cannot_publish(app, client):
    fund = bearer_for(app, make_user(app, Role.FUND))
    assert _publish(client, fund).status_code == 403


def test_moving_and_cancelling_and_the_invite_follow_along(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    worker = bearer_for(app, make_user(app))
    first = _publish(client, coach).json["id"]
    second = _publish(client, coach, hours=72, channel="phone", link=None).json["id"]
    booking = client.post(f"/api/v1/slots/{first}/booking", headers=worker).json
    ics = client.get(f"/api/v1/me/bookings/{booking['id']}.ics", headers=worker)
    assert ics.mimetype == "text/calendar"
    (event,) = Calendar.from_ical(ics.data).walk("VEVENT")
    uid = str(event["UID"])
    moved = client.put(
        f"/api/v1/me/bookings/{booking['id']}", json={"slot_id": second}, headers=worker
    )
    assert moved.status_code == 200 and moved.json["slot_id"] == second
    calendar = Calendar.from_ical(
        client.get(f"/api/v1/me/bookings/{booking['id']}.ics", headers=worker).data
    )
    (event,) = calendar.walk("VEVENT")
    assert (str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])) == (
        "REQUEST",
        uid,
        1,
    )
    assert str(event["LOCATION"]) == "Telefoon"
    assert client.delete(f"/api/v1/me/bookings/{booking['id']}", headers=worker).status_code == 204
    calendar = Calendar.from_ical(
        client.get(f"/api/v1/coach/slots/{second}.ics", headers=coach).data
    )
    (event,) = calendar.walk("VEVENT")
    assert (str(calendar["METHOD"]), int(event["SEQUENCE"])) == ("CANCEL", 2)
    assert [s["id"] for s in client.get("/api/v1/slots", headers=worker).json] == [first, second]


def test_the_publisher_cancels_and_the_worker_reads_why(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    worker = bearer_for(app, make_user(app))
    slot_id = _publish(client, coach).json["id"]
    booking_id = client.post(f"/api/v1/slots/{slot_id}/booking", headers=worker).json["id"]
    gone = client.delete(
        f"/api/v1/coach/slots/{slot_id}", json={"reason": "Ik ben ziek."}, headers=coach
    )
    assert gone.status_code == 204
    mine = client.get(f"/api/v1/me/bookings/{booking_id}", headers=worker).json
    assert (mine["status"], mine["cancelled_by"], mine["cancel_reason"]) == (
        "cancelled",
        "publisher",
        "Ik ben ziek.",
    )


def test_only_the_worker_reads_the_outcome_and_only_the_publisher_writes_it(app, client):
    coach_user = make_user(app, Role.COACH)
    coach, other_coach = bearer_for(app, coach_user), bearer_for(app, make_user(app, Role.COACH))
    worker, stranger = bearer_for(app, make_user(app)), bearer_for(app, make_user(app))
    slot_id = _publish(client, coach, hours=1).json["id"]
    booking_id = client.post(f"/api/v1/slots/{slot_id}/booking", headers=worker).json["id"]
    path = f"/api/v1/coach/slots/{slot_id}/outcome"
    assert client.put(path, json={"outcome": "Te vroeg."}, headers=coach).status_code == 409
    with session_scope(app) as session:  # the conversation took place: move it to the past
        from game_server.models import BookingSlot

        slot = session.get(BookingSlot, slot_id)
        slot.starts_at = utcnow() - timedelta(hours=2)
        session.add(slot)
    assert client.put(path, json={"outcome": "Nee."}, headers=other_coach).status_code == 404
    assert client.put(path, json={"outcome": "x" * 1001}, headers=coach).status_code == 422
    written = client.put(path, json={"outcome": "Je vraagt de bon aan."}, headers=coach)
    assert written.status_code == 200
    mine = client.get(f"/api/v1/me/bookings/{booking_id}", headers=worker).json
    assert (mine["status"], mine["outcome"]) == ("done", "Je vraagt de bon aan.")
    assert client.get(f"/api/v1/me/bookings/{booking_id}", headers=stranger).status_code == 404
    ics = client.get(f"/api/v1/me/bookings/{booking_id}.ics", headers=worker).data
    assert b"bon" not in ics  # no outcome or note goes into the invite


def test_a_guest_cannot_book(app, client):
    coach = bearer_for(app, make_user(app, Role.COACH))
    slot_id = _publish(client, coach).json["id"]
    guest = bearer_for(app, make_user(app, guest=True))
    assert client.post(f"/api/v1/slots/{slot_id}/booking", headers=guest).status_code == 403
    assert count(app, Booking) == 0


def test_an_id_no_row_can_have_is_not_found_for_every_method_of_a_path(app, client):
    """One path, a rule per method: werkzeug once said 405 to some methods here."""
    worker = bearer_for(app, make_user(app))
    for big in ("2147483648", "147425211728803"):
        for method in ("GET", "PUT", "DELETE"):
            response = client.open(
                f"/api/v1/me/bookings/{big}", method=method, json={"slot_id": 1}, headers=worker
            )
            assert response.status_code == 404, (method, big)
        response = client.delete(f"/api/v1/me/coaches/{big}/plan", headers=worker)
        assert response.status_code == 404
    assert client.get("/api/v1/me/bookings/2147483647", headers=worker).status_code == 404
