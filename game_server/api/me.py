"""The caller's own account over JSON."""

from typing import Literal

from flask_login import current_user
from pydantic import Field

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..limits import forget_account
from ..services.identity import accounts
from ..services.identity.accounts import UserPublic
from ..services.privacy import erasure, export
from ..services.privacy.export import Export
from ..services.progress import profile
from ..services.progress.profile import Profile
from . import api
from .spec import Strict, endpoint


class UpgradeIn(Strict):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)
    display_name: str | None = Field(default=None, max_length=200)


class PasswordIn(Strict):
    current_password: str = Field(max_length=4096)
    new_password: str = Field(max_length=4096)


class LocaleIn(Strict):
    locale: str = Field(pattern="^(nl|en)$")


@api.get("/me")
@access.allow(access.SIGNED_IN)
@endpoint(summary="The current user", response=UserPublic)
def me():
    return accounts.public(get_session(), current_user.user)


@api.get("/me/profile")
@access.allow(access.SIGNED_IN)
@endpoint(summary="XP and level per competency, rhythm, self-scan growth, badges", response=Profile)
def my_profile():
    return profile.profile(get_session(), catalog(), user_id=current_user.id, locale=locale())


@api.post("/me/upgrade")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Turn my guest account into a full account, keeping everything",
    body=UpgradeIn,
    response=UserPublic,
)
def upgrade(body: UpgradeIn):
    session = get_session()
    user = accounts.upgrade_guest(
        session,
        user_id=current_user.id,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
    )
    return accounts.public(session, user)


@api.post("/me/password")
@access.allow(access.FULL_ACCOUNT)
@endpoint(
    summary="Change my password; ends all my sessions and revokes all my tokens",
    body=PasswordIn,
    status=204,
)
def change_password(body: PasswordIn):
    accounts.change_password(
        get_session(),
        user_id=current_user.id,
        current_password=body.current_password,
        new_password=body.new_password,
    )


@api.put("/me/locale")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Choose my language", body=LocaleIn, response=UserPublic)
def set_locale(body: LocaleIn):
    session = get_session()
    user = accounts.set_locale(session, user_id=current_user.id, locale=body.locale)
    return accounts.public(session, user)


@api.get("/me/export")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Everything about me, machine-readable (GDPR art. 15 and 20)", response=Export)
def export_me():
    return export.export(get_session(), catalog(), user_id=current_user.id)


class EraseIn(Strict):
    # Said out loud, so that no stray or replayed DELETE erases anyone.
    confirm: Literal[True]


@api.delete("/me")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Erase me (GDPR art. 17): personal data deleted or made nameless; send "
    '{"confirm": true}',
    body=EraseIn,
    status=204,
)
def erase_me(body: EraseIn):
    user_id = current_user.id
    email = erasure.erase(get_session(), user_id=user_id)
    forget_account(email)
