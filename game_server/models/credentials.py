"""The issuer's signing keys for Open Badges credentials (VC-JWT, ES256 on P-256)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from .types import UTCDateTime, utcnow


class IssuerKey(SQLModel, table=True):
    """One signing key. The newest key without `retired_at` signs; every key stays published
    in the JWK set, so a credential signed before a rotation still verifies."""

    __tablename__ = "issuer_keys"

    # The RFC 7638 thumbprint of the public key: stable, and the `kid` of the JWT header.
    kid: str = Field(primary_key=True, max_length=64)
    algorithm: str = Field(default="ES256", max_length=10)
    # SECRET: the private signing key (PKCS#8 PEM). Whoever reads it can issue credentials in
    # our name. Never put it in a response, a log line, an export or an error message; it is
    # left out of repr() for that reason.
    private_key_pem: str = Field(sa_type=sa.Text, repr=False)
    # The public half as a JWK (JSON text); this is what /.well-known/jwks.json publishes.
    public_jwk: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
