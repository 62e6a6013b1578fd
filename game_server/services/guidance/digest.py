"""The weekly mail, for those who chose it: what happened in the kinds they put in it, and
one quest to play next. Queued once per person per week (its key is the ISO week), to go
on Monday morning; written when it goes, so it tells the week as it was by then."""

import contextlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...models import (
    Answer,
    AnswerFeedback,
    Assignment,
    Channel,
    GroupMember,
    GroupRun,
    Notification,
    NotificationKind,
    QuestRun,
    User,
)
from ..common.errors import NotFound
from ..outreach import outbox, preferences
from ..play.payoff import suggest_quest
from .assignments import view_of

LOCAL = ZoneInfo("Europe/Amsterdam")
SEND_AT = time(8, 0)  # Monday, eight in the morning, Dutch time


class Digest(BaseModel):
    since: date
    kinds: list[NotificationKind]  # what the person put in this mail
    assignments: list[str]  # titles
    reactions: int
    group_completions: int
    reminders: int
    suggestion_id: str | None
    suggestion_title: str | None
    suggestion_minutes: int | None

    @property
    def anything(self) -> bool:
        return bool(self.assignments or self.reactions or self.group_completions or self.reminders)


def digest_kinds(session: Session, *, user_id: int) -> list[NotificationKind]:
    chosen = preferences.choices(session, user_id=user_id)
    return [kind for kind, channel in chosen.items() if channel == Channel.DIGEST]


def queue_week(session: Session, *, now: datetime) -> int:
    """Queue this week's mail for everyone who chose it (again: nothing new). Committed."""
    local = now.astimezone(LOCAL)
    monday = local.date() - timedelta(days=local.weekday())
    year, week, _ = monday.isocalendar()
    at = datetime.combine(monday, SEND_AT, tzinfo=LOCAL)
    queued = 0
    for user_id in preferences.digest_readers(session):
        user = session.get(User, user_id)
        if user is None or not user.email or user.is_guest or not user.is_active:
            continue
        queued += outbox.queue(
            session,
            key=f"digest:{user_id}:{year}-W{week:02d}",
            user_id=user_id,
            message="digest",
            params={"since": (monday - timedelta(days=7)).isoformat()},
            at=max(at, now),
        )
    session.commit()
    return queued


def week_of(
    session: Session, catalog: Catalog, *, user_id: int, since: date, locale: str
) -> Digest:
    start = datetime.combine(since, time(0), tzinfo=LOCAL)
    kinds = digest_kinds(session, user_id=user_id)
    assignments, reactions, completions, reminders = [], 0, 0, 0
    if NotificationKind.ASSIGNMENT in kinds:
        rows = session.exec(
            select(Assignment)
            .where(Assignment.worker_id == user_id, Assignment.created_at >= start)
            .order_by(Assignment.created_at)
        ).all()
        for row in rows:
            with contextlib.suppress(NotFound):  # its content gone since: left out
                assignments.append(view_of(session, catalog, row, locale=locale).title)
    if NotificationKind.FEEDBACK in kinds:
        reactions = session.exec(
            select(sa.func.count(AnswerFeedback.id))
            .join(Answer, Answer.id == AnswerFeedback.answer_id)
            .where(
                Answer.user_id == user_id,
                AnswerFeedback.author_id != user_id,
                AnswerFeedback.created_at >= start,
            )
        ).one()
    if NotificationKind.GROUP in kinds:
        my_groups = select(GroupMember.group_id).where(GroupMember.user_id == user_id)
        completions = session.exec(
            select(sa.func.count(QuestRun.id))
            .join(GroupRun, GroupRun.run_id == QuestRun.id)
            .where(
                GroupRun.group_id.in_(my_groups),
                QuestRun.user_id != user_id,
                QuestRun.completed_at >= start,
            )
        ).one()
    if NotificationKind.REMINDERS in kinds:
        reminders = session.exec(
            select(sa.func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.created_at >= start
            )
        ).one()
    suggestion = suggest_quest(session, catalog, user_id=user_id, locale=locale)
    return Digest(
        since=since,
        kinds=kinds,
        assignments=assignments,
        reactions=reactions,
        group_completions=completions,
        reminders=reminders,
        suggestion_id=suggestion.quest_id if suggestion else None,
        suggestion_title=suggestion.title if suggestion else None,
        suggestion_minutes=suggestion.minutes if suggestion else None,
    )


def stop(session: Session, *, user_id: int) -> None:
    """The weekly mail's unsubscribe link: every kind in it goes back to the site only."""
    kinds = digest_kinds(session, user_id=user_id)
    preferences.choose(
        session, user_id=user_id, chosen={kind.value: Channel.IN_APP.value for kind in kinds}
    )
