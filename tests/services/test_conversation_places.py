"""A place in a career conversation won in a challenge waits in the worker's wallet; booking
one of that conversation's times uses it up, cancelling gives it back."""

from datetime import timedelta

from game_server.db import session_scope
from game_server.models import utcnow
from game_server.services.funds import rewards, wallet
from game_server.services.guidance import bookings
from game_server.services.guidance.bookings import SlotDraft

from ..challenge_fixtures import join, make_fund_member, make_offered_challenge
from ..factories import make_user


def _wallet(app, worker):
    with session_scope(app) as session:
        return wallet.wallet(session, user_id=worker.id)


def test_a_won_conversation_is_in_the_wallet_until_booked_and_back_when_cancelled(app):
    member = make_fund_member(app)
    offer_id, challenge_id, code = make_offered_challenge(app, member, kind="conversation")
    worker = make_user(app)
    join(app, code, worker)
    with session_scope(app) as session:
        reward_id = rewards.rewards_of(session, challenge_id)[0].id
        for _ in range(2):  # claiming again changes nothing
            rewards.claim(
                session, challenge_id=challenge_id, reward_id=reward_id, user_id=worker.id
            )
    [place] = _wallet(app, worker).items
    assert place.bookable and place.used_at is None and place.title == "Heftruckcursus"
    with session_scope(app) as session:
        draft = SlotDraft(
            starts_at=utcnow() + timedelta(days=2), minutes=30, channel="phone", offer_id=offer_id
        )
        other = SlotDraft(starts_at=utcnow() + timedelta(days=3), minutes=30, channel="phone")
        slot = bookings.publish_slot(session, publisher_id=member.id, draft=draft)
        free = bookings.publish_slot(session, publisher_id=member.id, draft=other)
        bookings.book(session, slot_id=free.id, user_id=make_user(app).id)  # someone else
        booking = bookings.book(session, slot_id=slot.id, user_id=worker.id)
    [used] = _wallet(app, worker).items
    assert used.used_at is not None and not used.bookable
    with session_scope(app) as session:
        bookings.cancel_booking(session, booking_id=booking.id, user_id=worker.id)
    [back] = _wallet(app, worker).items
    assert back.used_at is None and back.bookable


def test_a_course_place_is_a_sign_up_not_a_wallet_item(app):
    member = make_fund_member(app)
    _offer, challenge_id, code = make_offered_challenge(app, member)
    worker = make_user(app)
    join(app, code, worker)
    with session_scope(app) as session:
        reward_id = rewards.rewards_of(session, challenge_id)[0].id
        rewards.claim(session, challenge_id=challenge_id, reward_id=reward_id, user_id=worker.id)
    assert _wallet(app, worker).items == []
