"""Challenges from the service side: joining while open, what counts, and rewards handed out
exactly once under concurrent claims (real threads, each with its own connection)."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from game_server.db import get_engine, session_scope
from game_server.models import OfferSignup, VoucherCode, utcnow
from game_server.services.common.errors import Conflict, NotFound
from game_server.services.funds import challenges, offers, rewards
from game_server.services.funds.offers import OfferDraft

from ..challenge_fixtures import complete, join, make_challenge, make_fund_member
from ..factories import count, make_user

CODES = [f"VOUCHER-{n}" for n in range(5)]


def _voucher_challenge(app, codes=CODES, needed=1):
    fund = make_fund_member(app)
    reward = {
        "kind": "voucher",
        "title_nl": "Tegoedbon cursus",
        "title_en": "Course voucher",
        "quests_needed": needed,
        "codes": codes,
    }
    challenge_id, code = make_challenge(app, fund, rewards=[reward])
    with session_scope(app) as session:
        (view,) = rewards.rewards_of(session, challenge_id)
    return challenge_id, code, view.id


def _in_parallel(app, people, action):
    """Run `action(session, person)` for everyone at once, each on a connection of its own."""
    url = get_engine(app).url
    barrier = threading.Barrier(len(people))
    results, errors = {}, []

    def run(person):
        engine = sa.create_engine(url, connect_args=_connect_args(url))
        try:
            with Session(engine) as session:
                barrier.wait(timeout=30)
                results[person.id] = action(session, person)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def _connect_args(url):
    return {"timeout": 30} if url.get_backend_name() == "sqlite" else {}


def test_twenty_concurrent_claims_on_five_codes_give_five_winners_and_no_code_twice(app):
    challenge_id, code, reward_id = _voucher_challenge(app)
    people = [make_user(app) for _ in range(20)]
    for person in people:
        join(app, code, person)
        complete(app, person)

    def claim(session, person):
        try:
            return rewards.claim(
                session, challenge_id=challenge_id, reward_id=reward_id, user_id=person.id
            ).code
        except Conflict:
            return None

    results, errors = _in_parallel(app, people, claim)
    assert errors == []
    winners = {person: got for person, got in results.items() if got is not None}
    assert len(results) == 20 and len(winners) == 5
    assert sorted(winners.values()) == sorted(CODES)  # every code once, none twice
    with session_scope(app) as session:
        rows = session.exec(select(VoucherCode)).all()
        assert {row.claimed_by: row.code for row in rows} == winners


def test_one_worker_claiming_at_once_from_many_tabs_gets_one_code(app):
    challenge_id, code, reward_id = _voucher_challenge(app)
    person = make_user(app)
    join(app, code, person)
    complete(app, person)
    got, errors = [], []

    def claim():
        engine = sa.create_engine(
            get_engine(app).url, connect_args=_connect_args(get_engine(app).url)
        )
        try:
            with Session(engine) as session:
                got.append(
                    rewards.claim(
                        session, challenge_id=challenge_id, reward_id=reward_id, user_id=person.id
                    ).code
                )
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(got) == 6 and len(set(got)) == 1
    with session_scope(app) as session:
        assert (
            len(session.exec(select(VoucherCode).where(VoucherCode.claimed_by.is_not(None))).all())
            == 1
        )


def test_a_reward_is_earned_by_quests_finished_after_joining_and_before_the_end(app):
    challenge_id, code, reward_id = _voucher_challenge(app, needed=2)
    person, outsider = make_user(app), make_user(app)
    complete(app, person, "every-step", when=utcnow() - timedelta(hours=1))  # before joining
    join(app, code, person)
    complete(app, person, "open-to-all")
    with session_scope(app) as session, pytest.raises(Conflict):
        rewards.claim(session, challenge_id=challenge_id, reward_id=reward_id, user_id=person.id)
    complete(app, person, "every-step")
    with session_scope(app) as session:
        got = rewards.claim(
            session, challenge_id=challenge_id, reward_id=reward_id, user_id=person.id
        )
        assert got.code in CODES
        with pytest.raises(NotFound):  # not joined: not found, whatever they played
            rewards.claim(
                session, challenge_id=challenge_id, reward_id=reward_id, user_id=outsider.id
            )
        with pytest.raises(NotFound):  # a reward of another challenge
            rewards.claim(
                session, challenge_id=challenge_id + 1, reward_id=reward_id, user_id=person.id
            )


def test_joining_is_open_between_start_and_end_only_and_once(app):
    fund = make_fund_member(app)
    now = utcnow()
    _, upcoming = make_challenge(
        app, fund, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2)
    )
    _, ended = make_challenge(
        app, fund, starts_at=now - timedelta(days=2), ends_at=now - timedelta(minutes=1)
    )
    _, open_code = make_challenge(app, fund)
    person = make_user(app, guest=True)
    with session_scope(app) as session:
        for closed in (upcoming, ended):
            with pytest.raises(Conflict):
                challenges.join(session, code=closed, user_id=person.id)
        assert challenges.join(session, code=open_code.lower(), user_id=person.id)[1] is True
        assert challenges.join(session, code=open_code, user_id=person.id)[1] is False
        with pytest.raises(NotFound):
            challenges.join(session, code="ZZZZZZZZ", user_id=person.id)


def test_an_offer_never_takes_more_sign_ups_than_places_and_keeps_contacts_to_the_willing(app):
    provider = make_fund_member(app)
    with session_scope(app) as session:
        offer = offers.publish(
            session,
            provider_id=provider.id,
            draft=OfferDraft(
                kind="conversation",
                title_nl="Loopbaangesprek",
                title_en="Career conversation",
                description_nl="Een uur met een loopbaancoach.",
                description_en="An hour with a career coach.",
                capacity=3,
            ),
        )
    people = [make_user(app, display_name=f"Persoon {n}") for n in range(8)]

    def sign_up(session, person):
        try:
            return offers.sign_up(
                session,
                offer_id=offer.id,
                user_id=person.id,
                source="live",
                share_contact=person.id % 2 == 0,
                contact=f"06-{person.id}",
            ).id
        except Conflict:
            return None

    results, errors = _in_parallel(app, people, sign_up)
    assert errors == [] and len([r for r in results.values() if r]) == 3
    assert count(app, OfferSignup) == 3
    with session_scope(app) as session:
        listed = offers.signups(session, offer_id=offer.id, provider_id=provider.id)
        for row in listed:
            assert (row.name is None) == (row.contact is None)
        with pytest.raises(NotFound):
            offers.signups(session, offer_id=offer.id, provider_id=people[0].id)
