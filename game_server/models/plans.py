"""The worker's own development plan (persoonlijk ontwikkelingsplan): their goal, and the
occupations they put on it. The rest of the plan is gathered from what they did."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class PlanOccupationKind(StrEnum):
    CURRENT = "current"  # the work I do now (one at a time)
    LOOKING = "looking"  # work I am looking at
    # Taken off the plan: a job a quest picked stays off it (the answer itself is kept).
    HIDDEN = "hidden"


def _owner() -> sa.Column:
    return sa.Column(
        sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True
    )


class DevelopmentPlan(SQLModel, table=True):
    """One per worker, made when they first write on it."""

    __tablename__ = "development_plans"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_owner())
    goal: str | None = Field(default=None, sa_type=sa.Text)  # in their own words: personal
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PlanOccupation(SQLModel, table=True):
    """An occupation from the catalog (its ESCO id) on a worker's plan."""

    __tablename__ = "plan_occupations"
    __table_args__ = (sa.UniqueConstraint("user_id", "occupation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    occupation_id: str = Field(max_length=60)
    kind: str = Field(default=PlanOccupationKind.LOOKING, max_length=8)
    note: str | None = Field(default=None, sa_type=sa.Text)  # in their own words: personal
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
