"""A small world of real records for the API fuzzer, so path parameters hit rows, not 404s.

One world per fuzzed role: the role's own run may erase its account or revoke its token,
and that must not starve the next role of data.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask

from game_server.db import session_scope
from game_server.models import Role
from game_server.services.funds import rewards
from game_server.services.funds.wallet import GiftDraft
from game_server.services.guidance import coaching, wallet_gifts
from game_server.services.guidance.coaching import ShareLevel
from game_server.services.identity import tokens
from game_server.services.together import live

from ..challenge_fixtures import join, make_fund_member, make_offered_challenge
from ..factories import GroupPlayer, bearer_for, make_group, make_user

LIVE_QUEST = "at-the-depot"


@dataclass
class World:
    """The Authorization header of the fuzzed role, and real ids for every path parameter."""

    headers: dict
    path: dict[str, object] = field(default_factory=dict)


def build_world(app: Flask, me: str) -> World:
    """Seed a worker (with a solo run, a group run and shared answers), a coach linked to
    that worker, a fund member with a challenge and an offer, and a live session.

    `me` is the role whose bearer token the world carries ({} for "anonymous").
    """
    worker = make_user(app, Role.WORKER, display_name="Fuzz werker")
    peer = make_user(app, Role.WORKER, display_name="Fuzz collega")
    coach = make_user(app, Role.COACH, display_name="Fuzz coach")
    fund = make_fund_member(app)
    client = app.test_client()

    group_id = make_group(app, worker, peer)
    player = GroupPlayer(client, app, worker, group_id)
    player.start()
    player.play_until("react")
    why_id = player.answer_id("why")
    player.share(why_id)
    solo = client.post("/api/v1/quests/open-to-all/runs", headers=bearer_for(app, worker))
    assert solo.status_code in (200, 201), solo.get_json()

    with session_scope(app) as session:
        invite = coaching.create_invite(session, coach_id=coach.id)
        link = coaching.accept(
            session, worker_id=worker.id, code=invite.code, share=ShareLevel.PROGRESS_AND_ANSWERS
        )
        coaching.share_answer(session, worker_id=worker.id, link_id=link.id, answer_id=why_id)
        catalog = app.extensions["catalog_source"].current()
        live_code = live.create(session, catalog, host_id=coach.id, quest_id=LIVE_QUEST).code

    offer_id, challenge_id, challenge_code = make_offered_challenge(app, fund)
    join(app, challenge_code, worker, sector="transport")
    with session_scope(app) as session:
        (place,) = rewards.rewards_of(session, challenge_id)
        reward_id = place.id

    # Something in the worker's wallet, given by their coach, to mark used and back.
    with session_scope(app) as session:
        item_id = wallet_gifts.give(
            session,
            giver_id=coach.id,
            worker_id=worker.id,
            draft=GiftDraft(
                kind="budget",
                title_nl="Leerbudget",
                title_en="Learning budget",
                purpose_nl="Een cursus.",
                purpose_en="A course.",
                how_nl="Vraag je coach.",
                how_en="Ask your coach.",
                amount_cents=10_000,
            ),
        ).id

    users = {"worker": worker, "coach": coach, "fund": fund}
    if me == "editor":  # the figures per quest: only the quest id to choose
        users["editor"] = make_user(app, Role.EDITOR, display_name="Fuzz redactie")
    headers = {} if me == "anonymous" else bearer_for(app, users[me])
    # A second token of `me`, for DELETE /auth/tokens/{token_id} to revoke (not the one in use).
    token_id = 1
    if me != "anonymous":
        with session_scope(app) as session:
            spare = tokens.issue(
                session, user_id=users[me].id, ttl=timedelta(days=1), label="spare"
            )
            token_id = spare.token_id
    return World(
        headers,
        {
            "run_id": solo.get_json()["run_id"],
            "quest_id": "every-step",
            "group_id": group_id,
            "user_id": peer.id,
            "answer_id": why_id,
            "link_id": link.id,
            "worker_id": worker.id,
            "offer_id": offer_id,
            "challenge_id": challenge_id,
            "reward_id": reward_id,
            "code": live_code,
            "token_id": token_id,
            "organisation_id": 1,
            "award_id": "no-such-award",
            "reminder_id": 1,
            "item_id": item_id,
        },
    )
