"""GET /api/v1/me/profile: what a worker sees of their own growth."""

from game_server.services.progress.progression import LEVELS

from ..factories import bearer_for, make_user, play_open_to_all


def test_a_new_worker_starts_at_level_one_everywhere(client, app):
    headers = bearer_for(app, make_user(app))
    profile = client.get("/api/v1/me/profile", headers=headers).get_json()
    assert [c["level"] for c in profile["competencies"]] == [1, 1, 1, 1]
    assert profile["overall"]["level"] == 1
    assert profile["rhythm"] == {
        "weeks": 0,
        "active_this_week": False,
        "pauses_left_this_quarter": 2,
    }
    assert profile["badges"] == [] and profile["scan"] is None
    assert profile["level_thresholds"] == list(LEVELS)


def test_the_profile_shows_xp_rhythm_and_badges_after_a_quest(client, app):
    headers = bearer_for(app, make_user(app))
    play_open_to_all(client, headers)
    profile = client.get("/api/v1/me/profile?locale=en", headers=headers).get_json()
    networking = next(c for c in profile["competencies"] if c["competency"] == "networking")
    assert networking == {
        "competency": "networking",
        "xp": 8,
        "level": 1,
        "next_level_at": LEVELS[1],
    }
    assert profile["rhythm"]["weeks"] == 1 and profile["rhythm"]["active_this_week"]
    assert sorted(b["title"] for b in profile["badges"]) == ["First quest", "Open networker"]
    assert all(len(b["id"]) == 32 and not b["revoked"] for b in profile["badges"])


def test_nobody_sees_someone_elses_profile(client, app):
    mine, theirs = make_user(app), make_user(app)
    play_open_to_all(client, bearer_for(app, theirs))
    profile = client.get("/api/v1/me/profile", headers=bearer_for(app, mine)).get_json()
    assert profile["badges"] == []
    assert all(c["xp"] == 0 for c in profile["competencies"])
