"""Whether a login that was valid when a socket connected is still valid now.

Asked on every socket event, so it is one compiled statement, not ORM loads: a logout, a
password change, a revoked token or a deactivated account ends access at the next event, in
every process, because the answer always comes from the database.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from ...models import ApiToken, User, utcnow


@dataclass(frozen=True)
class Player:
    """What socket handlers need of the user behind a socket."""

    id: int
    locale: str
    display_name: str


_BY_COOKIE = sa.select(
    User.id, User.locale, User.display_name, User.is_active, User.session_token
).where(User.id == sa.bindparam("user_id"))
_BY_TOKEN = (
    sa.select(
        User.id,
        User.locale,
        User.display_name,
        User.is_active,
        ApiToken.revoked_at,
        ApiToken.expires_at,
    )
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.id == sa.bindparam("token_id"), User.id == sa.bindparam("user_id"))
)


def still_valid(
    session: Session,
    *,
    user_id: int,
    via: str,
    session_token: str | None = None,
    token_id: int | None = None,
) -> Player | None:
    """The player if the login (a cookie's session token, or a bearer token) still holds."""
    connection = session.connection()
    if via == "token":
        row = connection.execute(_BY_TOKEN, {"user_id": user_id, "token_id": token_id}).first()
        alive = row is not None and row.revoked_at is None and row.expires_at > utcnow()
    else:
        row = connection.execute(_BY_COOKIE, {"user_id": user_id}).first()
        alive = row is not None and row.session_token == session_token
    if not alive or not row.is_active:
        return None
    return Player(id=row.id, locale=row.locale, display_name=row.display_name)
