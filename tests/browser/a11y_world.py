"""A seeded world for the page audits: every page type of every role with its real content.

Seeded in-process (services and the JSON API through a Flask test client) on the SQLite file
the real server opens afterwards, so the server finds a quest in progress, a completed quest
with a badge, a group with a feed, live sessions in each state, a coach's client with shared
answers, a fund dashboard with shown and hidden cells, check-ins and reminders.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient

from game_server.db import session_scope
from game_server.models import Role, ShareLevel, User
from game_server.services.funds import offers
from game_server.services.funds.offers import OfferDraft
from game_server.services.guidance import coach_notes, coaching, feedback, reminders
from game_server.services.together import follow_ups, live, live_answers, live_play
from game_server.services.together.follow_ups import FollowUpTopic

from ..challenge_fixtures import complete, join, make_fund_member, make_offered_challenge
from ..factories import GroupPlayer, bearer_for, make_group, make_plans, make_user

ROLES = ("anonymous", "guest", "worker", "coach", "fund", "admin", "editor")


@dataclass
class World:
    """The ids the page list needs, and the user behind each signed-in role."""

    users: dict[str, User] = field(default_factory=dict)
    ids: dict[str, object] = field(default_factory=dict)


def _catalog(app: Flask):
    return app.extensions["catalog_source"].current()


def _play(client: FlaskClient, headers: dict, quest_id: str, answers: dict, until=None) -> int:
    """Start `quest_id` over the API and answer until the step `until` (None: to the end)."""
    run = client.post(f"/api/v1/quests/{quest_id}/runs", headers=headers).get_json()
    assert "status" in run, run
    while run["status"] == "active" and run["step"]["id"] != until:
        step = run["step"]["id"]
        response = client.post(
            f"/api/v1/runs/{run['run_id']}/answers",
            headers=headers,
            json={"step_id": step, "value": answers[step]},
        )
        assert response.status_code == 200, response.get_json()
        run = response.get_json()
    return run["run_id"]


SOLO_ANSWERS = {
    "welcome": None,
    "values": ["freedom", "security"],
    "scan": {"help": 4, "alone": 2, "fix": 3},
    "why": "Ik wil zelf mijn dag indelen.",
    "free": "Zelf kiezen wanneer ik rij.",
    "people-work": None,
    "vote": ["time"],
    "talk": {"who": "mijn planner", "learned": "Er komt een nieuwe route."},
    "plan": {
        "text": "Vragen naar de cursus.",
        "due": (date.today() + timedelta(days=7)).isoformat(),
    },
}
OPEN_ANSWERS = {"who": ["family"], "note": "Mijn zus kent veel mensen."}


def seed(app: Flask) -> World:
    world = World()
    client = app.test_client()
    worker = make_user(app, Role.WORKER, display_name="Noor")
    guest = make_user(app, Role.WORKER, guest=True, display_name="Sam")
    coach = make_user(app, Role.COACH, display_name="Karim")
    admin = make_user(app, Role.ADMIN, display_name="Beheer")
    fund = make_fund_member(app, name="Opleidingsfonds Transport")
    editor = make_user(app, Role.EDITOR, display_name="Redactie")
    world.users = {
        "worker": worker,
        "guest": guest,
        "coach": coach,
        "fund": fund,
        "admin": admin,
        "editor": editor,
    }
    ids = world.ids
    w_headers, g_headers = bearer_for(app, worker), bearer_for(app, guest)

    # Quests: one completed (a badge), one in progress, for the worker and the guest.
    ids["done_run"] = _play(client, w_headers, "open-to-all", OPEN_ANSWERS)
    completed = _play(client, w_headers, "every-step", SOLO_ANSWERS)  # shared with the coach
    ids["active_run"] = _play(client, w_headers, "every-step", SOLO_ANSWERS, until="scan")
    ids["guest_run"] = _play(client, g_headers, "open-to-all", OPEN_ANSWERS, until="note")
    ids["award"] = client.get("/api/v1/me/badges", headers=w_headers).get_json()[0]["id"]
    ids["quest"] = "every-step"

    # A group with a feed: the worker owns it, a colleague plays in it and shares an answer.
    mate = make_user(app, Role.WORKER, display_name="Ayla")
    group_id = make_group(app, worker, guest, mate, name="Nachtploeg")
    ids["group"] = group_id
    player = GroupPlayer(client, app, mate, group_id)
    player.start()
    player.play_until("vote")
    player.share(player.answer_id("why"))
    owner = GroupPlayer(client, app, worker, group_id)
    owner.start()
    owner.play_until("values")
    ids["group_run"] = owner.run["run_id"]
    with session_scope(app) as session:
        from game_server.models import PeerGroup

        ids["group_code"] = session.get(PeerGroup, group_id).invite_code

    # Coaching: the worker shares answers with the coach, who gives feedback and notes.
    with session_scope(app) as session:
        invite = coaching.create_invite(session, coach_id=coach.id).code
        link = coaching.accept(
            session, worker_id=worker.id, code=invite, share=ShareLevel.PROGRESS_AND_ANSWERS
        )
        ids["link"] = link.id
        ids["coach_invite"] = coaching.create_invite(session, coach_id=coach.id).code
    from sqlmodel import select

    from game_server.models import Answer

    with session_scope(app) as session:
        why = session.exec(
            select(Answer.id).where(Answer.run_id == completed, Answer.step_id == "why")
        ).one()
        coaching.share_answer(session, worker_id=worker.id, link_id=ids["link"], answer_id=why)
        feedback.give(
            session, coach_id=coach.id, worker_id=worker.id, answer_id=why, text="Mooi gezegd!"
        )
        coach_notes.add(session, coach_id=coach.id, worker_id=worker.id, text="Wil plannen.")
    # My plan: a goal and a job on it, shared with the coach (whose read of it is audited).
    from game_server.services.explore.occupations import catalog as occupations
    from game_server.services.guidance import development_plan

    with session_scope(app) as session:
        development_plan.set_goal(session, user_id=worker.id, goal="Over een jaar ben ik planner.")
        development_plan.add_job(
            session, user_id=worker.id, occupation_id="303a1e34-cb16-4054-b323-81e5eec17397"
        )
        development_plan.share_with_coach(
            session, worker_id=worker.id, link_id=ids["link"], shared=True
        )
    _seed_wallet(app, coach, worker)
    _seed_mail_links(app, worker, ids)
    ids["sector"] = occupations().sectors()[0].code
    ids["worker_id"] = worker.id
    client.post(
        "/api/v1/coach/assignments",
        headers=bearer_for(app, coach),
        json={"quest_id": "open-to-all", "worker_ids": [worker.id], "message": "Probeer deze."},
    )

    # Check-ins and reminders: a plan due today.
    (ids["plan"],) = make_plans(app, worker, ("Bellen met de planner.", date.today()))
    with session_scope(app) as session:
        reminders.send_due(session, _catalog(app))

    _seed_challenge(app, world)
    _seed_drop_off(app)
    _seed_live(app, world)
    _seed_bookings(app, world)
    return world


def _seed_mail_links(app: Flask, worker: User, ids: dict) -> None:
    """The links a mail carries: a fresh password reset link, and an unsubscribe link."""
    from sqlmodel import select

    from game_server.mail import unsubscribe_token
    from game_server.models import NotificationKind, PasswordReset
    from game_server.services.identity import password_reset

    secret = app.secret_key.encode()
    with session_scope(app) as session:
        password_reset.request_reset(session, email=worker.email, secret=secret)
        reset = session.exec(select(PasswordReset).where(PasswordReset.user_id == worker.id)).one()
        ids["reset_token"] = password_reset.token_for(reset, secret)
    ids["unsubscribe"] = unsubscribe_token(app, user_id=worker.id, kind=NotificationKind.ASSIGNMENT)


def _seed_wallet(app: Flask, coach: User, worker: User) -> None:
    """My wallet: a voucher with a long code and a link, a used budget, an expired voucher."""
    from game_server.models import WalletItem
    from game_server.services.funds.wallet import GiftDraft
    from game_server.services.guidance import wallet_gifts

    about = {
        "title_nl": "Cursus heftruck rijden",
        "title_en": "Forklift driving course",
        "purpose_nl": "Je heftruckcertificaat halen bij een erkend opleidingscentrum.",
        "purpose_en": "Getting your forklift certificate at a recognised training centre.",
        "how_nl": "Meld je aan op de website en vul de code in bij 'tegoedbon'.",
        "how_en": "Sign up on the website and fill in the code at 'voucher'.",
    }
    gifts = [
        GiftDraft(
            kind="voucher",
            code="HEFTRUCK-2026-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789",
            url="https://opleidingscentrum-heftruck.example.nl/aanmelden/tegoedbon?bron=loopbaanquest",
            valid_until=date.today() + timedelta(days=60),
            **about,
        ),
        GiftDraft(kind="budget", amount_cents=150_000, **about),
        GiftDraft(kind="voucher", code="OUD-1234", **about),
    ]
    with session_scope(app) as session:
        given = [
            wallet_gifts.give(session, giver_id=coach.id, worker_id=worker.id, draft=gift)
            for gift in gifts
        ]
        session.get(WalletItem, given[1].id).used_at = given[1].received_at
        session.get(WalletItem, given[2].id).valid_until = date.today() - timedelta(days=5)
        session.commit()


def _seed_bookings(app: Flask, world: World) -> None:
    """The coach's times for a career conversation: one booked by the worker, two free (one
    by video, one face to face), and one the coach cancelled with a reason."""
    from game_server.models import utcnow
    from game_server.services.guidance import bookings
    from game_server.services.guidance.bookings import SlotDraft

    coach, worker = world.users["coach"], world.users["worker"]
    start = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    drafts = [
        SlotDraft(starts_at=start, minutes=45, channel="phone"),
        SlotDraft(
            starts_at=start + timedelta(hours=2),
            minutes=30,
            channel="video",
            link="https://meet.example.nl/loopbaangesprek-met-een-heel-lange-link-die-past",
        ),
        SlotDraft(
            starts_at=start + timedelta(days=1),
            minutes=60,
            channel="in_person",
            place="Leerwerkloket, Stationsplein 1, Utrecht",
        ),
        SlotDraft(starts_at=start + timedelta(days=3), minutes=45, channel="phone"),
    ]
    with session_scope(app) as session:
        slots = [bookings.publish_slot(session, publisher_id=coach.id, draft=d).id for d in drafts]
        world.ids["booking"] = bookings.book(session, slot_id=slots[0], user_id=worker.id).id
        cancelled = bookings.book(session, slot_id=slots[3], user_id=worker.id).id
        bookings.cancel_slot(
            session, publisher_id=coach.id, slot_id=slots[3], reason="Ik ben die dag op cursus."
        )
        world.ids["cancelled_booking"] = cancelled


def _seed_challenge(app: Flask, world: World) -> None:
    """A challenge with an offer; twelve in transport (shown) and three in cleaning (hidden)."""
    fund, worker = world.users["fund"], world.users["worker"]
    offer_id, challenge_id, code = make_offered_challenge(app, fund)
    world.ids.update(offer=offer_id, challenge=challenge_id, challenge_code=code)
    for n in range(15):
        person = make_user(app, display_name=f"Deelnemer {n}")
        join(app, code, person, sector="transport" if n < 12 else "cleaning")
        complete(app, person)
    join(app, code, worker, sector="transport")
    with session_scope(app) as session:
        offers.sign_up(
            session,
            offer_id=offer_id,
            user_id=worker.id,
            source="challenge",
            challenge_id=challenge_id,
            share_contact=True,
            contact="06-12345678",
        )


def _seed_drop_off(app: Flask) -> None:
    """For the editors' figures of "open-to-all": besides the challenge's finishers, twelve
    people who stopped at its first step and twelve still at its second (some figures shown,
    some hidden)."""
    from game_server.models import QuestRun, RunStatus
    from game_server.services.play.run_state import version_for

    with session_scope(app) as session:
        version_id = version_for(session, _catalog(app).quest("open-to-all")).id
        for n in range(24):
            user = User(display_name="", is_guest=True)
            session.add(user)
            session.flush()
            stopped = n < 12
            session.add(
                QuestRun(
                    user_id=user.id,
                    quest_id="open-to-all",
                    quest_version_id=version_id,
                    status=RunStatus.ABANDONED if stopped else RunStatus.ACTIVE,
                    current_step_id="who" if stopped else "note",
                )
            )


def _seed_live(app: Flask, world: World) -> None:
    """Three sessions by the coach: one in the lobby, one at the poll, one ended."""
    coach, worker, guest = (world.users[k] for k in ("coach", "worker", "guest"))
    with session_scope(app) as session:  # what the host offers after a session
        offers.publish(
            session,
            provider_id=coach.id,
            draft=OfferDraft(
                kind="conversation",
                title_nl="Loopbaangesprek",
                title_en="Career conversation",
                description_nl="Een uur praten over je werk.",
                description_en="An hour about your work.",
                capacity=10,
            ),
        )
    codes = {}
    for state in ("lobby", "step", "ended"):
        with session_scope(app) as session:
            row = live.create(session, _catalog(app), host_id=coach.id, quest_id="at-the-depot")
            code = row.code
            live.claim_host(session, code=code, host_id=coach.id, sid="seed")
        codes[state] = code
        with session_scope(app) as session:
            live_play.join(session, code=code, user_id=worker.id, nickname="Noor", show_name=True)
            live_play.join(session, code=code, user_id=guest.id, nickname=None)
        if state == "lobby":
            continue
        for _ in range(2):  # the welcome, then the poll
            with session_scope(app) as session:
                live.advance(
                    session, code=code, host_id=coach.id, sid="seed", client_id=str(uuid.uuid4())
                )
        with session_scope(app) as session:
            live_answers.answer(
                session,
                code=code,
                user_id=worker.id,
                step_id="wish",
                value=["planning"],
                client_id=str(uuid.uuid4()),
            )
        if state == "ended":
            with session_scope(app) as session:
                ended = live.end(session, code=code, host_id=coach.id, sid="seed", client_id="seed")
                live.complete_runs(session, _catalog(app), session_id=ended.id)
            with session_scope(app) as session:
                follow_ups.ask(
                    session,
                    code=code,
                    user_id=worker.id,
                    topic=FollowUpTopic.CAREER_CONVERSATION,
                    contact="06-12345678",
                )
    world.ids.update(live_lobby=codes["lobby"], live_step=codes["step"], live_ended=codes["ended"])
