"""Badge rules, one test per primitive; incremental evaluation; awarded exactly once."""

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from game_server.content.schema import Badge
from game_server.db import session_scope
from game_server.models import Answer, BadgeAward, QuestRun, QuestVersion, RunStatus, XpAward
from game_server.services.progress import badges, progression
from game_server.services.progress.progression import PlayerFacts

from ..factories import EVERY_STEP_ANSWERS, bearer_for, count, make_user, play_open_to_all

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday


def complete(app, user, quest_id, *, at=NOW, xp=None, scan=None):
    """Record a finished quest as the engine would: a run, its XP, a self-scan answer."""
    with session_scope(app) as session:
        version = QuestVersion(quest_id=quest_id, digest=uuid.uuid4().hex, definition="{}")
        session.add(version)
        session.flush()
        run = QuestRun(
            user_id=user.id,
            quest_id=quest_id,
            quest_version_id=version.id,
            status=RunStatus.COMPLETED,
            completed_at=at,
        )
        session.add(run)
        session.flush()
        for competency, points in (xp or {}).items():
            session.add(
                XpAward(
                    user_id=user.id,
                    run_id=run.id,
                    quest_id=quest_id,
                    competency=competency,
                    xp=points,
                )
            )
        if scan is not None:
            session.add(
                Answer(
                    run_id=run.id,
                    user_id=user.id,
                    step_id="scan",
                    step_type="scale",
                    value=json.dumps(scan),
                )
            )
            progression.record_scan(session, run)


def holds(app, user, criteria: dict, today=None) -> bool:
    rule = Badge.model_validate(
        {
            "kind": "badge",
            "schema_version": 1,
            "id": "test-badge",
            "title": {"nl": "T", "en": "T"},
            "description": {"nl": "T", "en": "T"},
            "criteria": criteria,
        }
    ).criteria
    with session_scope(app) as session:
        return badges.rule_holds(rule, PlayerFacts(session, user.id, today=today))


def scan(level: int) -> dict:
    return {
        f"{c}-{n}": level
        for c in ("reflecting", "exploring", "steering", "networking")
        for n in range(1, 5)
    }


def test_quests_completed_counts_distinct_quests(app):
    user = make_user(app)
    complete(app, user, "a")
    complete(app, user, "a")
    assert not holds(app, user, {"quests_completed": 2})
    complete(app, user, "b")
    assert holds(app, user, {"quests_completed": 2})


def test_quests_completed_of_a_list_or_a_competency(app):
    user = make_user(app)
    complete(app, user, "qa", xp={"networking": 10})
    complete(app, user, "qb", xp={"steering": 10})
    assert holds(app, user, {"quests_completed": 1, "quests": ["qb", "qc"]})
    assert not holds(app, user, {"quests_completed": 2, "quests": ["qb", "qc"]})
    assert holds(app, user, {"quests_completed": 1, "competency": "networking"})
    assert not holds(app, user, {"quests_completed": 2, "competency": "networking"})


def test_xp_in_total_or_per_competency(app):
    user = make_user(app)
    complete(app, user, "a", xp={"networking": 20, "steering": 5})
    assert holds(app, user, {"xp": 25})
    assert holds(app, user, {"xp": 20, "competency": "networking"})
    assert not holds(app, user, {"xp": 6, "competency": "steering"})


def test_streak_weeks_counts_the_rhythm(app):
    user = make_user(app)
    for weeks in (0, 1, 3):  # a quiet week in between is a pause, not a break
        complete(app, user, f"q{weeks}", at=NOW - timedelta(weeks=weeks))
    assert holds(app, user, {"streak_weeks": 3}, today=NOW.date())
    assert not holds(app, user, {"streak_weeks": 4}, today=NOW.date())


def test_scan_growth_compares_the_first_and_latest_self_scan(app):
    user = make_user(app)
    complete(app, user, "self-scan", at=NOW - timedelta(days=60), scan=scan(2))
    assert not holds(app, user, {"scan_growth": 0.5})  # one scan: nothing to compare
    complete(app, user, "self-scan", at=NOW, scan=scan(3))
    assert holds(app, user, {"scan_growth": 1.0})
    assert holds(app, user, {"scan_growth": 1.0, "competency": "steering"})
    assert not holds(app, user, {"scan_growth": 1.5})


@pytest.mark.parametrize(
    "primitive", ["group_quests", "live_sessions", "shared_reflections", "peer_feedback"]
)
def test_primitives_of_later_features_are_not_met_yet(app, primitive):
    user = make_user(app)
    complete(app, user, "a", xp={"networking": 50})
    assert not holds(app, user, {primitive: 1})


def test_all_and_any_combine_rules(app):
    user = make_user(app)
    complete(app, user, "a", xp={"networking": 10})
    assert holds(app, user, {"any": [{"xp": 500}, {"quests_completed": 1}]})
    assert not holds(app, user, {"all": [{"xp": 500}, {"quests_completed": 1}]})
    assert holds(app, user, {"all": [{"xp": 10}, {"any": [{"group_quests": 1}, {"xp": 5}]}]})


def test_an_event_only_rechecks_the_badges_that_depend_on_it(app):
    from game_server.current import catalog

    with app.test_request_context():
        books = catalog()
    completed = {b.id for b in badges.badges_for_event(books, badges.QUEST_COMPLETED)}
    grouped = {b.id for b in badges.badges_for_event(books, badges.GROUP_QUEST)}
    assert completed == {"first-quest", "open-networker"}
    assert grouped == {"team-player"}


def test_completing_a_quest_awards_its_badges_once(client, app):
    headers = bearer_for(app, make_user(app))
    first = play_open_to_all(client, headers)
    assert sorted(first["badges_awarded"]) == ["first-quest", "open-networker"]
    again = play_open_to_all(client, headers)
    assert again["badges_awarded"] == []
    assert count(app, BadgeAward) == 2


def test_two_completions_racing_award_one_badge(app):
    user = make_user(app)
    headers = bearer_for(app, user)
    client = app.test_client()
    runs = []
    for quest_id in ("open-to-all", "every-step"):
        runs.append(client.post(f"/api/v1/quests/{quest_id}/runs", headers=headers).get_json())
    # Bring both runs to their last step, then finish them at the same moment.
    client.post(
        f"/api/v1/runs/{runs[0]['run_id']}/answers",
        headers=headers,
        json={"step_id": "who", "value": ["family"]},
    )
    for step_id, value in list(EVERY_STEP_ANSWERS.items())[:-1]:
        client.post(
            f"/api/v1/runs/{runs[1]['run_id']}/answers",
            headers=headers,
            json={"step_id": step_id, "value": value},
        )
    finals = [
        (runs[0]["run_id"], "note", "Familie helpt."),
        (runs[1]["run_id"], "plan", EVERY_STEP_ANSWERS["plan"]),
    ]
    barrier = threading.Barrier(2)
    results = []

    def finish(run_id, step_id, value):
        own = app.test_client()
        barrier.wait()
        response = own.post(
            f"/api/v1/runs/{run_id}/answers",
            headers=headers,
            json={"step_id": step_id, "value": value},
        )
        results.append(response.get_json())

    threads = [threading.Thread(target=finish, args=final) for final in finals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r["status"] == "completed" for r in results), results
    first_quest = [r for r in results if "first-quest" in (r["badges_awarded"] or [])]
    assert len(first_quest) == 1
    with session_scope(app) as session:
        from sqlmodel import select

        held = session.exec(select(BadgeAward.badge_id).where(BadgeAward.user_id == user.id)).all()
    assert sorted(held) == ["first-quest", "open-networker"]
