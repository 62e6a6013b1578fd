"""Sharing an answer with the group it was written in, and taking it back.

Sharing is an explicit act of the answer's owner, revocable at any time, and only towards the
group the answer was written in. These functions change the unit of work and raise the
events; the caller checks who may act and commits (so answering and sharing is one
transaction).
"""

import sqlalchemy as sa
from sqlmodel import Session

from ...content.catalog import Catalog
from ...models import Answer, AnswerShare, Audience, QuestRun, User, utcnow
from ..common.domain_events import GroupActivity
from ..common.unit_of_work import raise_event
from ..progress import badges
from . import group_feed
from .group_feed import Activity


def share(
    session: Session, catalog: Catalog, *, answer: Answer, group_id: int, locale: str = "nl"
) -> list[str] | None:
    """Share `answer` with the group; returns the badges it earned, None if it was shared."""
    row = AnswerShare(
        answer_id=answer.id, user_id=answer.user_id, audience=Audience.GROUP, audience_id=group_id
    )
    try:
        with session.begin_nested():
            session.add(row)
    except sa.exc.IntegrityError:
        return None
    awarded = badges.evaluate(
        session,
        catalog,
        user_id=answer.user_id,
        event=badges.ANSWER_SHARED,
        run_id=answer.run_id,
        locale=locale,
    )
    run = session.get(QuestRun, answer.run_id)
    name = session.get(User, answer.user_id).display_name
    raise_event(
        session,
        GroupActivity(group_feed.shared(session, answer, run, group_id, name, row.created_at)),
    )
    return awarded


def unshare(session: Session, *, answer: Answer, group_id: int) -> bool:
    """Stop sharing `answer` with the group; False when it was not shared."""
    removed = session.exec(
        sa.delete(AnswerShare).where(
            AnswerShare.answer_id == answer.id,
            AnswerShare.audience == Audience.GROUP,
            AnswerShare.audience_id == group_id,
        )
    ).rowcount
    if removed:
        raise_event(
            session,
            GroupActivity(
                Activity(
                    group_id=group_id,
                    kind="answer_unshared",
                    at=utcnow(),
                    user_id=answer.user_id,
                    answer_id=answer.id,
                )
            ),
        )
    return bool(removed)
