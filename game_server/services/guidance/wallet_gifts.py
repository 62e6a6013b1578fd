"""Giving a voucher or budget to a worker's wallet: a coach to a worker linked to them, a
fund member to a worker taking part in one of the fund's challenges.

Anyone else is told "not found", so a giver cannot learn whether a worker id exists.
"""

from datetime import date

from sqlmodel import Session, select

from ...models import IssuerKind, Membership, Organisation, OrganisationKind, Role, User
from ..common.errors import N_, NotFound
from ..funds import wallet
from ..funds.wallet import GiftDraft, WalletItemView
from ..identity import accounts
from . import coaching


def give(
    session: Session,
    *,
    giver_id: int,
    worker_id: int,
    draft: GiftDraft,
    locale: str = "nl",
    today: date | None = None,
) -> WalletItemView:
    """As their coach when a link is in force, else as a member of the worker's fund."""
    if Role.COACH in accounts.roles_of(session, giver_id):
        try:
            coaching.active_link(session, coach_id=giver_id, worker_id=worker_id)
        except NotFound:
            pass
        else:
            return wallet.give(
                session,
                worker_id=worker_id,
                giver_id=giver_id,
                issuer_kind=IssuerKind.COACH,
                issuer_name=session.get(User, giver_id).display_name,
                draft=draft,
                locale=locale,
                today=today,
            )
    if _in_a_fund(session, giver_id):
        return wallet.give_as_fund(
            session,
            giver_id=giver_id,
            worker_id=worker_id,
            draft=draft,
            locale=locale,
            today=today,
        )
    raise NotFound(N_("No such worker."))


def _in_a_fund(session: Session, user_id: int) -> bool:
    return (
        session.exec(
            select(Membership.user_id)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Membership.user_id == user_id, Organisation.kind == OrganisationKind.FUND)
        ).first()
        is not None
    )
