"""Group services: codes, the monthly goal, and what group play adds to the badge facts."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import GroupRun, QuestRun, RunStatus
from game_server.services.common.errors import NotFound
from game_server.services.play import groups
from game_server.services.progress.progression import PlayerFacts

from ..factories import GroupPlayer, make_group, make_user


def test_a_new_invite_code_stops_the_old_one_at_once(app):
    owner, late = make_user(app), make_user(app)
    with session_scope(app) as session:
        created = groups.create_group(session, user_id=owner.id, name="Hal 3")
        renewed = groups.new_code(session, group_id=created.id, user_id=owner.id)
    assert renewed.invite_code != created.invite_code
    with session_scope(app) as session, pytest.raises(NotFound):
        groups.join(session, user_id=late.id, code=created.invite_code)


def test_codes_are_read_without_spaces_dashes_or_case(app):
    owner, other = make_user(app), make_user(app)
    with session_scope(app) as session:
        created = groups.create_group(session, user_id=owner.id, name="Hal 4")
        code = created.invite_code
        typed = f" {code[:4].lower()}-{code[4:]} "
        group = groups.join(session, user_id=other.id, code=typed)
    assert group.id == created.id


def test_the_goal_counts_only_this_months_group_completions(app, client):
    owner = make_user(app)
    group_id = make_group(app, owner)
    player = GroupPlayer(client, app, owner, group_id)
    for _ in range(2):
        player.start()
        player.finish()
    with session_scope(app) as session:
        runs = session.exec(select(QuestRun).join(GroupRun, GroupRun.run_id == QuestRun.id)).all()
        assert [r.status for r in runs] == [RunStatus.COMPLETED] * 2
        # Dutch winter time is UTC+1: the month starts on Oct 31 at 23:00 UTC.
        runs[0].completed_at = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # Nov 1st, 00:30
        runs[1].completed_at = datetime(2026, 10, 31, 22, 59, tzinfo=UTC)  # Oct 31st, 23:59
        session.add_all(runs)
    with session_scope(app) as session:
        goal = groups.set_goal(
            session,
            group_id=group_id,
            user_id=owner.id,
            quests=10,
            now=datetime(2026, 11, 15, 12, 0, tzinfo=UTC),
        )
    assert (goal.month, goal.done) == ("2026-11", 1)


def test_group_play_feeds_the_badge_facts(app, client):
    anna, bram = make_user(app), make_user(app)
    group_id = make_group(app, anna, bram)
    first, second = (
        GroupPlayer(client, app, anna, group_id),
        GroupPlayer(client, app, bram, group_id),
    )
    first.start()
    first.play_until("vote")
    shared = first.answer_id("why")
    first.share(shared)
    second.start()
    second.finish(peer_value={"to_answer": shared, "text": "Dat herken ik."})
    with session_scope(app) as session:
        anna_facts, bram_facts = PlayerFacts(session, anna.id), PlayerFacts(session, bram.id)
        assert anna_facts.shared_reflections == 1
        assert bram_facts.peer_feedback == 1
        assert bram_facts.group_quests == 1
