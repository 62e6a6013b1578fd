"""Badges awarded to workers (the credentials built on them come with Open Badges)."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


def new_award_id() -> str:
    # Public in credential URLs: random, so award ids reveal nothing and cannot be guessed.
    return secrets.token_hex(16)


class BadgeAward(SQLModel, table=True):
    __tablename__ = "badge_awards"
    # Awarded once: two completions racing both try, the unique key lets one win.
    __table_args__ = (sa.UniqueConstraint("user_id", "badge_id"),)

    id: str = Field(default_factory=new_award_id, primary_key=True, max_length=32)
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    badge_id: str = Field(max_length=60)
    # The completion that earned it, so the finished-quest page can show it.
    run_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("quest_runs.id", ondelete="SET NULL"), nullable=True
        ),
    )
    awarded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ScanScore(SQLModel, table=True):
    """A completed self-scan's score per competency, kept apart from the raw answers so that
    growth (first scan against latest) can be counted in SQL on a fund's dashboard."""

    __tablename__ = "scan_scores"
    __table_args__ = (sa.UniqueConstraint("run_id", "competency"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    run_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("quest_runs.id", ondelete="CASCADE"), nullable=False
        )
    )
    competency: str = Field(max_length=16)
    score: float
    scanned_at: datetime = Field(sa_type=UTCDateTime)


class ScanGrowth(SQLModel, table=True):
    """Per worker and competency: the first and the latest self-scan score, and how many
    scans; kept up to date by `progression.record_scan`, so that a fund's dashboard counts
    growth from one row per person instead of ranking every scan of every participant."""

    __tablename__ = "scan_growth"

    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        )
    )
    competency: str = Field(sa_column=sa.Column(sa.String(16), primary_key=True))
    scans: int
    first_score: float
    first_at: datetime = Field(sa_type=UTCDateTime)
    latest_score: float
    latest_at: datetime = Field(sa_type=UTCDateTime)
