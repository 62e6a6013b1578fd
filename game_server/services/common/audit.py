"""The audit log of reads of personal data, and the worker's view of it."""

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from ...models import AuditEntry, User, utcnow


class AuditView(BaseModel):
    who: str | None  # the reader's name; None when their account no longer exists
    item: str
    reason: str
    at: datetime


def record_reads(
    session: Session, *, actor_id: int, subject_id: int, items: list[str], reason: str
) -> None:
    """Add one entry per item read (in the caller's transaction; the caller commits)."""
    now = utcnow()
    session.add_all(
        AuditEntry(actor_id=actor_id, subject_id=subject_id, item=item, reason=reason, at=now)
        for item in items
    )


def about(session: Session, *, subject_id: int) -> list[AuditView]:
    """Who read what of this person, newest first."""
    rows = session.exec(
        select(AuditEntry, User.display_name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.subject_id == subject_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).all()
    return [
        AuditView(
            who=name or "a removed account", item=entry.item, reason=entry.reason, at=entry.at
        )
        for entry, name in rows
    ]
