"""Erasing a worker (GDPR article 17): what is personal goes; what is counted stays, nameless.

The account row stays as a nameless tombstone (no e-mail, no name, no password, inactive),
so that aggregates keep counting without identity: completed runs, XP, and the choices
behind anonymous results (poll counts, the competency self-scan). Everything a person wrote
in their own words, everything that names or reaches them, and every link to other people
is deleted. TABLES says, for every table, what erasure does with it; a test fails when a
table is missing, so no new table can hold personal data unnoticed.
"""

import sqlalchemy as sa
from sqlmodel import Session, delete, select, update

from ...content.steps import STEP_TYPES
from ...models import (
    ActionCheckin,
    Answer,
    AnswerFeedback,
    AnswerShare,
    ApiToken,
    Assignment,
    AuditEntry,
    BadgeAward,
    Booking,
    BookingSlot,
    CoachInvite,
    CoachLink,
    CoachNote,
    DevelopmentPlan,
    FollowUpRequest,
    GroupMember,
    IdempotencyRecord,
    IssuerKind,
    LiveParticipant,
    LiveVote,
    Membership,
    Notification,
    NotificationPreference,
    OfferSignup,
    OutgoingMail,
    PasswordReset,
    PlanOccupation,
    QuestRating,
    RecoveryCode,
    TwoFactor,
    User,
    UserRole,
    VoucherCode,
    WalletItem,
    XapiOutbox,
)
from ...models.users import new_session_token
from ..common.domain_events import UserGone
from ..common.unit_of_work import raise_event
from ..play import groups

# Free text in a person's own words: deleted on erasure (choices and scores stay, nameless).
OWN_WORDS = tuple(name for name, kind in STEP_TYPES.items() if kind.own_words)

TABLES: dict[str, str] = {
    "users": "personal: kept as a nameless, inactive tombstone",
    "user_roles": "personal: deleted",
    "api_tokens": "personal: deleted",
    "memberships": "personal: deleted (organisation memberships)",
    "answers": "personal: own words deleted; choices and scores kept, nameless",
    "answer_shares": "personal: deleted",
    "answer_feedback": "personal: written by them, or on their answers, deleted",
    "idempotency_records": "personal (replayed answers): deleted",
    "quest_runs": "kept, nameless (counts of play)",
    "quest_ratings": "personal: the comment (their own words) deleted; the score kept,"
    " nameless (counted in the editors' drop-off view)",
    "xp_awards": "kept, nameless (counts of XP)",
    "badge_awards": "personal (credentials name the recipient): deleted",
    "group_members": "personal: they leave every group (ownership passes on)",
    "group_runs": "kept, nameless (group goals count them)",
    "live_participants": "personal: nickname blanked, kept for the session's counts",
    "follow_up_requests": "personal (contact details): deleted",
    "live_votes": "personal (what they agreed with): deleted",
    "coach_invites": "personal: deleted",
    "coach_links": "personal: deleted, as worker and as coach",
    "coach_notes": "personal: deleted, about them and written by them",
    "assignments": "personal: deleted, as worker and as coach",
    "audit_entries": "about them deleted; as the reader, kept without their id",
    "xapi_outbox": "personal (pseudonymous statements not yet sent): deleted",
    "live_sessions": "not personal: a hosted session (its host becomes the tombstone)",
    "peer_groups": "not personal: the group itself",
    "organisations": "not personal",
    "quest_versions": "not personal: content",
    "issuer_keys": "not personal: signing keys",
    "lrs_endpoints": "not personal: configuration",
    "notifications": "personal (reminders, their planned actions): deleted",
    "action_checkins": "personal (how their plans went, in their own words): deleted",
    "scan_scores": "kept, nameless (self-scan scores, counted in growth aggregates)",
    "scan_growth": "kept, nameless (first and latest self-scan scores, for growth aggregates)",
    "challenges": "not personal: a fund's challenge",
    "challenge_rewards": "not personal: what a challenge gives",
    "challenge_participants": "kept, nameless (menu choices counted on the fund's dashboard)",
    "voucher_codes": "personal link cleared: the code stays handed out, to nobody known",
    "offers": "not personal: a course or conversation on offer",
    "two_factor": "personal (their authenticator secret): deleted",
    "recovery_codes": "personal (their recovery codes, hashed): deleted",
    "offer_signups": "personal: contact deleted; kept nameless for take-up counts",
    "development_plans": "personal (their goal, in their own words): deleted",
    "plan_occupations": "personal (the work they do and look at, their notes): deleted",
    "notification_preferences": "personal (what they want to hear about): deleted",
    "outgoing_mails": "personal (mail to them, waiting or sent): deleted",
    "password_resets": "personal (their reset links, hashed): deleted",
    "booking_slots": "personal (times they published): deleted, with the bookings of them",
    "bookings": "personal (their appointments and the outcome written for them): deleted",
    "wallet_items": "personal (their vouchers and budgets): deleted; as a giving coach,"
    " their name is taken off what they gave",
}


def erase(session: Session, *, user_id: int) -> str | None:
    """Erase the worker. Committed before this returns.

    Returns the e-mail address they had (to clear throttling counters keyed on it). Their
    leaving each group is announced there (which also clears their presence and takes their
    sockets out of the group rooms), and every open socket of theirs closes.
    """
    user = session.get(User, user_id)
    email = user.email
    for member in session.exec(select(GroupMember).where(GroupMember.user_id == user_id)).all():
        groups.leave(session, group_id=member.group_id, user_id=user_id)
    own_words = select(Answer.id).where(Answer.user_id == user_id, Answer.step_type.in_(OWN_WORDS))
    for statement in (
        delete(AnswerFeedback).where(
            sa.or_(
                AnswerFeedback.author_id == user_id,
                AnswerFeedback.answer_id.in_(select(Answer.id).where(Answer.user_id == user_id)),
            )
        ),
        delete(AnswerShare).where(AnswerShare.user_id == user_id),
        delete(Answer).where(Answer.id.in_(own_words)),
        update(QuestRating).where(QuestRating.user_id == user_id).values(comment=None),
        delete(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id),
        delete(ApiToken).where(ApiToken.user_id == user_id),
        delete(TwoFactor).where(TwoFactor.user_id == user_id),
        delete(RecoveryCode).where(RecoveryCode.user_id == user_id),
        delete(UserRole).where(UserRole.user_id == user_id),
        delete(Membership).where(Membership.user_id == user_id),
        delete(BadgeAward).where(BadgeAward.user_id == user_id),
        delete(FollowUpRequest).where(FollowUpRequest.user_id == user_id),
        delete(LiveVote).where(LiveVote.user_id == user_id),
        delete(Notification).where(Notification.user_id == user_id),
        delete(ActionCheckin).where(ActionCheckin.user_id == user_id),
        delete(DevelopmentPlan).where(DevelopmentPlan.user_id == user_id),
        delete(PlanOccupation).where(PlanOccupation.user_id == user_id),
        delete(NotificationPreference).where(NotificationPreference.user_id == user_id),
        delete(OutgoingMail).where(OutgoingMail.user_id == user_id),
        delete(PasswordReset).where(PasswordReset.user_id == user_id),
        delete(Booking).where(
            sa.or_(
                Booking.user_id == user_id,
                Booking.slot_id.in_(
                    select(BookingSlot.id).where(BookingSlot.publisher_id == user_id)
                ),
            )
        ),
        delete(BookingSlot).where(BookingSlot.publisher_id == user_id),
        delete(WalletItem).where(WalletItem.user_id == user_id),
        # What a coach gave stays the worker's; only the coach's name goes from it.
        update(WalletItem)
        .where(WalletItem.given_by == user_id, WalletItem.issuer_kind == IssuerKind.COACH)
        .values(issuer_name="", given_by=None),
        update(WalletItem).where(WalletItem.given_by == user_id).values(given_by=None),
        update(VoucherCode).where(VoucherCode.claimed_by == user_id).values(claimed_by=None),
        update(OfferSignup)
        .where(OfferSignup.user_id == user_id)
        .values(share_contact=False, contact=None),
        delete(CoachInvite).where(CoachInvite.coach_id == user_id),
        delete(CoachNote).where(
            sa.or_(CoachNote.worker_id == user_id, CoachNote.coach_id == user_id)
        ),
        delete(CoachLink).where(
            sa.or_(CoachLink.worker_id == user_id, CoachLink.coach_id == user_id)
        ),
        delete(Assignment).where(
            sa.or_(Assignment.worker_id == user_id, Assignment.coach_id == user_id)
        ),
        delete(AuditEntry).where(AuditEntry.subject_id == user_id),
        update(AuditEntry).where(AuditEntry.actor_id == user_id).values(actor_id=None),
        update(LiveParticipant)
        .where(LiveParticipant.user_id == user_id)
        .values(nickname="", show_name=False),
        delete(XapiOutbox).where(XapiOutbox.statement.contains(f'"user-{user_id}"')),
    ):
        session.execute(statement)
    user.email = None
    user.display_name = ""
    user.password_hash = None
    user.is_active = False
    user.session_token = new_session_token()  # every cookie of theirs stops working
    user.last_login_at = None
    session.add(user)
    raise_event(session, UserGone(user_id=user_id))  # every open socket of theirs closes
    session.commit()
    return email
