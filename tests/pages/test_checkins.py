"""The check-in step on the pages and over JSON: the owner answers it, nobody else sees it."""

from datetime import date, timedelta

from game_server.db import session_scope
from game_server.models import ActionCheckin
from game_server.services.guidance import reminders

from ..factories import bearer_for, count, csrf_token, login, make_plans, make_user


def _due_plan(app, worker, text="praat met mijn teamleider"):
    (plan,) = make_plans(app, worker, (text, date.today()))
    with session_scope(app) as session:
        reminders.send_due(session, app.extensions["catalog_source"].current())
    return plan


def test_the_check_in_opens_from_home_and_puts_the_reminder_away(app, client):
    worker = make_user(app)
    plan = _due_plan(app, worker)
    login(client, worker)
    home = client.get("/home").get_data(as_text=True)
    assert "praat met mijn teamleider" in home and f"/checkins/{plan}" in home
    page = client.get(f"/checkins/{plan}").get_data(as_text=True)
    assert "Hoe ging je plan?" in page and "praat met mijn teamleider" in page
    again = date.today() + timedelta(days=5)
    response = client.post(
        f"/checkins/{plan}",
        data={
            "csrf_token": csrf_token(client, f"/checkins/{plan}"),
            "outcome": "not_yet",
            "note": "hij had geen tijd",
            "next_due": again.isoformat(),
        },
    )
    assert response.status_code == 302
    home = client.get("/home").get_data(as_text=True)
    assert f"We vragen het je opnieuw op {again.strftime('%d-%m-%Y')}" in home
    assert f"/checkins/{plan}" not in home  # answered: put away
    assert "hij had geen tijd" in client.get(f"/checkins/{plan}").get_data(as_text=True)


def test_a_date_in_the_past_is_explained_and_changes_nothing(app, client):
    worker = make_user(app)
    plan = _due_plan(app, worker)
    login(client, worker)
    response = client.post(
        f"/checkins/{plan}",
        data={
            "csrf_token": csrf_token(client, f"/checkins/{plan}"),
            "outcome": "partly",
            "next_due": (date.today() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "Kies een datum na vandaag, binnen een jaar." in response.get_data(as_text=True)
    assert count(app, ActionCheckin) == 0


def test_someone_else_cannot_read_answer_or_put_away_a_check_in(app, client):
    worker, stranger = make_user(app), make_user(app)
    plan = _due_plan(app, worker, "vraag om de heftruckcursus")
    login(client, stranger)
    assert client.get(f"/checkins/{plan}").status_code == 404
    token = csrf_token(client, "/home")
    assert (
        client.post(f"/checkins/{plan}", data={"csrf_token": token, "outcome": "done"}).status_code
        == 404
    )
    (reminder,) = client.get("/api/v1/me/reminders", headers=bearer_for(app, worker)).get_json()
    dismiss = client.post(f"/reminders/{reminder['id']}/read", data={"csrf_token": token})
    assert dismiss.status_code == 404
    assert "heftruck" not in client.get("/home").get_data(as_text=True)
    headers = bearer_for(app, stranger)
    assert client.get(f"/api/v1/me/checkins/{plan}", headers=headers).status_code == 404
    assert (
        client.post(
            f"/api/v1/me/checkins/{plan}", json={"outcome": "done"}, headers=headers
        ).status_code
        == 404
    )
    assert (
        client.post(f"/api/v1/me/reminders/{reminder['id']}/read", headers=headers).status_code
        == 404
    )
    assert client.get("/api/v1/me/reminders", headers=headers).get_json() == []
    assert count(app, ActionCheckin) == 0
    mine = client.get("/api/v1/me/reminders", headers=bearer_for(app, worker)).get_json()
    assert [r["id"] for r in mine] == [reminder["id"]]  # still there for its owner


def test_over_json_a_worker_answers_a_check_in_and_puts_reminders_away(app, client):
    worker = make_user(app)
    plan = _due_plan(app, worker)
    headers = bearer_for(app, worker)
    (reminder,) = client.get("/api/v1/me/reminders", headers=headers).get_json()
    assert reminder["kind"] == "action_checkin" and reminder["data"]["answer_id"] == plan
    bad = client.post(
        f"/api/v1/me/checkins/{plan}", json={"outcome": "maybe", "note": 3}, headers=headers
    )
    assert bad.status_code == 422 and count(app, ActionCheckin) == 0
    done = client.post(
        f"/api/v1/me/checkins/{plan}", json={"outcome": "done", "note": "gelukt!"}, headers=headers
    )
    assert done.status_code == 200 and done.get_json()["outcome"] == "done"
    assert client.get("/api/v1/me/reminders", headers=headers).get_json() == []
    view = client.get(f"/api/v1/me/checkins/{plan}", headers=headers).get_json()
    assert [(r["outcome"], r["note"]) for r in view["rounds"]] == [("done", "gelukt!")]


def test_a_reminder_put_away_on_the_home_page_stays_away(app, client):
    worker = make_user(app)
    _due_plan(app, worker, "bel de opleider")
    login(client, worker)
    (reminder,) = reminders_of(app, worker)
    response = client.post(
        f"/reminders/{reminder.id}/read", data={"csrf_token": csrf_token(client, "/home")}
    )
    assert response.status_code == 302
    assert "bel de opleider" not in client.get("/home").get_data(as_text=True)


def reminders_of(app, worker):
    with session_scope(app) as session:
        return reminders.unread(session, user_id=worker.id)
