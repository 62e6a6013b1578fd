"""The wallet from the service side: a claimed voucher lands there once, coaches and funds
give only to their own workers, the worker marks items used, and nothing they leave takes
anything out; only their erasure does."""

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlmodel import delete, select

from game_server.db import session_scope
from game_server.models import (
    ChallengeParticipant,
    Membership,
    Role,
    ShareLevel,
    User,
    WalletItem,
    utcnow,
)
from game_server.services.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from game_server.services.funds import rewards, wallet
from game_server.services.funds.wallet import GiftDraft
from game_server.services.guidance import coaching, wallet_gifts
from game_server.services.identity import organisations
from game_server.services.play import groups
from game_server.services.privacy import erasure, export

from ..challenge_fixtures import complete, join, make_challenge, make_fund_member
from ..factories import count, make_group, make_user
from .test_challenge_rewards import CODES, _in_parallel, _voucher_challenge


def _gift(**changes) -> GiftDraft:
    values = {
        "kind": "budget",
        "title_nl": "Leerbudget",
        "title_en": "Learning budget",
        "purpose_nl": "Voor een cursus die je zelf kiest.",
        "purpose_en": "For a course you choose.",
        "how_nl": "Stuur de factuur naar je coach.",
        "how_en": "Send the invoice to your coach.",
        "amount_cents": 25_000,
        "url": "https://example.nl/leren",
        "valid_until": utcnow().date() + timedelta(days=90),
    }
    values.update(changes)
    return GiftDraft(**values)


def _link(app, coach, worker) -> int:
    with session_scope(app) as session:
        code = coaching.create_invite(session, coach_id=coach.id).code
        return coaching.accept(
            session, worker_id=worker.id, code=code, share=ShareLevel.PROGRESS
        ).id


def _claimed(app):
    """A worker who joined a voucher challenge, played, and claimed: (worker, challenge_id)."""
    challenge_id, code, reward_id = _voucher_challenge(app)
    worker = make_user(app)
    join(app, code, worker)
    complete(app, worker)
    with session_scope(app) as session:
        rewards.claim(session, challenge_id=challenge_id, reward_id=reward_id, user_id=worker.id)
    return worker, challenge_id


def _mine(app, worker, **kwargs) -> wallet.Wallet:
    with session_scope(app) as session:
        return wallet.wallet(session, user_id=worker.id, **kwargs)


def test_a_claimed_voucher_lands_in_the_wallet_once(app):
    challenge_id, code, reward_id = _voucher_challenge(app)
    worker = make_user(app)
    join(app, code, worker)
    complete(app, worker)
    with session_scope(app) as session:
        got = rewards.claim(
            session, challenge_id=challenge_id, reward_id=reward_id, user_id=worker.id
        )
        again = rewards.claim(
            session, challenge_id=challenge_id, reward_id=reward_id, user_id=worker.id
        )
    assert got.code == again.code
    (item,) = _mine(app, worker).items
    assert item.code == got.code and item.kind == "voucher" and item.issuer_kind == "challenge"
    assert item.issuer_name.startswith("Fonds ") and item.title == "Tegoedbon cursus"
    assert "Zomer van de vrachtwagen" in item.purpose and "code" in item.how
    assert _mine(app, worker, locale="en").items[0].title == "Course voucher"
    assert count(app, WalletItem) == 1


def test_a_refused_claim_puts_nothing_in_the_wallet(app):
    challenge_id, code, reward_id = _voucher_challenge(app, needed=2)
    worker = make_user(app)
    join(app, code, worker)
    complete(app, worker)
    with session_scope(app) as session, pytest.raises(Conflict):
        rewards.claim(session, challenge_id=challenge_id, reward_id=reward_id, user_id=worker.id)
    assert count(app, WalletItem) == 0


def test_twenty_concurrent_claims_put_each_winners_code_in_their_wallet_and_no_more(app):
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
    with session_scope(app) as session:
        rows = session.exec(select(WalletItem)).all()
        assert {row.user_id: row.code for row in rows} == winners
    assert sorted(winners.values()) == sorted(CODES)


def test_a_code_claimed_before_the_wallet_lands_there_when_the_challenge_is_opened_again(app):
    challenge_id, code, reward_id = _voucher_challenge(app)
    worker = make_user(app)
    join(app, code, worker)
    complete(app, worker)
    with session_scope(app) as session:
        got = rewards.claim(
            session, challenge_id=challenge_id, reward_id=reward_id, user_id=worker.id
        )
        session.exec(delete(WalletItem))
        session.commit()
        rewards.claim(session, challenge_id=challenge_id, reward_id=reward_id, user_id=worker.id)
    assert [item.code for item in _mine(app, worker).items] == [got.code]


def test_a_linked_coach_gives_a_budget_under_their_own_name(app):
    coach = make_user(app, Role.COACH, display_name="Karim de coach")
    worker = make_user(app)
    _link(app, coach, worker)
    with session_scope(app) as session:
        given = wallet_gifts.give(session, giver_id=coach.id, worker_id=worker.id, draft=_gift())
    (item,) = _mine(app, worker).items
    assert item.id == given.id and item.amount_cents == 25_000 and item.code is None
    assert (item.issuer_kind, item.issuer_name) == ("coach", "Karim de coach")
    assert item.url == "https://example.nl/leren" and item.how.startswith("Stuur")


def test_a_coach_cannot_give_to_a_worker_not_linked_to_them(app):
    coach, stranger = make_user(app, Role.COACH), make_user(app)
    withdrawn = make_user(app)
    link_id = _link(app, coach, withdrawn)
    with session_scope(app) as session:
        coaching.withdraw(session, worker_id=withdrawn.id, link_id=link_id)
        for worker in (stranger, withdrawn):
            with pytest.raises(NotFound):
                wallet_gifts.give(session, giver_id=coach.id, worker_id=worker.id, draft=_gift())
    assert count(app, WalletItem) == 0


def test_a_fund_member_gives_only_to_a_worker_in_one_of_the_funds_challenges(app):
    member = make_fund_member(app, name="Fonds Schoonmaak")
    other_fund = make_fund_member(app)
    _, code = make_challenge(app, member)
    worker, stranger = make_user(app), make_user(app)
    join(app, code, worker)
    with session_scope(app) as session:
        given = wallet_gifts.give(
            session,
            giver_id=member.id,
            worker_id=worker.id,
            draft=_gift(kind="voucher", code="LEER-123", amount_cents=None),
        )
        assert (given.issuer_kind, given.issuer_name) == ("fund", "Fonds Schoonmaak")
        with pytest.raises(NotFound):
            wallet_gifts.give(session, giver_id=member.id, worker_id=stranger.id, draft=_gift())
        with pytest.raises(NotFound):
            wallet_gifts.give(session, giver_id=other_fund.id, worker_id=worker.id, draft=_gift())
    assert count(app, WalletItem) == 1


def test_giving_as_a_fund_needs_a_fund(app):
    loner = make_user(app, Role.FUND)
    with session_scope(app) as session, pytest.raises(Forbidden):
        wallet.give_as_fund(session, giver_id=loner.id, worker_id=loner.id, draft=_gift())


def test_a_gift_must_say_what_it_holds_and_cannot_be_expired_already(app):
    with pytest.raises(ValidationError):
        _gift(kind="voucher", amount_cents=None)  # no code
    with pytest.raises(ValidationError):
        _gift(amount_cents=None)  # a budget without an amount
    with pytest.raises(ValidationError):
        _gift(url="javascript:alert(1)")
    coach, worker = make_user(app, Role.COACH), make_user(app)
    _link(app, coach, worker)
    yesterday = utcnow().date() - timedelta(days=1)
    with session_scope(app) as session, pytest.raises(InvalidInput):
        wallet_gifts.give(
            session, giver_id=coach.id, worker_id=worker.id, draft=_gift(valid_until=yesterday)
        )
    assert count(app, WalletItem) == 0


def test_the_worker_marks_an_item_used_and_back_and_nobody_else_can(app):
    worker, _ = _claimed(app)
    other = make_user(app)
    (item,) = _mine(app, worker).items
    with session_scope(app) as session:
        used = wallet.mark_used(session, user_id=worker.id, item_id=item.id)
        assert used.used_at is not None
        again = wallet.mark_used(session, user_id=worker.id, item_id=item.id)
        assert again.used_at == used.used_at  # marking twice keeps the first moment
        with pytest.raises(NotFound):
            wallet.mark_used(session, user_id=other.id, item_id=item.id, used=False)
        assert wallet.mark_used(session, user_id=worker.id, item_id=item.id).used_at
        back = wallet.mark_used(session, user_id=worker.id, item_id=item.id, used=False)
        assert back.used_at is None


def test_expired_items_are_kept_apart_and_unused_ones_come_first(app):
    coach, worker = make_user(app, Role.COACH), make_user(app)
    _link(app, coach, worker)
    soon = utcnow().date() + timedelta(days=2)
    with session_scope(app) as session:
        first = wallet_gifts.give(
            session, giver_id=coach.id, worker_id=worker.id, draft=_gift(title_nl="Eerste")
        )
        wallet_gifts.give(
            session,
            giver_id=coach.id,
            worker_id=worker.id,
            draft=_gift(title_nl="Bijna op", valid_until=soon),
        )
        wallet_gifts.give(
            session,
            giver_id=coach.id,
            worker_id=worker.id,
            draft=_gift(title_nl="Zonder einde", valid_until=None),
        )
        wallet.mark_used(session, user_id=worker.id, item_id=first.id)
    later = _mine(app, worker, today=soon + timedelta(days=1))
    assert [i.title for i in later.items] == ["Zonder einde", "Eerste"]
    assert [i.title for i in later.expired] == ["Bijna op"] and later.expired[0].expired
    assert len(_mine(app, worker, today=soon).items) == 3  # valid through its last day


def _everything_stays(app, worker, before):
    after = _mine(app, worker)
    assert [i.model_dump() for i in after.items] == [i.model_dump() for i in before.items]


def _worker_with_a_gift_and_a_voucher(app):
    worker, challenge_id = _claimed(app)
    coach = make_user(app, Role.COACH)
    link_id = _link(app, coach, worker)
    with session_scope(app) as session:
        wallet_gifts.give(session, giver_id=coach.id, worker_id=worker.id, draft=_gift())
    before = _mine(app, worker)
    assert len(before.items) == 2
    return worker, coach, link_id, challenge_id, before


def test_the_wallet_stays_when_the_worker_leaves_a_group(app):
    worker, _, _, _, before = _worker_with_a_gift_and_a_voucher(app)
    group_id = make_group(app, make_user(app), worker)
    with session_scope(app) as session:
        groups.leave(session, group_id=group_id, user_id=worker.id)
    _everything_stays(app, worker, before)


def test_the_wallet_stays_when_the_worker_withdraws_the_coach_link(app):
    worker, _, link_id, _, before = _worker_with_a_gift_and_a_voucher(app)
    with session_scope(app) as session:
        coaching.withdraw(session, worker_id=worker.id, link_id=link_id)
    _everything_stays(app, worker, before)


def test_the_wallet_stays_when_the_worker_leaves_the_challenge_or_it_is_gone(app):
    worker, challenge_id, *_ = _claimed(app)
    before = _mine(app, worker)
    with session_scope(app) as session:
        session.exec(delete(ChallengeParticipant).where(ChallengeParticipant.user_id == worker.id))
        session.commit()
    _everything_stays(app, worker, before)
    with session_scope(app) as session:  # the fund takes the challenge down: codes go too
        from game_server.models import Challenge

        session.delete(session.get(Challenge, challenge_id))
        session.commit()
    _everything_stays(app, worker, before)


def test_the_wallet_stays_when_worker_or_giver_leaves_an_organisation(app):
    member = make_fund_member(app)
    _, code = make_challenge(app, member)
    worker = make_user(app)
    join(app, code, worker)
    with session_scope(app) as session:
        employer = organisations.create(session, name="Schoonmaak BV", kind="employer")
        organisations.add_member(session, organisation_id=employer.id, user_id=worker.id)
        wallet_gifts.give(session, giver_id=member.id, worker_id=worker.id, draft=_gift())
    before = _mine(app, worker)
    with session_scope(app) as session:
        session.exec(delete(Membership))  # the worker leaves their employer, the giver the fund
        session.commit()
    _everything_stays(app, worker, before)
    assert before.items[0].issuer_kind == "fund"


def test_the_wallet_is_in_the_export_and_goes_with_erasure(app):
    worker, coach, *_ = _worker_with_a_gift_and_a_voucher(app)
    catalog = app.extensions["catalog_source"].current()
    with session_scope(app) as session:
        rows = export.export(session, catalog, user_id=worker.id).wallet
        assert {row["kind"] for row in rows} == {"voucher", "budget"}
        assert all("title_nl" in row and "title_en" in row and "user_id" not in row for row in rows)
        erasure.erase(session, user_id=worker.id)
    assert count(app, WalletItem) == 0


def test_erasing_a_coach_takes_their_name_off_what_they_gave_and_the_gift_stays(app):
    worker, coach, *_ = _worker_with_a_gift_and_a_voucher(app)
    with session_scope(app) as session:
        erasure.erase(session, user_id=coach.id)
        assert session.get(User, coach.id).display_name == ""
    budget = next(item for item in _mine(app, worker).items if item.kind == "budget")
    assert budget.issuer_name == "" and budget.amount_cents == 25_000
    voucher = next(item for item in _mine(app, worker).items if item.kind == "voucher")
    assert voucher.issuer_name.startswith("Fonds ")
