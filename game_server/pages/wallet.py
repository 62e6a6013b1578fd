"""Mijn portemonnee (my wallet): the vouchers and budgets a worker received, theirs to keep."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..current import locale
from ..db import get_session
from ..services.common.errors import DomainError
from ..services.funds import wallet
from ..wording import said
from . import pages


@pages.app_template_filter("euros")
def _euros(cents: int) -> str:
    """An amount in euro cents as people write it: € 250,00 (Dutch) or €250.00 (English)."""
    whole, rest = divmod(cents, 100)
    if locale() == "en":
        return f"€{whole:,}.{rest:02d}"
    return f"€ {whole:,}".replace(",", ".") + f",{rest:02d}"


@pages.get("/me/wallet")
@access.allow(access.SIGNED_IN)
def my_wallet():
    mine = wallet.wallet(get_session(), user_id=current_user.id, locale=locale())
    return render_template("wallet.html", wallet=mine)


@pages.post("/me/wallet/<int:item_id>/used")
@access.allow(access.SIGNED_IN)
def mark_wallet_item(item_id: int):
    used = request.form.get("used") == "yes"
    try:
        wallet.mark_used(get_session(), user_id=current_user.id, item_id=item_id, used=used)
    except DomainError as error:
        flash(said(error))
        return redirect(url_for("pages.my_wallet"))
    flash(_("Marked as used.") if used else _("Marked as not used."))
    return redirect(url_for("pages.my_wallet") + f"#item-{item_id}")
