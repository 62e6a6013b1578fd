"""Offers from a live session: a participant takes a place in one of the host's offers; no
one else can, and the host sees a name only when the worker said yes."""

from game_server.db import session_scope
from game_server.models import OfferSignup, Role
from game_server.services.funds import offers
from game_server.services.funds.offers import OfferDraft
from game_server.services.together import live, live_play

from ..factories import bearer_for, count, make_user


def _offer(app, provider, title="Loopbaangesprek", capacity=2):
    with session_scope(app) as session:
        return offers.publish(
            session,
            provider_id=provider.id,
            draft=OfferDraft(
                kind="conversation",
                title_nl=title,
                title_en="Career talk",
                description_nl="Een uur met een coach.",
                description_en="An hour with a coach.",
                capacity=capacity,
            ),
        ).id


def _session(app, host, *people):
    with session_scope(app) as session:
        code = live.create(
            session,
            app.extensions["catalog_source"].current(),
            host_id=host.id,
            quest_id="at-the-depot",
        ).code
        for person in people:
            live_play.join(session, code=code, user_id=person.id, nickname="Sam")
    return code


def test_a_participant_signs_up_for_the_hosts_offer_and_nobody_else_can(app, client):
    host, other_coach = make_user(app, Role.COACH), make_user(app, Role.COACH)
    seated, stranger = make_user(app, display_name="Samira"), make_user(app)
    mine, theirs = _offer(app, host), _offer(app, other_coach, "Ander aanbod")
    code = _session(app, host, seated)
    path = f"/api/v1/offers/{mine}/signup"
    body = {"code": code.lower(), "share_contact": True, "contact": "06-11112222"}
    assert client.post(path, json=body, headers=bearer_for(app, seated)).status_code == 204
    assert client.post(path, json=body, headers=bearer_for(app, seated)).status_code == 204  # once
    assert client.post(path, json=body, headers=bearer_for(app, stranger)).status_code == 404
    other = client.post(
        f"/api/v1/offers/{theirs}/signup", json=body, headers=bearer_for(app, seated)
    )
    assert other.status_code == 404  # not this host's: not reachable from this session
    assert count(app, OfferSignup) == 1
    (row,) = client.get(f"/api/v1/offers/{mine}/signups", headers=bearer_for(app, host)).get_json()
    assert (row["name"], row["contact"], row["source"]) == ("Samira", "06-11112222", "live")
    assert (
        client.get(
            f"/api/v1/offers/{mine}/signups", headers=bearer_for(app, other_coach)
        ).status_code
        == 404
    )


def test_without_a_yes_the_host_sees_no_name_and_a_full_offer_says_so(app, client):
    host = make_user(app, Role.COACH)
    people = [make_user(app, display_name=f"Naam{n}") for n in range(3)]
    offer = _offer(app, host, capacity=2)
    code = _session(app, host, *people)
    answers = [
        client.post(
            f"/api/v1/offers/{offer}/signup",
            json={"code": code, "contact": "06-99"},  # a contact without the yes is dropped
            headers=bearer_for(app, person),
        ).status_code
        for person in people
    ]
    assert answers == [204, 204, 409]
    listed = client.get(f"/api/v1/offers/{offer}/signups", headers=bearer_for(app, host)).get_json()
    assert [(r["name"], r["contact"]) for r in listed] == [(None, None), (None, None)]


def test_the_live_end_screen_links_to_the_hosts_offers(app, client):
    from ..factories import csrf_token, login

    host, person = make_user(app, Role.COACH), make_user(app)
    offer = _offer(app, host)
    code = _session(app, host, person)
    login(client, person)
    assert 'data-testid="host-offers"' in client.get(f"/live/{code}").get_data(as_text=True)
    page = client.get(f"/live/{code}/offers").get_data(as_text=True)
    assert "Loopbaangesprek" in page
    token = csrf_token(client, f"/live/{code}/offers")
    client.post(f"/live/{code}/offers/{offer}/signup", data={"csrf_token": token})
    assert 'data-testid="signed-up"' in client.get(f"/live/{code}/offers").get_data(as_text=True)
