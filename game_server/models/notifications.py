"""What the platform tells a worker in the app (reminders, check-ins), and their replies."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    # Once per thing: a job that runs twice (a retry, two processes) tells nobody twice.
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    # "assignment_due" (ref: the assignment), "action_checkin" (ref: the action answer) or
    # "action_recheck" (ref: the check-in that set a new date)
    kind: str = Field(max_length=24)
    ref: int
    payload: str = Field(sa_type=sa.Text)  # JSON: what the page needs to say it
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CheckinOutcome(StrEnum):
    DONE = "done"
    PARTLY = "partly"
    NOT_YET = "not_yet"


class ActionCheckin(SQLModel, table=True):
    """How a planned action went, told by the worker when its date came (the follow-up step).

    One per round: the first round is the plan's own date; a worker who sets a new date opens
    the next round, and is asked again then. A repeated form post updates its round.
    """

    __tablename__ = "action_checkins"
    __table_args__ = (sa.UniqueConstraint("answer_id", "due"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    # The `action` answer with the plan; its text stays there and is not copied.
    answer_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("answers.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    due: date  # the date this round is about
    outcome: str = Field(max_length=8)
    note: str | None = Field(default=None, sa_type=sa.Text)  # in their own words: personal
    next_due: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
