"""Coach links on the pages: the worker chooses and withdraws in one click; coaches see 404."""

import re

from game_server.db import session_scope
from game_server.models import Role
from game_server.services.guidance import coaching

from ..factories import csrf_token, login, make_user


def _invite(app, coach) -> str:
    with session_scope(app) as session:
        return coaching.create_invite(session, coach_id=coach.id).code


def test_a_worker_accepts_from_the_link_chooses_what_to_share_and_withdraws(app, client):
    coach, worker = make_user(app, Role.COACH), make_user(app, Role.WORKER)
    code = _invite(app, coach)
    login(client, worker)
    page = client.get(f"/coaches/join/{code}").get_data(as_text=True)
    assert f'value="{code}"' in page
    assert re.search(r'<input checked[^>]*value="progress"', page)  # progress only, by default
    token = csrf_token(client, "/coaches")
    response = client.post(
        "/coaches", data={"csrf_token": token, "code": code, "share": "progress_and_answers"}
    )
    assert response.status_code == 302
    listing = client.get("/coaches").get_data(as_text=True)
    assert coach.display_name in listing and "de antwoorden die je met deze coach deelt" in listing
    with session_scope(app) as session:
        link_id = coaching.my_coaches(session, worker_id=worker.id)[0].id

    coach_client = app.test_client()
    login(coach_client, coach)
    assert coach_client.get(f"/coach/clients/{worker.id}").status_code == 200
    client.post(f"/coaches/{link_id}/withdraw", data={"csrf_token": csrf_token(client, "/coaches")})
    assert coach_client.get(f"/coach/clients/{worker.id}").status_code == 404
    assert "gestopt op" in client.get("/coaches").get_data(as_text=True)


def test_a_wrong_code_is_explained_next_to_the_field(app, client):
    login(client, make_user(app, Role.WORKER))
    response = client.post(
        "/coaches", data={"csrf_token": csrf_token(client, "/coaches"), "code": "ZZZZZZZZ"}
    )
    assert response.status_code == 422
    assert "Deze code werkt niet." in response.get_data(as_text=True)


def test_a_coach_makes_an_invite_and_sees_only_linked_clients(app, client):
    coach, stranger = make_user(app, Role.COACH), make_user(app, Role.WORKER)
    login(client, coach)
    page = client.post("/coach/invites", data={"csrf_token": csrf_token(client, "/coach")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="invite-code"' in html
    assert "/coaches/join/" in html
    assert client.get(f"/coach/clients/{stranger.id}").status_code == 404


def test_the_privacy_page_shows_who_read_which_answer_and_when(app, client):
    from game_server.db import session_scope as scope
    from game_server.services.common import audit

    worker, coach = make_user(app, Role.WORKER), make_user(app, Role.COACH)
    with scope(app) as session:
        audit.record_reads(
            session, actor_id=coach.id, subject_id=worker.id, items=["answer:7"], reason="test"
        )
    login(client, worker)
    html = client.get("/coaches").get_data(as_text=True)
    assert 'data-testid="audit"' in html
    assert coach.display_name in html and "je antwoord (nummer 7)" in html


def test_the_home_page_shows_what_the_coach_assigned(app, client):
    from game_server.db import session_scope as scope
    from game_server.services.guidance import assignments

    coach, worker = make_user(app, Role.COACH), make_user(app, Role.WORKER)
    with scope(app) as session:
        coaching.accept(
            session,
            worker_id=worker.id,
            code=coaching.create_invite(session, coach_id=coach.id).code,
        )
        assignments.assign(
            session,
            app.extensions["catalog_source"].current(),
            coach_id=coach.id,
            quest_id="open-to-all",
            worker_ids=[worker.id],
            message="Kijk hier eens naar",
        )
    login(client, worker)
    html = client.get("/home").get_data(as_text=True)
    assert 'data-testid="assignments"' in html and "Kijk hier eens naar" in html
    assert "Voor iedereen" in html  # the quest's Dutch title


def test_on_the_pages_a_worker_shares_an_answer_the_coach_gives_feedback_the_worker_replies(
    app, client
):
    from sqlmodel import select

    from game_server.models import Answer

    from ..factories import bearer_for

    coach, worker = make_user(app, Role.COACH, display_name="Coach Yara"), make_user(app)
    with session_scope(app) as session:
        link = coaching.accept(
            session,
            worker_id=worker.id,
            code=coaching.create_invite(session, coach_id=coach.id).code,
            share="progress_and_answers",
        )
    headers = bearer_for(app, worker)
    run = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    for step_id, value in (("who", ["family"]), ("note", "ik wil meer met mensen werken")):
        client.post(
            f"/api/v1/runs/{run['run_id']}/answers",
            json={"step_id": step_id, "value": value},
            headers=headers,
        )
    with session_scope(app) as session:
        answer_id = session.exec(select(Answer.id).where(Answer.step_id == "note")).one()
    login(client, worker)
    page = client.get(f"/coaches/{link.id}/answers").get_data(as_text=True)
    assert "ik wil meer met mensen werken" in page and f"share-{answer_id}" in page
    token = csrf_token(client, f"/coaches/{link.id}/answers")
    client.post(f"/coaches/{link.id}/answers/{answer_id}/share", data={"csrf_token": token})

    coach_client = app.test_client()
    login(coach_client, coach)
    seen = coach_client.get(f"/coach/clients/{worker.id}").get_data(as_text=True)
    assert "ik wil meer met mensen werken" in seen
    coach_client.post(
        f"/coach/clients/{worker.id}/answers/{answer_id}/feedback",
        data={
            "csrf_token": csrf_token(coach_client, f"/coach/clients/{worker.id}"),
            "text": "Wat voor werk met mensen?",
        },
    )
    mine = client.get("/coaches").get_data(as_text=True)
    assert "Wat voor werk met mensen?" in mine and "Coach Yara" in mine
    client.post(
        f"/feedback/{answer_id}/reply",
        data={"csrf_token": csrf_token(client, "/coaches"), "text": "In de zorg misschien"},
    )
    assert "In de zorg misschien" in coach_client.get(f"/coach/clients/{worker.id}").get_data(
        as_text=True
    )
    audit_page = client.get("/coaches").get_data(as_text=True)
    assert f"je antwoord (nummer {answer_id})" in audit_page


def test_the_home_page_reminds_of_a_planned_action(app, client):
    import json as _json

    from game_server.db import session_scope as scope
    from game_server.models import Notification

    worker = make_user(app)
    with scope(app) as session:
        session.add(
            Notification(
                user_id=worker.id,
                kind="action_checkin",
                ref=1,
                payload=_json.dumps({"text": "bel Sanne van HR", "due": "2026-12-01"}),
            )
        )
    login(client, worker)
    html = client.get("/home").get_data(as_text=True)
    assert 'data-testid="reminders"' in html and "bel Sanne van HR" in html


def test_a_coachs_notes_and_the_clients_live_requests_stay_with_that_coach(app, client):
    from game_server.db import session_scope as scope
    from game_server.services.together import follow_ups, live, live_play

    coach, other_coach, worker = (
        make_user(app, Role.COACH),
        make_user(app, Role.COACH),
        make_user(app),
    )
    catalog = app.extensions["catalog_source"].current()
    with scope(app) as session:
        code = coaching.create_invite(session, coach_id=coach.id).code
        link = coaching.accept(session, worker_id=worker.id, code=code)
        live_code = live.create(session, catalog, host_id=coach.id, quest_id="at-the-depot").code
        live_play.join(session, code=live_code, user_id=worker.id, nickname="Sam")
        follow_ups.ask(session, code=live_code, user_id=worker.id, topic="course", contact="06-1")
    login(client, coach)
    client.post(
        f"/coach/clients/{worker.id}/notes",
        data={"csrf_token": csrf_token(client, "/coach"), "text": "Wil misschien de zorg in"},
    )
    page = client.get(f"/coach/clients/{worker.id}").get_data(as_text=True)
    assert "Wil misschien de zorg in" in page and "06-1" in page
    other = app.test_client()
    login(other, other_coach)
    token = csrf_token(other, "/coach")
    assert (
        other.post(
            f"/coach/clients/{worker.id}/notes", data={"csrf_token": token, "text": "x"}
        ).status_code
        == 404
    )
    with scope(app) as session:
        coaching.withdraw(session, worker_id=worker.id, link_id=link.id)
    assert client.get(f"/coach/clients/{worker.id}").status_code == 404
    token = csrf_token(client, "/coach")
    assert (
        client.post(
            f"/coach/clients/{worker.id}/notes", data={"csrf_token": token, "text": "y"}
        ).status_code
        == 404
    )
