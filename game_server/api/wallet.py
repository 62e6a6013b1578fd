"""My wallet over JSON: what I received, marking an item used (and back); and a coach or
fund member giving a voucher or budget to a worker of theirs."""

from flask_login import current_user

from .. import access
from ..current import locale
from ..db import get_session
from ..models import Role
from ..services.funds import wallet
from ..services.funds.wallet import GiftDraft, Wallet, WalletItemView
from ..services.guidance import wallet_gifts
from . import api
from .spec import endpoint

GIVERS = access.roles(Role.COACH, Role.FUND)


@api.get("/me/wallet")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="My wallet: vouchers and budgets I received, still valid and expired apart",
    response=Wallet,
)
def get_my_wallet():
    return wallet.wallet(get_session(), user_id=current_user.id, locale=locale())


def _mark(item_id: int, used: bool) -> WalletItemView:
    return wallet.mark_used(
        get_session(), user_id=current_user.id, item_id=item_id, used=used, locale=locale()
    )


@api.put("/me/wallet/<int:item_id>/used")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Mark an item in my wallet as used", response=WalletItemView)
def mark_wallet_item_used(item_id: int):
    return _mark(item_id, True)


@api.delete("/me/wallet/<int:item_id>/used")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Mark an item in my wallet as not used after all", response=WalletItemView)
def unmark_wallet_item_used(item_id: int):
    return _mark(item_id, False)


@api.post("/coach/clients/<int:worker_id>/wallet")
@access.allow(GIVERS)
@endpoint(
    summary="Give a voucher or budget: a coach to a linked worker, a fund member to a worker"
    " in one of the fund's challenges (anyone else is not found)",
    body=GiftDraft,
    response=WalletItemView,
    status=201,
)
def give_to_wallet(worker_id: int, body: GiftDraft):
    return wallet_gifts.give(
        get_session(),
        giver_id=current_user.id,
        worker_id=worker_id,
        draft=body,
        locale=locale(),
    )
