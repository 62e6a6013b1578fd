"""SQLModel tables, one module per aggregate; importing this registers them all."""

from .organisations import MemberRole, Membership, Organisation, OrganisationKind
from .types import utcnow
from .users import ApiToken, Role, User, UserRole

__all__ = [
    "ApiToken",
    "Membership",
    "MemberRole",
    "Organisation",
    "OrganisationKind",
    "Role",
    "User",
    "UserRole",
    "utcnow",
]
