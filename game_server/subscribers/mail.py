"""The e-mail outbox's side of the domain's events: in the committing transaction, a fact
that someone wants to hear about by mail queues that mail (once: its key is the fact). The
mail itself is written and sent later, by the background job (game_server/mail.py)."""

from sqlmodel import Session, select

from ..models import GroupMember, NotificationKind
from ..services.common.domain_events import (
    AssignmentMade,
    BookingChanged,
    BookingReminderDue,
    FeedbackGiven,
    GroupActivity,
    PasswordResetRequested,
    ReminderDue,
)
from ..services.common.unit_of_work import HANDLERS
from ..services.outreach import outbox, preferences


@HANDLERS.during_commit(PasswordResetRequested)
def queue_password_reset(session: Session, event: PasswordResetRequested) -> None:
    # Asked for just now: no preference can stop it, and it carries no unsubscribe link.
    outbox.queue(
        session,
        key=f"password-reset:{event.reset_id}",
        user_id=event.user_id,
        message="password_reset",
        params={"reset_id": event.reset_id},
    )


def _queue_if_wanted(session: Session, kind: NotificationKind, user_id: int, key: str, **params):
    if preferences.mails_to(session, user_id=user_id, kind=kind):
        outbox.queue(session, key=key, user_id=user_id, message=kind.value, params=params)


@HANDLERS.during_commit(ReminderDue)
def queue_reminder(session: Session, event: ReminderDue) -> None:
    _queue_if_wanted(
        session,
        NotificationKind.CHALLENGE
        if event.kind == "challenge_ending"
        else NotificationKind.REMINDERS,
        event.user_id,
        f"reminder:{event.notification_id}",
        notification_id=event.notification_id,
    )


@HANDLERS.during_commit(AssignmentMade)
def queue_assignment(session: Session, event: AssignmentMade) -> None:
    _queue_if_wanted(
        session,
        NotificationKind.ASSIGNMENT,
        event.worker_id,
        f"assignment:{event.assignment.id}",
        assignment_id=event.assignment.id,
    )


@HANDLERS.during_commit(FeedbackGiven)
def queue_feedback(session: Session, event: FeedbackGiven) -> None:
    _queue_if_wanted(
        session,
        NotificationKind.FEEDBACK,
        event.to_user_id,
        f"feedback:{event.item.id}:{event.to_user_id}",
        feedback_id=event.item.id,
        answer_id=event.answer_id,
    )


# Feed items a member may want by mail; notices (joined, left, a goal) stay in the group.
GROUP_NEWS = {"quest_completed", "answer_shared", "peer_feedback"}


@HANDLERS.during_commit(GroupActivity)
def queue_group_news(session: Session, event: GroupActivity) -> None:
    activity = event.activity
    if activity.kind not in GROUP_NEWS or activity.user_id is None:
        return
    if activity.kind == "peer_feedback":  # for the one it answers: a reaction, not news
        recipients = [activity.to_user_id] if activity.to_user_id else []
        kind = NotificationKind.FEEDBACK
    else:
        recipients = [
            member_id
            for member_id in session.exec(
                select(GroupMember.user_id).where(GroupMember.group_id == activity.group_id)
            ).all()
            if member_id != activity.user_id
        ]
        kind = NotificationKind.GROUP
    thing = activity.run_id or activity.answer_id
    for user_id in recipients:
        if preferences.mails_to(session, user_id=user_id, kind=kind):
            outbox.queue(
                session,
                key=f"group:{activity.group_id}:{activity.kind}:{thing}:{user_id}",
                user_id=user_id,
                message="group",
                params={
                    "group_id": activity.group_id,
                    "what": activity.kind,
                    "by": activity.user_id,
                    "quest_id": activity.quest_id,
                    "kind": kind.value,
                },
            )


@HANDLERS.during_commit(BookingChanged)
def queue_booking_invites(session: Session, event: BookingChanged) -> None:
    """The invite (or its cancellation) to both sides: an appointment is not news one
    switches off, so it carries no unsubscribe link. Only the newest change goes out."""
    from ..models import Booking, BookingSlot

    booking = session.get(Booking, event.booking_id)
    slot = session.get(BookingSlot, booking.slot_id) if booking else None
    if slot is None:
        return
    for role, user_id in (("worker", booking.user_id), ("publisher", slot.publisher_id)):
        outbox.queue(
            session,
            key=f"booking:{event.booking_id}:{event.sequence}:{user_id}",
            user_id=user_id,
            message="booking",
            params={
                "booking_id": event.booking_id,
                "sequence": event.sequence,
                "change": event.change,
                "role": role,
            },
        )


@HANDLERS.during_commit(BookingReminderDue)
def queue_booking_reminders(session: Session, event: BookingReminderDue) -> None:
    from ..models import Booking

    booking = session.get(Booking, event.booking_id)
    for user_id in event.user_ids:  # once per time booked (a moved booking is reminded again)
        outbox.queue(
            session,
            key=f"booking-reminder:{event.booking_id}:{booking.slot_id}:{user_id}",
            user_id=user_id,
            message="booking_reminder",
            params={"booking_id": event.booking_id},
        )
