"""Was this useful? on the finish screen (plain form fields, no JavaScript needed), and the
editors' pages of figures per quest and per step."""

import re

from game_server.models import Role

from ..factories import Personas, bearer_for, csrf_token, make_user

ANSWERS = {"who": ["family"], "note": "Mijn zus kent veel mensen."}


def _finished_run(app, client, user) -> int:
    headers = bearer_for(app, user)
    run = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    while run["status"] == "active":
        step = run["step"]["id"]
        run = client.post(
            f"/api/v1/runs/{run['run_id']}/answers",
            headers=headers,
            json={"step_id": step, "value": ANSWERS[step]},
        ).get_json()
    return run["run_id"]


def test_the_finish_screen_asks_and_remembers_the_answer(app):
    personas = Personas(app)
    browser = personas.cookie_client("worker")
    run_id = _finished_run(app, app.test_client(), personas.user("worker"))
    page = browser.get(f"/runs/{run_id}").get_data(as_text=True)
    assert "Was dit nuttig?" in page and 'name="score"' in page
    sent = browser.post(
        f"/runs/{run_id}/rating",
        data={"csrf_token": csrf_token(browser), "score": "4", "comment": "Fijn"},
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/runs/{run_id}#rating")
    page = browser.get(f"/runs/{run_id}").get_data(as_text=True)
    assert "Jouw antwoord: Nuttig. Je kunt het veranderen." in page
    assert re.search(r'value="4" id="rating-score-4" required\s+checked', page)
    assert ">Fijn</textarea>" in page


def test_no_score_is_said_in_dutch_next_to_the_question(app):
    personas = Personas(app)
    browser = personas.cookie_client("worker")
    run_id = _finished_run(app, app.test_client(), personas.user("worker"))
    sent = browser.post(f"/runs/{run_id}/rating", data={"csrf_token": csrf_token(browser)})
    assert sent.status_code == 422
    assert "Kies hoe nuttig het was, van 1 tot 5." in sent.get_data(as_text=True)


def test_someone_elses_run_cannot_be_rated_from_a_page(app):
    personas = Personas(app)
    run_id = _finished_run(app, app.test_client(), make_user(app))
    browser = personas.cookie_client("worker")
    sent = browser.post(
        f"/runs/{run_id}/rating", data={"csrf_token": csrf_token(browser), "score": "1"}
    )
    assert sent.status_code == 404


def test_editors_see_every_quest_and_its_steps_with_small_numbers_hidden(app):
    personas = Personas(app)
    _finished_run(app, app.test_client(), make_user(app))
    editor = personas.cookie_client("editor")
    overview = editor.get("/editor/quests").get_data(as_text=True)
    assert "Hoe de quests gespeeld worden" in overview and "Voor iedereen" in overview
    page = editor.get("/editor/quests/open-to-all")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Met wie praat je het meest?" in text and "&lt;10" in text
    assert editor.get("/editor/quests/no-such-quest").status_code == 404
    assert 'data-testid="nav-editor"' in overview
    worker_page = personas.cookie_client("worker").get("/quests").get_data(as_text=True)
    assert 'data-testid="nav-editor"' not in worker_page


def test_an_admin_sees_the_editors_pages_too(app):
    admin = make_user(app, Role.ADMIN)
    headers = bearer_for(app, admin)
    assert app.test_client().get("/api/v1/editor/quests", headers=headers).status_code == 200


def test_a_group_run_is_rated_on_the_groups_finish_screen(app):
    from ..factories import GroupPlayer, make_group

    personas = Personas(app)
    worker = personas.user("worker")
    group_id = make_group(app, worker, make_user(app))
    player = GroupPlayer(app.test_client(), app, worker, group_id)
    player.start()
    player.play_until("react")
    player.send("react", None)  # nobody shared an answer to respond to: passed by
    run = player.play_until("the end")
    assert run["status"] == "completed"
    browser = personas.cookie_client("worker")
    page = browser.get(f"/groups/{group_id}/runs/{run['run_id']}").get_data(as_text=True)
    assert "Was dit nuttig?" in page
    sent = browser.post(
        f"/runs/{run['run_id']}/rating",
        data={"csrf_token": csrf_token(browser), "score": "5"},
        follow_redirects=True,
    )
    assert "Jouw antwoord: Heel nuttig." in sent.get_data(as_text=True)
    refused = browser.post(
        f"/runs/{run['run_id']}/rating",
        data={"csrf_token": csrf_token(browser)},
        follow_redirects=True,
    )
    assert "Kies hoe nuttig het was, van 1 tot 5." in refused.get_data(as_text=True)
