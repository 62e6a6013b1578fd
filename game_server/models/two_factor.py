"""Two-factor authentication: a TOTP secret per user and single-use recovery codes."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class TwoFactor(SQLModel, table=True):
    __tablename__ = "two_factor"

    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        )
    )
    # Fernet token of the base32 secret, keyed from the app's secret key: a copy of the
    # database alone does not let anyone compute codes.
    secret_encrypted: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # None while the user has scanned nothing yet: the secret counts only once confirmed.
    enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The newest 30-second time step a code was accepted for; that code and older ones are
    # refused, so a code seen over someone's shoulder cannot be used again.
    last_step: int | None = Field(default=None, sa_type=sa.BigInteger)


class RecoveryCode(SQLModel, table=True):
    __tablename__ = "recovery_codes"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    # SHA-256 of the code: a code carries 50 random bits, too many to guess offline.
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
