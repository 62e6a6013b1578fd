"""Peer groups over JSON: membership, group play, sharing, and what outsiders never see."""

import pytest

from game_server.db import session_scope
from game_server.models import AnswerShare, BadgeAward

from ..factories import GroupPlayer, bearer_for, count, make_group, make_user


@pytest.fixture
def trio(app, client):
    """Owner Anna and members Bram and Chris in one group, each ready to play."""
    anna, bram, chris = make_user(app), make_user(app), make_user(app)
    group_id = make_group(app, anna, bram, chris)
    return [GroupPlayer(client, app, user, group_id) for user in (anna, bram, chris)]


def test_creating_a_group_returns_its_id_and_invite_code_and_makes_me_owner(app, client):
    headers = bearer_for(app, make_user(app))
    response = client.post(
        "/api/v1/groups",
        headers=headers,
        json={"name": "  Depot   Tilburg ", "sector": "transport"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "invite_code"} and len(body["invite_code"]) == 8
    group = client.get(f"/api/v1/groups/{body['id']}", headers=headers).get_json()
    assert group["name"] == "Depot Tilburg" and group["sector"] == "transport"
    assert group["role"] == "owner" and len(group["members"]) == 1


def test_a_group_needs_a_name(app, client):
    headers = bearer_for(app, make_user(app))
    response = client.post("/api/v1/groups", headers=headers, json={"name": "   "})
    assert response.status_code == 422


def test_joining_with_the_code_returns_the_group_and_joining_again_changes_nothing(app, client):
    owner, newcomer = make_user(app), make_user(app)
    headers = bearer_for(app, owner)
    code = client.post("/api/v1/groups", headers=headers, json={"name": "Kassa"}).get_json()
    mine = bearer_for(app, newcomer)
    first = client.post(
        "/api/v1/groups/join", headers=mine, json={"code": code["invite_code"].lower()}
    )
    again = client.post("/api/v1/groups/join", headers=mine, json={"code": code["invite_code"]})
    assert first.status_code == again.status_code == 200
    assert first.get_json()["id"] == code["id"]
    assert [m["user_id"] for m in again.get_json()["members"]] == [owner.id, newcomer.id]


def test_a_wrong_code_is_not_found(app, client):
    response = client.post(
        "/api/v1/groups/join", headers=bearer_for(app, make_user(app)), json={"code": "ZZZZ2222"}
    )
    assert response.status_code == 404


def test_a_stranger_gets_the_same_404_for_a_real_group_as_for_a_made_up_id(app, client, trio):
    stranger = bearer_for(app, make_user(app))
    real = client.get(f"/api/v1/groups/{trio[0].group_id}", headers=stranger)
    made_up = client.get("/api/v1/groups/999999", headers=stranger)
    assert real.status_code == made_up.status_code == 404
    assert real.get_json() == made_up.get_json()


def test_a_stranger_gets_404_on_every_group_route(app, client, trio):
    stranger = bearer_for(app, make_user(app))
    gid, member = trio[0].group_id, trio[1].user.id
    answer_id = _shared_reflection(trio[1])
    calls = [
        ("GET", f"/api/v1/groups/{gid}", None),
        ("POST", f"/api/v1/groups/{gid}/leave", None),
        ("DELETE", f"/api/v1/groups/{gid}/members/{member}", None),
        ("POST", f"/api/v1/groups/{gid}/invite-code", None),
        ("PUT", f"/api/v1/groups/{gid}/goal", {"quests": 5}),
        ("POST", f"/api/v1/groups/{gid}/quests/every-step/runs", None),
        ("GET", f"/api/v1/groups/{gid}/answers", None),
        ("POST", f"/api/v1/groups/{gid}/shares", {"answer_id": answer_id}),
        ("DELETE", f"/api/v1/groups/{gid}/shares/{answer_id}", None),
    ]
    for method, path, body in calls:
        response = client.open(path, method=method, headers=stranger, json=body)
        assert response.status_code == 404, (method, path, response.status_code)
    assert count(app, AnswerShare) == 1


def test_only_the_owner_removes_members(app, client, trio):
    anna, bram, chris = trio
    response = client.delete(
        f"/api/v1/groups/{anna.group_id}/members/{chris.user.id}", headers=bram.headers
    )
    assert response.status_code == 403
    response = client.delete(
        f"/api/v1/groups/{anna.group_id}/members/{chris.user.id}", headers=anna.headers
    )
    assert response.status_code == 204
    assert client.get(f"/api/v1/groups/{anna.group_id}", headers=chris.headers).status_code == 404


def test_a_removed_member_loses_what_they_shared_and_their_run_shows_no_group(app, client, trio):
    anna, bram, chris = trio
    answer_id = _shared_reflection(chris)
    assert any(i.get("answer_id") == answer_id for i in anna.group()["feed"])
    client.delete(f"/api/v1/groups/{anna.group_id}/members/{chris.user.id}", headers=anna.headers)
    assert count(app, AnswerShare) == 0
    assert not any(i.get("answer_id") == answer_id for i in anna.group()["feed"])
    # Chris's own run goes on, but shows nothing of the group any more.
    run = client.get(f"/api/v1/runs/{chris.run['run_id']}", headers=chris.headers).get_json()
    assert run["group_id"] is None


def test_the_owner_who_leaves_hands_over_and_the_last_to_leave_dissolves_the_group(
    app, client, trio
):
    anna, bram, chris = trio
    assert (
        client.post(f"/api/v1/groups/{anna.group_id}/leave", headers=anna.headers).status_code
        == 204
    )
    roles = {m["user_id"]: m["role"] for m in bram.group()["members"]}
    assert roles == {bram.user.id: "owner", chris.user.id: "member"}
    client.post(f"/api/v1/groups/{anna.group_id}/leave", headers=bram.headers)
    client.post(f"/api/v1/groups/{anna.group_id}/leave", headers=chris.headers)
    assert client.get("/api/v1/groups", headers=chris.headers).get_json() == []


def test_the_owner_sets_a_goal_and_group_completions_this_month_fill_it(app, client, trio):
    anna, bram, _chris = trio
    response = client.put(
        f"/api/v1/groups/{anna.group_id}/goal", headers=bram.headers, json={"quests": 10}
    )
    assert response.status_code == 403
    response = client.put(
        f"/api/v1/groups/{anna.group_id}/goal", headers=anna.headers, json={"quests": 10}
    )
    assert response.get_json()["goal"]["quests"] == 10
    bram.start()
    bram.finish()
    goal = anna.group()["goal"]
    assert (goal["quests"], goal["done"]) == (10, 1)


def test_a_group_run_has_the_normal_run_shape_and_shows_the_peer_step(app, client, trio):
    anna = trio[0]
    run = anna.start()
    assert {"run_id", "quest_id", "status", "step", "progress"} <= set(run)
    assert run["mode"] == "group" and run["group_id"] == anna.group_id
    solo = client.post("/api/v1/quests/every-step/runs", headers=anna.headers).get_json()
    assert solo["run_id"] != run["run_id"] and solo["mode"] == "solo"
    assert run["progress"]["total"] == solo["progress"]["total"] + 1
    again = anna.start()
    assert again["run_id"] == run["run_id"]


def test_a_quest_not_made_for_groups_cannot_be_started_in_a_group(app, client, trio):
    response = client.post(
        f"/api/v1/groups/{trio[0].group_id}/quests/open-to-all/runs", headers=trio[0].headers
    )
    assert response.status_code == 409


def test_poll_answers_show_the_groups_totals(app, client, trio):
    anna, bram, chris = trio
    for player, vote in ((anna, ["pay"]), (bram, ["time"]), (chris, ["pay"])):
        player.start()
        player.play_until("vote")
        player.send("vote", vote)
    results = {r["step_id"]: r for r in chris.run["poll_results"]}
    counts = {o["id"]: o["count"] for o in results["vote"]["options"]}
    assert counts == {"pay": 2, "time": 1} and results["vote"]["answers"] == 3


def test_the_peer_step_offers_only_answers_shared_with_the_group(app, client, trio):
    anna, bram, chris = trio
    shared = _shared_reflection(anna)
    bram.start()
    bram.play_until("why")
    bram.send("why", "Ik wil zekerheid hebben.")  # not shared
    chris.start()
    run = chris.play_until("react")
    offered = [a["answer_id"] for a in run["step"]["peer_answers"]]
    assert offered == [shared]
    assert run["step"]["peer_answers"][0]["text"] == "Zekerheid telt voor mij."
    refused = chris.send("react", {"to_answer": bram.answer_id("why"), "text": "Mooi"}, expect=422)
    assert refused["error"]["code"] == "invalid_input"
    chris.send("react", {"to_answer": shared, "text": "Herkenbaar!"})
    feed = anna.group()["feed"]
    assert any(i["kind"] == "peer_feedback" and i["to_user_id"] == anna.user.id for i in feed)


def test_an_unshared_answer_leaves_the_feed_the_peer_step_and_the_responses(app, client, trio):
    anna, bram, _chris = trio
    shared = _shared_reflection(anna)
    bram.start()
    bram.play_until("react")
    bram.send("react", {"to_answer": shared, "text": "Goed gezegd."})
    assert anna.unshare(shared).status_code == 204
    kinds = {i["kind"] for i in bram.group()["feed"]}
    assert "answer_shared" not in kinds and "peer_feedback" not in kinds
    other = GroupPlayer(client, app, trio[2].user, anna.group_id)
    other.start()
    assert other.play_until("react")["step"]["peer_answers"] == []


def test_the_peer_step_can_be_passed_only_while_nobody_shared(app, client, trio):
    anna, bram, _chris = trio
    anna.start()
    anna.play_until("react")
    anna.send("react", None)
    assert anna.run["step"]["id"] == "talk"
    _shared_reflection(bram)
    chris = trio[2]
    chris.start()
    chris.play_until("react")
    chris.send("react", None, expect=422)


def test_only_answers_written_in_this_groups_run_can_be_shared_to_it(app, client, trio):
    anna, bram, _chris = trio
    solo = client.post("/api/v1/quests/every-step/runs", headers=anna.headers).get_json()
    solo_player = GroupPlayer(client, app, anna.user, anna.group_id)
    solo_player.run = solo
    solo_player.play_until("vote")
    other_group = make_group(app, anna.user, name="Andere groep")
    elsewhere = GroupPlayer(client, app, anna.user, other_group)
    elsewhere.start()
    elsewhere.play_until("vote")
    anna.share(solo_player.answer_id("why"), expect=404)
    anna.share(elsewhere.answer_id("why"), expect=404)
    bram_answer = _shared_reflection(bram)
    anna.share(bram_answer, expect=404)  # someone else's answer, even when it is shared
    assert count(app, AnswerShare) == 1


def test_sharing_twice_is_one_share_and_counts_for_the_sharer_badge_facts(app, client, trio):
    anna = trio[0]
    answer_id = _shared_reflection(anna)
    anna.share(answer_id)
    assert count(app, AnswerShare) == 1
    mine = client.get(f"/api/v1/groups/{anna.group_id}/answers", headers=anna.headers).get_json()
    assert {a["answer_id"]: a["shared"] for a in mine}[answer_id] is True


def test_three_group_quests_earn_the_team_player_badge(app, client, trio):
    anna = trio[0]
    for _ in range(3):
        anna.start()
        run = anna.finish()
        assert run["status"] == "completed"
    assert "team-player" in run["badges_awarded"]
    with session_scope(app) as session:
        from sqlmodel import select

        held = session.exec(select(BadgeAward.badge_id).where(BadgeAward.user_id == anna.user.id))
        assert "team-player" in set(held.all())


def _shared_reflection(player: GroupPlayer) -> int:
    """Play to the poll in the group and share the reflection `why`; returns its answer id."""
    player.start()
    player.play_until("vote")
    answer_id = player.answer_id("why")
    player.share(answer_id)
    return answer_id
