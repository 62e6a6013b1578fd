"""Everything about a worker, machine-readable (GDPR articles 15 and 20).

Only the worker's own data: their account, play, answers (with whom each was shared),
progress, badges, groups (name and their own role, never other members), live sessions,
coach links, assignments, feedback on their own answers, and who read what of theirs.
Secrets are left out (password hash, token hashes); they are not information about the
person and would only weaken the account if the file leaked.
"""

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...models import (
    ActionCheckin,
    Answer,
    AnswerShare,
    ApiToken,
    BadgeAward,
    Challenge,
    ChallengeParticipant,
    CoachNote,
    FollowUpRequest,
    GroupMember,
    LiveParticipant,
    LiveSession,
    Notification,
    OfferSignup,
    OutgoingMail,
    PasswordReset,
    PeerGroup,
    QuestRating,
    QuestRun,
    User,
    VoucherCode,
    XpAward,
    utcnow,
)
from ..common import audit
from ..funds import wallet
from ..guidance import assignments, bookings, coaching, development_plan, feedback
from ..identity import accounts, two_factor
from ..outreach import preferences

Rows = list[dict[str, Any]]


class Export(BaseModel):
    exported_at: datetime
    account: dict[str, Any]
    tokens: Rows
    # Whether it is on and how many recovery codes are left; never the secret or the codes.
    two_factor: dict[str, Any]
    runs: Rows
    # "Was this useful?": their score of each quest they finished, with their comment.
    ratings: Rows
    xp: Rows
    badges: Rows
    groups: Rows
    live_sessions: Rows
    follow_up_requests: Rows
    coach_links: Rows
    assignments: Rows
    feedback: Rows
    read_by_others: Rows
    # A coach's notes are about the worker: the right of access covers them too.
    coach_notes_about_me: Rows
    reminders: Rows
    checkins: Rows
    challenges: Rows
    vouchers: Rows
    offer_signups: Rows
    # "Mijn plan": the goal and occupations the worker put on it, and with whom it is shared.
    plan: dict[str, Any]
    # How they chose to hear about each kind of news, the mail sent to them (what and when,
    # not its text), and when they asked for a link to set a new one.
    notification_choices: dict[str, str]
    mails: Rows
    reset_requests: Rows
    # Career conversations booked (with the outcome written for them), and times published.
    bookings: Rows
    booking_slots: Rows
    # "Mijn portemonnee": vouchers and budgets they received, and whether they used them.
    wallet: Rows


def _dump(models) -> Rows:
    return [m.model_dump(mode="json") for m in models]


def export(session: Session, catalog: Catalog, *, user_id: int) -> Export:
    user = session.get(User, user_id)
    public = accounts.public(session, user).model_dump(mode="json")
    return Export(
        exported_at=utcnow(),
        account={
            **public,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        },
        tokens=[
            {
                "id": t.id,
                "label": t.label,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat(),
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in session.exec(select(ApiToken).where(ApiToken.user_id == user_id)).all()
        ],
        two_factor=two_factor.status(session, user_id=user_id).model_dump(mode="json"),
        runs=_runs(session, user_id),
        ratings=[
            {
                "run_id": r.run_id,
                "quest_id": r.quest_id,
                "score": r.score,
                "comment": r.comment,
                "rated_at": r.updated_at.isoformat(),
            }
            for r in session.exec(select(QuestRating).where(QuestRating.user_id == user_id))
        ],
        xp=[
            {
                "quest_id": x.quest_id,
                "competency": x.competency,
                "xp": x.xp,
                "awarded_at": x.awarded_at.isoformat(),
            }
            for x in session.exec(select(XpAward).where(XpAward.user_id == user_id)).all()
        ],
        badges=[
            {
                "id": b.id,
                "badge_id": b.badge_id,
                "awarded_at": b.awarded_at.isoformat(),
                "revoked_at": b.revoked_at.isoformat() if b.revoked_at else None,
            }
            for b in session.exec(select(BadgeAward).where(BadgeAward.user_id == user_id)).all()
        ],
        groups=[
            {
                "group_id": g.id,
                "name": g.name,
                "sector": g.sector,
                "role": m.role,
                "joined_at": m.joined_at.isoformat(),
            }
            for m, g in session.exec(
                select(GroupMember, PeerGroup)
                .join(PeerGroup, PeerGroup.id == GroupMember.group_id)
                .where(GroupMember.user_id == user_id)
            ).all()
        ],
        live_sessions=[
            {
                "code": s.code,
                "quest_id": s.quest_id,
                "nickname": p.nickname,
                "show_name": p.show_name,
                "joined_at": p.joined_at.isoformat(),
            }
            for p, s in session.exec(
                select(LiveParticipant, LiveSession)
                .join(LiveSession, LiveSession.id == LiveParticipant.session_id)
                .where(LiveParticipant.user_id == user_id)
            ).all()
        ],
        follow_up_requests=[
            {
                "session_id": f.session_id,
                "topic": f.topic,
                "contact": f.contact,
                "created_at": f.created_at.isoformat(),
            }
            for f in session.exec(
                select(FollowUpRequest).where(FollowUpRequest.user_id == user_id)
            ).all()
        ],
        coach_links=_dump(coaching.my_coaches(session, worker_id=user_id)),
        assignments=_dump(assignments.for_worker(session, catalog, worker_id=user_id)),
        feedback=_dump(feedback.my_threads(session, worker_id=user_id)),
        read_by_others=_dump(audit.about(session, subject_id=user_id)),
        coach_notes_about_me=[
            {"coach": name, "text": note.text, "at": note.created_at.isoformat()}
            for note, name in session.exec(
                select(CoachNote, User.display_name)
                .join(User, User.id == CoachNote.coach_id)
                .where(CoachNote.worker_id == user_id)
            ).all()
        ],
        reminders=[
            {
                "kind": n.kind,
                "about": json.loads(n.payload),
                "at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in session.exec(select(Notification).where(Notification.user_id == user_id))
        ],
        challenges=[
            {
                "challenge_id": p.challenge_id,
                "title": title,
                "sector": p.sector,
                "age_band": p.age_band,
                "region": p.region,
                "joined_at": p.joined_at.isoformat(),
            }
            for p, title in session.exec(
                select(ChallengeParticipant, Challenge.title_nl)
                .join(Challenge, Challenge.id == ChallengeParticipant.challenge_id)
                .where(ChallengeParticipant.user_id == user_id)
            )
        ],
        vouchers=[
            {"reward_id": v.reward_id, "code": v.code, "claimed_at": v.claimed_at.isoformat()}
            for v in session.exec(select(VoucherCode).where(VoucherCode.claimed_by == user_id))
        ],
        offer_signups=[
            {
                "offer_id": o.offer_id,
                "source": o.source,
                "share_contact": o.share_contact,
                "contact": o.contact,
                "at": o.created_at.isoformat(),
            }
            for o in session.exec(select(OfferSignup).where(OfferSignup.user_id == user_id))
        ],
        plan=development_plan.export_rows(session, user_id=user_id),
        notification_choices=preferences.export_rows(session, user_id=user_id),
        mails=[
            {
                "message": m.message,
                "queued_at": m.created_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                "not_sent_because": m.dropped,
            }
            for m in session.exec(select(OutgoingMail).where(OutgoingMail.user_id == user_id))
        ],
        reset_requests=[
            {
                "asked_at": r.created_at.isoformat(),
                "expires_at": r.expires_at.isoformat(),
                "used_at": r.used_at.isoformat() if r.used_at else None,
            }
            for r in session.exec(select(PasswordReset).where(PasswordReset.user_id == user_id))
        ],
        bookings=_dump(bookings.my_bookings(session, user_id=user_id)),
        # Their own times; who booked each is the other person's, so only whether it was.
        booking_slots=[
            {**slot.model_dump(mode="json", exclude={"booking"}), "booked": bool(slot.booking)}
            for slot in bookings.publisher_slots(session, publisher_id=user_id)
        ],
        wallet=wallet.export_rows(session, user_id=user_id),
        checkins=[
            {"answer_id": c.answer_id, **c.model_dump(mode="json", exclude={"id", "user_id"})}
            for c in session.exec(select(ActionCheckin).where(ActionCheckin.user_id == user_id))
        ],
    )


def _runs(session: Session, user_id: int) -> Rows:
    shares: dict[int, list[dict]] = {}
    for share in session.exec(select(AnswerShare).where(AnswerShare.user_id == user_id)).all():
        shares.setdefault(share.answer_id, []).append(
            {"with": share.audience, "id": share.audience_id}
        )
    answers: dict[int, Rows] = {}
    for a in session.exec(select(Answer).where(Answer.user_id == user_id)).all():
        answers.setdefault(a.run_id, []).append(
            {
                "id": a.id,
                "step_id": a.step_id,
                "type": a.step_type,
                "value": json.loads(a.value),
                "private": a.private,
                "shared_with": shares.get(a.id, []),
                "answered_at": a.updated_at.isoformat(),
            }
        )
    return [
        {
            "id": r.id,
            "quest_id": r.quest_id,
            "mode": r.mode,
            "status": r.status,
            "started_at": r.started_at.isoformat(),
            "completed_at": r.completed_at.isoformat() if r.completed_at else None,
            "answers": answers.get(r.id, []),
        }
        for r in session.exec(select(QuestRun).where(QuestRun.user_id == user_id)).all()
    ]
