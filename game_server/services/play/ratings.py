"""Was this useful? The player of a finished run rates it, 1 to 5, with a comment if they like.

One rating per run: rating again changes it, the same rating again changes nothing (no
timestamp moves, so a retry is a no-op). Only the run's own player may rate it or read the
rating; anyone else's run is "not found". The comment is the player's own words: it goes
into their export and is deleted on erasure; editors never see it, only counts and means.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session, select

from ...models import QuestRating, QuestRun, RunStatus, utcnow
from ...models.ratings import COMMENT_MAX, SCORES
from ..common.errors import N_, Conflict, InvalidInput, NotFound


class RatingIn(BaseModel):
    """1 (not useful) to 5 (very useful); a comment of spaces is no comment."""

    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=SCORES.start, le=SCORES.stop - 1)
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)

    @field_validator("comment", mode="before")
    @classmethod
    def _blank_is_none(cls, comment):
        return (comment.strip() or None) if isinstance(comment, str) else comment


class RatingView(BaseModel):
    run_id: int
    quest_id: str
    score: int
    comment: str | None
    rated_at: datetime


def _view(row: QuestRating) -> RatingView:
    return RatingView(
        run_id=row.run_id,
        quest_id=row.quest_id,
        score=row.score,
        comment=row.comment,
        rated_at=row.updated_at,
    )


def _players_run(session: Session, run_id: int, user_id: int, *, lock: bool = False) -> QuestRun:
    statement = select(QuestRun).where(QuestRun.id == run_id)
    if lock:  # two first ratings at once: the second waits and then changes the first
        statement = statement.with_for_update()
    run = session.exec(statement).first()
    if run is None or run.user_id != user_id:
        raise NotFound(N_("No such run."))
    return run


def rate(session: Session, *, run_id: int, user_id: int, rating: RatingIn) -> RatingView:
    """Store (or change) the rating of a finished run; committed when this returns."""
    run = _players_run(session, run_id, user_id, lock=True)
    if run.status != RunStatus.COMPLETED:
        raise Conflict(N_("Finish the quest first; then you can say if it was useful."))
    row = session.get(QuestRating, run_id)
    if row is None:
        row = QuestRating(run_id=run.id, user_id=user_id, quest_id=run.quest_id, score=0)
    elif (row.score, row.comment) == (rating.score, rating.comment):
        session.commit()  # ends the locking transaction; nothing changed
        return _view(row)
    row.score = rating.score
    row.comment = rating.comment
    row.updated_at = utcnow()
    session.add(row)
    session.commit()
    return _view(row)


def rating_of(session: Session, *, run_id: int, user_id: int) -> RatingView | None:
    """The player's rating of their run, or None when they have not rated it."""
    _players_run(session, run_id, user_id)
    row = session.get(QuestRating, run_id)
    return _view(row) if row is not None else None


def parse(score: str | None, comment: str | None) -> RatingIn:
    """A rating from a page's form fields (a radio button and a text box)."""
    try:
        return RatingIn(score=int(score or ""), comment=comment)
    except ValueError as error:  # pydantic's ValidationError is a ValueError too
        if comment and len(comment.strip()) > COMMENT_MAX:
            raise InvalidInput(
                N_("Write at most %(count)d characters."), field="comment", count=COMMENT_MAX
            ) from error
        raise InvalidInput(N_("Choose how useful it was, from 1 to 5."), field="score") from error
