"""The issuer's signing keys: made once, kept, rotatable; retired keys keep verifying."""

import json

from joserfc.jwk import ECKey
from sqlmodel import Session, select

from ...models import IssuerKey, utcnow

ALGORITHM = "ES256"  # ECDSA on P-256 with SHA-256


def _new_key(session: Session) -> IssuerKey:
    key = ECKey.generate_key("P-256", private=True)
    row = IssuerKey(
        kid=key.thumbprint(),
        algorithm=ALGORITHM,
        private_key_pem=key.as_pem(private=True).decode("ascii"),
        public_jwk=json.dumps(key.as_dict(private=False), sort_keys=True),
    )
    session.add(row)
    return row


def signing_key(session: Session) -> IssuerKey:
    """The active key; created (and committed) on first need. Two processes that both create
    the first key at once leave two: the newer signs, both are published, nothing breaks."""
    row = session.exec(
        select(IssuerKey)
        .where(IssuerKey.retired_at.is_(None))
        .order_by(IssuerKey.created_at.desc(), IssuerKey.kid)
    ).first()
    if row is None:
        row = _new_key(session)
        session.commit()
    return row


def rotate_issuer_key(session: Session) -> IssuerKey:
    """Retire the signing key(s) and make a new one; old keys keep verifying what they signed."""
    now = utcnow()
    for old in session.exec(select(IssuerKey).where(IssuerKey.retired_at.is_(None))).all():
        old.retired_at = now
    row = _new_key(session)
    session.commit()
    return row


def public_jwk(row: IssuerKey) -> dict:
    return {**json.loads(row.public_jwk), "kid": row.kid, "alg": row.algorithm, "use": "sig"}


def jwks(session: Session) -> dict:
    """Every key that ever signed, as a JWK set (public halves only)."""
    rows = session.exec(select(IssuerKey).order_by(IssuerKey.created_at, IssuerKey.kid)).all()
    return {"keys": [public_jwk(row) for row in rows]}


# -- the credential ------------------------------------------------------------------------
