"""Challenges over JSON: a fund sets one up with clear errors, a worker joins with the code,
plays, and claims; funds see only their own challenges and never a person."""

from datetime import timedelta

from game_server.models import ChallengeParticipant, Role, utcnow

from ..challenge_fixtures import complete, make_fund_member
from ..factories import bearer_for, count, make_user


def _body(**changes):
    now = utcnow()
    body = {
        "title_nl": "Zomer van de vrachtwagen",
        "title_en": "Summer of the truck",
        "description_nl": "Doe mee en ontdek wat je wil leren.",
        "description_en": "Join and find out what you want to learn.",
        "sectors": ["transport"],
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(),
        "quest_ids": ["open-to-all"],
        "goal_kind": "quests",
        "goal_target": 2000,
        "rewards": [
            {
                "kind": "voucher",
                "title_nl": "Tegoedbon",
                "title_en": "Voucher",
                "quests_needed": 1,
                "codes": ["AAA-1", "AAA-2"],
            }
        ],
    }
    body.update(changes)
    return body


def test_a_fund_sets_up_a_challenge_a_guest_joins_plays_and_claims(app, client):
    fund = bearer_for(app, make_fund_member(app))
    created = client.post("/api/v1/challenges", json=_body(), headers=fund)
    assert created.status_code == 201, created.get_json()
    code = created.get_json()["join_code"]

    guest = make_user(app, guest=True)
    headers = bearer_for(app, guest)
    joined = client.post(
        "/api/v1/challenges/join",
        json={"code": code.lower(), "sector": "transport", "age_band": "45-54"},
        headers=headers,
    )
    assert joined.status_code == 200
    challenge = joined.get_json()
    assert challenge["phase"] == "open" and challenge["rewards"][0]["left"] == 2
    complete(app, guest)
    (mine,) = client.get("/api/v1/me/challenges", headers=headers).get_json()
    assert mine["progress"]["quests_done"] == ["open-to-all"]
    assert mine["progress"]["goal_reached"] == 1 and mine["progress"]["goal_target"] == 2000
    reward_id = challenge["rewards"][0]["id"]
    path = f"/api/v1/challenges/{challenge['id']}/rewards/{reward_id}/claim"
    first = client.post(path, json={}, headers=headers).get_json()
    assert first["code"] in ("AAA-1", "AAA-2")
    assert client.post(path, json={}, headers=headers).get_json() == first  # the same again


def test_a_wrong_draft_says_which_field_and_stores_nothing(app, client):
    fund = bearer_for(app, make_fund_member(app))
    cases = [
        ({"sectors": ["bakery"]}, "sectors"),
        ({"ends_at": (utcnow() - timedelta(days=2)).isoformat()}, None),
        ({"quest_ids": ["no-such-quest"]}, "quest_ids"),
        ({"goal_target": 0}, "goal_target"),
        ({"colour": "red"}, "colour"),
    ]
    for change, field in cases:
        response = client.post("/api/v1/challenges", json=_body(**change), headers=fund)
        assert response.status_code == 422, (change, response.get_json())
        if field:
            assert field in response.get_data(as_text=True), change
    assert client.get("/api/v1/challenges", headers=fund).get_json() == []


def test_a_menu_answer_outside_the_menu_is_refused(app, client):
    fund = bearer_for(app, make_fund_member(app))
    code = client.post("/api/v1/challenges", json=_body(), headers=fund).get_json()["join_code"]
    worker = bearer_for(app, make_user(app))
    response = client.post(
        "/api/v1/challenges/join", json={"code": code, "region": "Texel"}, headers=worker
    )
    assert response.status_code == 422 and "region" in response.get_data(as_text=True)
    assert count(app, ChallengeParticipant) == 0


def test_a_fund_sees_its_own_challenges_only_and_no_people(app, client):
    ours, theirs = make_fund_member(app), make_fund_member(app)
    client.post("/api/v1/challenges", json=_body(), headers=bearer_for(app, ours))
    client.post(
        "/api/v1/challenges", json=_body(title_nl="Andere actie"), headers=bearer_for(app, theirs)
    )
    listed = client.get("/api/v1/challenges", headers=bearer_for(app, ours)).get_json()
    assert [c["title"] for c in listed] == ["Zomer van de vrachtwagen"]
    assert "user" not in str(listed) and "participant" not in str(listed)
    coach = bearer_for(app, make_user(app, Role.COACH))
    assert client.post("/api/v1/challenges", json=_body(), headers=coach).status_code == 403
