"""The export of a worker holds all of their data and none of anyone else's."""

import json
from datetime import date

from game_server.db import session_scope
from game_server.models import Role
from game_server.services.common import audit
from game_server.services.guidance import reminders

from ..factories import bearer_for, make_group, make_plans, make_user


def _play(client, headers, marker):
    run = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    for step_id, value in (("who", ["family"]), ("note", f"{marker} in mijn eigen woorden")):
        client.post(
            f"/api/v1/runs/{run['run_id']}/answers",
            json={"step_id": step_id, "value": value},
            headers=headers,
        )


def test_the_export_holds_my_markers_and_none_of_another_workers(app, client):
    me = make_user(app, Role.WORKER, display_name="Marit MARKER-NAAM")
    other = make_user(app, Role.WORKER, display_name="Kees ANDERE-NAAM")
    coach = make_user(app, Role.COACH, display_name="Coach Yara")
    mine, theirs = bearer_for(app, me), bearer_for(app, other)
    _play(client, mine, "MARKER-MIJN")
    _play(client, theirs, "MARKER-ANDER")
    group_id = make_group(app, other, me, name="Ploeg MARKER-GROEP")
    code = client.post("/api/v1/coach/invites", headers=bearer_for(app, coach)).get_json()["code"]
    client.post("/api/v1/me/coaches", json={"code": code}, headers=mine)
    with session_scope(app) as session:
        audit.record_reads(
            session, actor_id=coach.id, subject_id=me.id, items=["answer:1"], reason="test"
        )

    for person, headers, words in ((me, mine, "MARKER-MIJN"), (other, theirs, "MARKER-ANDER")):
        (plan,) = make_plans(app, person, (f"plan {words}", date.today()))
        told = client.post(
            f"/api/v1/me/checkins/{plan}",
            json={"outcome": "done", "note": f"gelukt {words}"},
            headers=headers,
        )
        assert told.status_code == 200
    with session_scope(app) as session:
        reminders.send_due(session, app.extensions["catalog_source"].current())

    response = client.get("/api/v1/me/export", headers=mine)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    body = json.loads(text)
    assert "MARKER-MIJN" in text and "MARKER-NAAM" in text
    assert "MARKER-ANDER" not in text
    assert body["account"]["email"] == me.email and other.email not in text
    assert other.display_name not in text  # a fellow member of my group is not in my export
    assert [g["group_id"] for g in body["groups"]] == [group_id]
    assert body["coach_links"][0]["coach"]["name"] == coach.display_name
    assert body["read_by_others"][0]["item"] == "answer:1"
    assert "password" not in text and "token_hash" not in text
    assert [c["note"] for c in body["checkins"]] == ["gelukt MARKER-MIJN"]
