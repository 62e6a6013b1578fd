"""My plan on the pages, over JSON, and as a PDF: the owner edits it, a coach reads it only
when it is shared with them (audited), and nobody else gets in."""

import io

from pypdf import PdfReader

from game_server.db import session_scope
from game_server.models import AuditEntry, Role, ShareLevel
from game_server.services.guidance import coaching

from ..factories import bearer_for, count, csrf_token, login, make_user

CLEANER = "303a1e34-cb16-4054-b323-81e5eec17397"  # schoonmaker gebouwen
WINDOWS = "92cba6b4-8fca-49bb-b68c-45c5096fedc9"  # glazenwasser


def _link(app, coach, worker, share=ShareLevel.PROGRESS_AND_ANSWERS) -> int:
    with session_scope(app) as session:
        code = coaching.create_invite(session, coach_id=coach.id).code
        return coaching.accept(session, worker_id=worker.id, code=code, share=share).id


def test_an_empty_plan_says_for_each_part_what_to_play(app, client):
    worker = make_user(app)
    login(client, worker)
    page = client.get("/me/plan").get_data(as_text=True)
    assert "Mijn plan" in page
    assert page.count("Nog niets.") >= 5
    assert "/quests/values-cards" in page and "/occupations" in page
    assert "/me/plan.pdf" in page


def test_the_worker_writes_a_goal_and_puts_jobs_on_the_plan(app, client):
    worker = make_user(app)
    login(client, worker)
    token = csrf_token(client, "/me/plan")
    response = client.post("/me/plan/goal", data={"csrf_token": token, "goal": "Planner worden."})
    assert response.status_code == 302
    client.post(
        "/me/plan/jobs",
        data={
            "csrf_token": token,
            "occupation_id": CLEANER,
            "kind": "current",
            "next": f"/occupations/{CLEANER}",
        },
    )
    client.post("/me/plan/jobs", data={"csrf_token": token, "occupation_id": WINDOWS})
    page = client.get("/me/plan").get_data(as_text=True)
    assert "Planner worden." in page
    assert "schoonmaker gebouwen" in page and "glazenwasser" in page
    assert "ESCO" in page  # occupation data shown: its source named
    client.post(f"/me/plan/jobs/{WINDOWS}/remove", data={"csrf_token": token})
    assert "glazenwasser" not in client.get("/me/plan").get_data(as_text=True)


def test_a_goal_too_long_is_explained_and_changes_nothing(app, client):
    worker = make_user(app)
    login(client, worker)
    token = csrf_token(client, "/me/plan")
    client.post("/me/plan/goal", data={"csrf_token": token, "goal": "Kort doel."})
    response = client.post(
        "/me/plan/goal", data={"csrf_token": token, "goal": "lang " * 200}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Schrijf hoogstens 500 tekens." in page or "500" in page
    assert "Kort doel." in page


def test_the_plan_prints_as_a_pdf_with_its_text(app, client):
    worker = make_user(app, display_name="Fatima")
    login(client, worker)
    token = csrf_token(client, "/me/plan")
    client.post(
        "/me/plan/goal", data={"csrf_token": token, "goal": "Over een jaar ben ik planner."}
    )
    client.post("/me/plan/jobs", data={"csrf_token": token, "occupation_id": WINDOWS})
    response = client.get("/me/plan.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in (
        "Mijn ontwikkelplan",
        "Fatima",
        "Over een jaar ben ik planner.",
        "glazenwasser",
        "Wat ik belangrijk vind",
        "ESCO",
    ):
        assert expected in text, expected


def test_over_json_the_owner_reads_and_edits_the_plan(app, client):
    worker = make_user(app)
    headers = bearer_for(app, worker)
    response = client.put("/api/v1/me/plan/goal", json={"goal": "Planner worden."}, headers=headers)
    assert response.status_code == 200 and response.get_json()["goal"] == "Planner worden."
    response = client.post(
        "/api/v1/me/plan/occupations",
        json={"occupation_id": CLEANER, "kind": "current"},
        headers=headers,
    )
    assert response.get_json()["current_job"]["id"] == CLEANER
    missing = client.post(
        "/api/v1/me/plan/occupations", json={"occupation_id": "nope"}, headers=headers
    )
    assert missing.status_code == 404
    assert (
        client.delete(f"/api/v1/me/plan/occupations/{CLEANER}", headers=headers).status_code == 204
    )
    assert client.get("/api/v1/me/plan", headers=headers).get_json()["current_job"] is None
    assert client.get("/api/v1/me/plan").status_code == 401


def test_a_coach_reads_a_shared_plan_and_the_read_is_audited(app, client):
    worker, coach = make_user(app), make_user(app, Role.COACH)
    stranger = make_user(app, Role.COACH)
    link_id = _link(app, coach, worker)
    worker_headers = bearer_for(app, worker)
    client.put("/api/v1/me/plan/goal", json={"goal": "Planner worden."}, headers=worker_headers)
    coach_headers = bearer_for(app, coach)
    url = f"/api/v1/coach/clients/{worker.id}/plan"
    assert client.get(url, headers=coach_headers).status_code == 404  # not shared yet
    assert (
        client.put(f"/api/v1/me/coaches/{link_id}/plan", headers=worker_headers).status_code == 204
    )
    before = count(app, AuditEntry)
    response = client.get(url, headers=coach_headers)
    assert response.status_code == 200 and response.get_json()["goal"] == "Planner worden."
    assert count(app, AuditEntry) == before + 1
    # Another coach, a worker, a guest: none of them read it.
    assert client.get(url, headers=bearer_for(app, stranger)).status_code == 404
    assert client.get(url, headers=worker_headers).status_code == 403
    # The coach's page links to it and shows it.
    coach_client = app.test_client()
    login(coach_client, coach)
    assert f"/coach/clients/{worker.id}/plan" in coach_client.get(
        f"/coach/clients/{worker.id}"
    ).get_data(as_text=True)
    assert "Planner worden." in coach_client.get(f"/coach/clients/{worker.id}/plan").get_data(
        as_text=True
    )
    # The worker stops sharing: access ends at once.
    assert (
        client.delete(f"/api/v1/me/coaches/{link_id}/plan", headers=worker_headers).status_code
        == 204
    )
    assert client.get(url, headers=coach_headers).status_code == 404
    assert coach_client.get(f"/coach/clients/{worker.id}/plan").status_code == 404


def test_a_worker_cannot_share_through_someone_elses_link(app, client):
    worker, coach, intruder = make_user(app), make_user(app, Role.COACH), make_user(app)
    link_id = _link(app, coach, worker)
    response = client.put(f"/api/v1/me/coaches/{link_id}/plan", headers=bearer_for(app, intruder))
    assert response.status_code == 404
    assert (
        client.get(
            f"/api/v1/coach/clients/{worker.id}/plan", headers=bearer_for(app, coach)
        ).status_code
        == 404
    )
