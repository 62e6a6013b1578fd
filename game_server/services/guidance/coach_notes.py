"""A coach's notes on a client, and what the client asked for in the coach's live sessions.

Both only while the worker's consent is in force (404 otherwise, as for every client route).
"""

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from ...models import CoachNote, FollowUpRequest, LiveSession
from ..common.errors import N_, InvalidInput
from .coaching import active_link

MAX_CHARS = 2000


class NoteView(BaseModel):
    id: int
    text: str
    at: datetime


class AskedView(BaseModel):
    session_code: str
    quest_id: str
    topic: str
    contact: str | None
    at: datetime


def add(session: Session, *, coach_id: int, worker_id: int, text: str) -> NoteView:
    active_link(session, coach_id=coach_id, worker_id=worker_id)
    text = (text or "").strip()
    if not 0 < len(text) <= MAX_CHARS:
        raise InvalidInput(N_("Write 1 to %(max)d characters."), field="text", max=MAX_CHARS)
    note = CoachNote(coach_id=coach_id, worker_id=worker_id, text=text)
    session.add(note)
    session.commit()
    return NoteView(id=note.id, text=note.text, at=note.created_at)


def notes(session: Session, *, coach_id: int, worker_id: int) -> list[NoteView]:
    active_link(session, coach_id=coach_id, worker_id=worker_id)
    rows = session.exec(
        select(CoachNote)
        .where(CoachNote.coach_id == coach_id, CoachNote.worker_id == worker_id)
        .order_by(CoachNote.created_at.desc())
    ).all()
    return [NoteView(id=n.id, text=n.text, at=n.created_at) for n in rows]


def asked_in_my_sessions(session: Session, *, coach_id: int, worker_id: int) -> list[AskedView]:
    """Follow-up requests the client made in live sessions this coach hosted."""
    active_link(session, coach_id=coach_id, worker_id=worker_id)
    rows = session.exec(
        select(FollowUpRequest, LiveSession)
        .join(LiveSession, LiveSession.id == FollowUpRequest.session_id)
        .where(FollowUpRequest.user_id == worker_id, LiveSession.host_id == coach_id)
        .order_by(FollowUpRequest.created_at.desc())
    ).all()
    return [
        AskedView(
            session_code=live.code,
            quest_id=live.quest_id,
            topic=request.topic,
            contact=request.contact,
            at=request.created_at,
        )
        for request, live in rows
    ]
