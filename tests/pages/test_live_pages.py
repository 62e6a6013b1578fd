"""Joining a live session from a phone: the code page, guests, and the host's pages."""

from game_server.models import Role

from ..factories import bearer_for, csrf_token, login, make_group, make_user


def _session_code(app, client) -> tuple[str, object]:
    coach = make_user(app, Role.COACH)
    response = client.post(
        "/api/v1/live", json={"quest_id": "at-the-depot"}, headers=bearer_for(app, coach)
    )
    return response.get_json()["code"], coach


def test_someone_without_an_account_joins_with_the_code_as_a_guest(app, client):
    code, _coach = _session_code(app, client)
    page = client.get(f"/join/{code.lower()}")
    assert page.status_code == 200 and f'value="{code}"' in page.get_data(as_text=True)
    response = client.post(
        "/join",
        data={"csrf_token": csrf_token(client, "/join"), "code": code.lower(), "nickname": "Sam"},
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/live/{code}"
    phone = client.get(f"/live/{code}").get_data(as_text=True)
    assert "Sam" in phone and 'data-testid="claim"' in phone  # a guest gets the claim link


def test_a_wrong_code_says_so_next_to_the_field_and_makes_no_guest(app, client):
    response = client.post(
        "/join",
        data={"csrf_token": csrf_token(client, "/join"), "code": "ZZZZZZ", "nickname": "Sam"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Er is geen sessie met deze code." in html
    assert client.get("/home").status_code == 302  # still not signed in


def test_the_host_screen_shows_the_code_and_a_qr_code_only_to_the_host(app, client):
    code, coach = _session_code(app, client)
    login(client, coach)
    host = client.get(f"/live/{code}/host")
    assert host.status_code == 200 and code in host.get_data(as_text=True)
    qr = client.get(f"/live/{code}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert b'<svg xmlns="http://www.w3.org/2000/svg"' in qr.data  # an <img> shows nothing without
    assert b"<script" not in qr.data
    other = app.test_client()
    login(other, make_user(app, Role.COACH))
    assert other.get(f"/live/{code}/host").status_code == 404
    assert other.get(f"/live/{code}/qr.svg").status_code == 404
    assert other.get(f"/live/{code}/follow-ups").status_code == 404


def test_a_group_owner_starts_a_live_session_from_the_group_page(app, client):
    owner = make_user(app, Role.WORKER)
    group_id = make_group(app, owner)
    login(client, owner)
    page = client.get(f"/groups/{group_id}").get_data(as_text=True)
    assert 'data-testid="group-live-at-the-depot"' in page
    response = client.post(
        f"/groups/{group_id}/live",
        data={"csrf_token": csrf_token(client, f"/groups/{group_id}"), "quest_id": "at-the-depot"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/host")
    assert client.get(response.headers["Location"]).status_code == 200
