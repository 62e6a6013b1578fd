"""Group pages without JavaScript: create, join by link, play with poll totals, share, leave."""

import re

from game_server.models import AnswerShare

from ..factories import CSRF_META, Personas, count, make_group, make_user


def _client(app, user):
    personas = Personas(app)
    personas.users["worker"] = user
    return personas.cookie_client("worker")


def _token(client, path: str = "/groups") -> str:
    return CSRF_META.search(client.get(path).get_data(as_text=True)).group(1)


def test_a_worker_creates_a_group_and_sees_the_invite_code(app):
    client = _client(app, make_user(app))
    response = client.post(
        "/groups/new", data={"csrf_token": _token(client), "name": "Kassa", "sector": "retail"}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kassa" in page
    assert re.search(r'data-testid="invite-code">[A-Z2-9]{8}<', page)


def test_creating_without_a_name_shows_the_error_next_to_the_field(app):
    client = _client(app, make_user(app))
    response = client.post("/groups/new", data={"csrf_token": _token(client), "name": ""})
    assert response.status_code == 422
    assert 'data-testid="error-summary"' in response.get_data(as_text=True)


def test_the_invite_link_shows_the_group_and_its_button_joins(app):
    owner, newcomer = make_user(app), make_user(app)
    group_id = make_group(app, owner, name="Depot Oost")
    owner_page = _client(app, owner).get(f"/groups/{group_id}").get_data(as_text=True)
    code = re.search(r'data-testid="invite-code">([A-Z2-9]{8})<', owner_page).group(1)
    client = _client(app, newcomer)
    invite = client.get(f"/groups/join/{code}").get_data(as_text=True)
    assert "Depot Oost" in invite
    joined = client.post("/groups/join", data={"csrf_token": _token(client), "code": code})
    assert joined.headers["Location"] == f"/groups/{group_id}"
    assert client.get(f"/groups/{group_id}").status_code == 200


def test_a_stranger_gets_404_on_the_group_page_and_its_live_fragment(app):
    group_id = make_group(app, make_user(app))
    client = _client(app, make_user(app))
    assert client.get(f"/groups/{group_id}").status_code == 404
    assert client.get(f"/groups/{group_id}/live").status_code == 404
    assert client.get(f"/groups/{group_id}/leave").status_code == 404


def _play_to_poll(client, group_id: int) -> str:
    token = _token(client, f"/groups/{group_id}")
    started = client.post(f"/groups/{group_id}/quests/every-step/start", data={"csrf_token": token})
    run_url = started.headers["Location"]
    steps = [
        ("welcome", {}),
        ("values", {"option": ["security", "money"]}),
        ("scan", {"item-help": "3", "item-alone": "3", "item-fix": "3"}),
        ("why", {"text": "Zekerheid telt voor mij.", "share": "1"}),
    ]
    for step_id, fields in steps:
        response = client.post(
            f"{run_url}/answer", data={"csrf_token": token, "step_id": step_id, **fields}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return run_url


def test_playing_in_the_group_shares_when_ticked_and_shows_the_poll_totals(app):
    anna, bram = make_user(app), make_user(app)
    group_id = make_group(app, anna, bram)
    client = _client(app, anna)
    run_url = _play_to_poll(client, group_id)
    assert count(app, AnswerShare) == 1
    token = _token(client, run_url)
    voted = client.post(
        f"{run_url}/answer", data={"csrf_token": token, "step_id": "vote", "option": "pay"}
    )
    page = client.get(voted.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="poll-results"' in page
    # Nobody else shared yet: the peer step can be passed by.
    assert 'data-testid="nothing-shared"' in page
    feed = _client(app, bram).get(f"/groups/{group_id}").get_data(as_text=True)
    assert "Zekerheid telt voor mij." in feed


def test_unsharing_from_the_group_page_takes_the_answer_out_of_the_feed(app):
    anna, bram = make_user(app), make_user(app)
    group_id = make_group(app, anna, bram)
    client = _client(app, anna)
    _play_to_poll(client, group_id)
    page = client.get(f"/groups/{group_id}").get_data(as_text=True)
    unshare = re.search(r'action="(/groups/\d+/answers/\d+/unshare)"', page).group(1)
    client.post(unshare, data={"csrf_token": _token(client)})
    assert count(app, AnswerShare) == 0
    feed = _client(app, bram).get(f"/groups/{group_id}").get_data(as_text=True)
    assert "Zekerheid telt voor mij." not in feed


def test_leaving_asks_first_and_then_the_group_is_gone_for_me(app):
    anna, bram = make_user(app), make_user(app)
    group_id = make_group(app, anna, bram)
    client = _client(app, bram)
    assert 'data-testid="confirm-leave"' in client.get(f"/groups/{group_id}/leave").get_data(
        as_text=True
    )
    client.post(f"/groups/{group_id}/leave", data={"csrf_token": _token(client)})
    assert client.get(f"/groups/{group_id}").status_code == 404


def test_the_owner_removes_a_member_from_the_group_page(app):
    anna, bram = make_user(app), make_user(app)
    group_id = make_group(app, anna, bram)
    client = _client(app, anna)
    client.post(f"/groups/{group_id}/members/{bram.id}/remove", data={"csrf_token": _token(client)})
    assert _client(app, bram).get(f"/groups/{group_id}").status_code == 404


def test_a_member_cannot_remove_the_owner_from_the_page(app):
    anna, bram = make_user(app), make_user(app)
    group_id = make_group(app, anna, bram)
    client = _client(app, bram)
    response = client.post(
        f"/groups/{group_id}/members/{anna.id}/remove", data={"csrf_token": _token(client)}
    )
    assert response.status_code == 403
    assert _client(app, anna).get(f"/groups/{group_id}").status_code == 200
