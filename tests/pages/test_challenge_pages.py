"""Challenge pages without a browser: the landing page for anyone, joining as a guest, the
participant page, and the fund's pages (only its own challenges, figures hidden below ten)."""

from ..challenge_fixtures import make_challenge, make_fund_member
from ..factories import csrf_token, login, make_user


def _voucher():
    return {
        "kind": "voucher",
        "title_nl": "Tegoedbon",
        "title_en": "Voucher",
        "quests_needed": 1,
        "codes": ["BON-1"],
    }


def test_a_guest_joins_from_the_landing_page_plays_and_gets_the_code(app, client):
    challenge_id, code = make_challenge(app, make_fund_member(app), rewards=[_voucher()])
    landing = client.get(f"/c/{code}")
    assert landing.status_code == 200
    assert "Zomer van de vrachtwagen" in landing.get_data(as_text=True)
    joined = client.post(
        f"/c/{code}",
        data={
            "csrf_token": csrf_token(client, f"/c/{code}"),
            "nickname": "Ricardo",
            "sector": "transport",
        },
    )
    assert joined.status_code == 302 and joined.headers["Location"] == f"/challenges/{challenge_id}"
    page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert "1 van de 500 deelnemers" in page and "Rond 1 quest van de challenge af" in page
    # No quest yet: the claim button is not there, and a forged claim is refused.
    token = csrf_token(client, f"/challenges/{challenge_id}")
    from game_server.db import session_scope
    from game_server.services.funds import rewards

    with session_scope(app) as session:
        (reward,) = rewards.rewards_of(session, challenge_id)
    client.post(f"/challenges/{challenge_id}/rewards/{reward.id}/claim", data={"csrf_token": token})
    assert "BON-1" not in client.get(f"/challenges/{challenge_id}").get_data(as_text=True)


def test_a_stranger_does_not_see_a_challenge_page_and_a_fund_not_another_funds(app, client):
    challenge_id, _code = make_challenge(app, make_fund_member(app))
    login(client, make_user(app))
    assert client.get(f"/challenges/{challenge_id}").status_code == 404
    other = app.test_client()
    login(other, make_fund_member(app))
    assert other.get(f"/fund/challenges/{challenge_id}").status_code == 404
    assert "Nog geen challenges." in other.get("/fund").get_data(as_text=True)


def test_the_fund_page_hides_small_numbers(app, client):
    member = make_fund_member(app)
    challenge_id, code = make_challenge(app, member)
    login(client, member)
    page = client.get(f"/fund/challenges/{challenge_id}?by=sector&measure=active")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and code in html
    assert 'data-testid="total-participants"><span class="hidden-figure">&lt;10' in html
    assert client.get(f"/fund/challenges/{challenge_id}?by=name").status_code == 200  # totals


def test_the_end_of_a_quest_points_to_the_challenge_it_counts_for(app, client):
    from ..factories import bearer_for

    challenge_id, code = make_challenge(app, make_fund_member(app), rewards=[_voucher()])
    worker = make_user(app)
    login(client, worker)
    client.post(f"/c/{code}", data={"csrf_token": csrf_token(client, f"/c/{code}")})
    headers = bearer_for(app, worker)
    run = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    for step_id, value in (("who", ["family"]), ("note", "mijn zus weet veel")):
        client.post(
            f"/api/v1/runs/{run['run_id']}/answers",
            json={"step_id": step_id, "value": value},
            headers=headers,
        )
    html = client.get(f"/runs/{run['run_id']}").get_data(as_text=True)
    assert "telt mee voor de challenge" in html
    assert f"/challenges/{challenge_id}#rewards" in html


def test_the_editor_explains_a_wrong_period_in_dutch_and_stores_nothing(app, client):
    from game_server.models import Challenge

    from ..factories import count

    login(client, make_fund_member(app))
    token = csrf_token(client, "/fund/challenges/new")
    response = client.post(
        "/fund/challenges/new",
        data={
            "csrf_token": token,
            "title_nl": "Zomeractie",
            "title_en": "Summer action",
            "description_nl": "Doe mee.",
            "description_en": "Join.",
            "sectors": ["transport"],
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-01",
            "quest_ids": ["open-to-all"],
            "goal_kind": "participants",
            "goal_target": "100",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "De laatste dag moet na de eerste dag komen." in html
    assert count(app, Challenge) == 0
