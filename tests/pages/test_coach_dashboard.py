"""The coach's start page: each client's radar and assignments, and the coach's own live
sessions with how many took part; nothing of anyone who is not (or no longer) linked."""

import re
import uuid
from datetime import date, timedelta

from game_server.db import session_scope
from game_server.models import QuestRun, QuestVersion, Role, XpAward
from game_server.services.guidance import assignments, coaching
from game_server.services.together import follow_ups, live, live_answers, live_play
from game_server.services.together.follow_ups import FollowUpTopic

from ..factories import bearer_for, login, make_user


def _catalog(app):
    return app.extensions["catalog_source"].current()


def _link(app, coach, worker):
    with session_scope(app) as session:
        code = coaching.create_invite(session, coach_id=coach.id).code
        coaching.accept(session, worker_id=worker.id, code=code)


def _give_xp(app, worker, **xp):
    with session_scope(app) as session:
        version = QuestVersion(quest_id="every-step", digest=uuid.uuid4().hex, definition="{}")
        session.add(version)
        session.flush()
        run = QuestRun(user_id=worker.id, quest_id="every-step", quest_version_id=version.id)
        session.add(run)
        session.flush()
        for competency, amount in xp.items():
            session.add(
                XpAward(
                    user_id=worker.id,
                    run_id=run.id,
                    quest_id=f"q-{competency}",
                    competency=competency,
                    xp=amount,
                )
            )


def _assign(app, coach, worker, due):
    with session_scope(app) as session:
        assignments.assign(
            session,
            _catalog(app),
            coach_id=coach.id,
            quest_id="open-to-all",
            worker_ids=[worker.id],
            due=due,
            today=date.today() - timedelta(days=30),
        )


def _session_with(app, host, joined: int, answering: int, asking: int) -> str:
    people = [make_user(app, guest=True) for _ in range(joined)]
    with session_scope(app) as session:
        code = live.create(session, _catalog(app), host_id=host.id, quest_id="at-the-depot").code
        live.claim_host(session, code=code, host_id=host.id, sid="screen")
        live.advance(session, code=code, host_id=host.id, sid="screen", client_id=code)
        for index, person in enumerate(people):
            live_play.join(session, code=code, user_id=person.id, nickname=f"p{index}")
            if index < answering:
                for _ in range(2):  # a retry counts once
                    live_answers.answer(
                        session,
                        code=code,
                        user_id=person.id,
                        step_id="hello",
                        value=None,
                        client_id=f"{code}-{index}",
                    )
            if index < asking:
                for topic in (FollowUpTopic.COURSE, FollowUpTopic.CAREER_CONVERSATION):
                    follow_ups.ask(
                        session, code=code, user_id=person.id, topic=topic, contact="06-1234"
                    )
    return code


def test_each_client_shows_a_radar_their_levels_and_how_assignments_stand(app, client):
    coach = make_user(app, Role.COACH)
    worker, unlinked = make_user(app, display_name="Fatima"), make_user(app, display_name="Kees")
    _link(app, coach, worker)
    _give_xp(app, worker, steering=60, networking=25)
    _give_xp(app, unlinked, steering=500)
    _assign(app, coach, worker, due=date.today() - timedelta(days=1))  # overdue
    _assign(app, coach, worker, due=None)  # open
    login(client, coach)
    html = client.get("/coach").get_data(as_text=True)
    card = html[html.index(f'data-testid="client-{worker.id}"') :]
    card = card[: card.index("</li>")]
    assert 'class="radar-small"' in card and 'class="radar-shape"' in card
    levels = dict(re.findall(r"<dt>(\w+)</dt><dd>niveau (\d+)</dd>", card))
    assert levels == {"Reflecteren": "1", "Exploreren": "1", "Sturen": "3", "Netwerken": "2"}
    assert "1 te laat" in card and "1 open" in card and "klaar" not in card
    assert "Kees" not in html  # not linked: not on the page at all


def test_the_client_list_over_json_carries_levels_and_assignment_counts(app, client):
    coach = make_user(app, Role.COACH)
    worker = make_user(app)
    _link(app, coach, worker)
    _give_xp(app, worker, reflecting=110)
    _assign(app, coach, worker, due=None)
    (listed,) = client.get("/api/v1/coach/clients", headers=bearer_for(app, coach)).get_json()
    assert listed["levels"] == {"reflecting": 4, "exploring": 1, "steering": 1, "networking": 1}
    assert listed["assignments"] == {"open": 1, "started": 0, "done": 0, "overdue": 0}


def test_a_coach_sees_their_own_live_sessions_with_participation(app, client):
    coach, other_coach = make_user(app, Role.COACH), make_user(app, Role.COACH)
    code = _session_with(app, coach, joined=5, answering=3, asking=2)
    quiet = _session_with(app, coach, joined=0, answering=0, asking=0)
    theirs = _session_with(app, other_coach, joined=1, answering=1, asking=1)

    sessions = client.get("/api/v1/live", headers=bearer_for(app, coach)).get_json()
    assert [(s["code"], s["joined"], s["answered"], s["follow_ups"]) for s in sessions] == [
        (quiet, 0, 0, 0),
        (code, 5, 3, 2),  # two people asked, for two topics each
    ]
    assert sessions[1]["title"] == "Samen in de kantine"

    login(client, coach)
    html = client.get("/coach").get_data(as_text=True)
    row = html[html.index(f'data-testid="session-{code}"') :]
    row = row[: row.index("</tr>")]
    assert re.findall(r"<td>(\d+)</td>", row) == ["5", "3"]
    assert f"/live/{code}/follow-ups" in row and "06-1234" not in html  # contacts stay there
    assert theirs not in html


def test_a_worker_who_never_hosted_gets_an_empty_list(app, client):
    worker = make_user(app)
    assert client.get("/api/v1/live", headers=bearer_for(app, worker)).get_json() == []
