"""The profile page: one's own growth and journal, and nobody else's."""

from ..factories import bearer_for, make_user, play_open_to_all


def test_the_profile_page_shows_my_journal_and_badges(app):
    user = make_user(app)
    play_open_to_all(app.test_client(), bearer_for(app, user))
    browser = _logged_in(app, user)
    html = browser.get("/profile").get_data(as_text=True)
    assert "Familie helpt." in html
    assert "Eerste quest" in html
    assert "<svg" in html and 'data-testid="competency-table"' in html


def test_nobody_sees_another_workers_journal(app):
    writer, reader = make_user(app), make_user(app)
    play_open_to_all(app.test_client(), bearer_for(app, writer))
    html = _logged_in(app, reader).get("/profile").get_data(as_text=True)
    assert "Familie helpt." not in html
    assert "Eerste quest" not in html


def test_strangers_are_sent_to_log_in(client):
    response = client.get("/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def _logged_in(app, user):
    from ..factories import Personas

    personas = Personas(app)
    personas.users["worker"] = user
    return personas.cookie_client("worker")
