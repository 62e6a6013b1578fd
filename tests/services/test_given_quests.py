"""A guest plays every quest someone gives them: their group, a coach's assignment, a
challenge they joined; other closed quests still ask for an account, and say so."""

import pytest

from game_server.db import session_scope
from game_server.models import Assignment, Role
from game_server.services.common.errors import Forbidden
from game_server.services.play import runs

from ..factories import make_group, make_user


def _start(app, user, quest_id, group_id=None):
    with session_scope(app) as session:
        catalog = app.extensions["catalog_source"].current()
        view, _new = runs.start_or_resume(
            session, catalog, user_id=user.id, quest_id=quest_id, group_id=group_id
        )
        return view


def test_a_guest_may_not_start_a_closed_quest_nobody_gave_them(app):
    guest = make_user(app, guest=True)
    with pytest.raises(Forbidden, match="account"):
        _start(app, guest, "every-step")


def test_a_guest_plays_a_closed_quest_with_their_group(app):
    owner, guest = make_user(app), make_user(app, guest=True)
    group_id = make_group(app, owner, guest)
    assert _start(app, guest, "every-step", group_id=group_id).step is not None


def test_a_guest_plays_a_closed_quest_a_coach_assigned(app):
    coach, guest = make_user(app, Role.COACH), make_user(app, guest=True)
    with session_scope(app) as session:
        session.add(Assignment(coach_id=coach.id, worker_id=guest.id, quest_id="every-step"))
    assert _start(app, guest, "every-step").step is not None
    other = make_user(app, guest=True)  # the assignment is theirs alone
    with pytest.raises(Forbidden):
        _start(app, other, "every-step")
