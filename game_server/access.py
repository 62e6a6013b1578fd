"""Who may call what: every route declares a policy; a route without one is refused.

Policies are data on the view function, so a test can walk `app.url_map` and list them, and
one `before_request` hook enforces them for pages and the API alike.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .models import Role


@dataclass(frozen=True)
class Policy:
    name: str
    signed_in: bool = True
    guests: bool = True
    roles: frozenset[Role] = field(default_factory=frozenset)

    def refusal(self, user) -> str | None:
        """Return None when `user` may pass, else "unauthorized" or "forbidden"."""
        if not self.signed_in:
            return None
        if user is None or not user.is_authenticated:
            return "unauthorized"
        if user.is_guest and not self.guests:
            return "forbidden"
        if self.roles and not (self.roles & user.roles):
            return "forbidden"
        return None


PUBLIC = Policy("public", signed_in=False)
SIGNED_IN = Policy("signed_in")  # guests included: they play too
FULL_ACCOUNT = Policy("full_account", guests=False)


def roles(*allowed: Role) -> Policy:
    names = "|".join(sorted(allowed))
    # Coach, fund and admin accounts are never guests; workers may be.
    guests = set(allowed) == {Role.WORKER}
    return Policy(f"roles:{names}", guests=guests, roles=frozenset(allowed))


# Content editors check and preview the library; an admin may do all an editor may.
EDITORS = roles(Role.EDITOR, Role.ADMIN)


def allow(policy: Policy) -> Callable:
    """Declare who may call this view."""

    def decorate(view: Callable) -> Callable:
        view.access_policy = policy
        return view

    return decorate


def policy_of(view: Callable | None) -> Policy | None:
    return getattr(view, "access_policy", None)
