"""What the platform tells a worker in the app: reminders and check-ins."""

from datetime import datetime

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
    kind: str = Field(max_length=24)  # "assignment_due" or "action_checkin"
    ref: int  # the assignment or the answer it is about
    payload: str = Field(sa_type=sa.Text)  # JSON: what the page needs to say it
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
