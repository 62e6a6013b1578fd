"""Accounts over JSON: register, tokens, guests."""

from datetime import timedelta

from flask import current_app
from flask_login import current_user
from pydantic import BaseModel, Field

from .. import access
from ..db import get_session
from ..limits import limit_guests, limit_login, limit_registration, mark_login_failed
from ..services.common.errors import (
    N_,
    InvalidCredentials,
    OtpInvalid,
    OtpRequired,
    TwoFactorSetupRequired,
)
from ..services.identity import accounts, tokens, two_factor
from ..services.identity.accounts import UserPublic
from ..two_factor import required_for
from . import api
from .errors import ApiError
from .spec import Strict, endpoint


def _settings():
    return current_app.config["GAME_SETTINGS"]


class RegisterIn(Strict):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)
    display_name: str = Field(max_length=200)
    locale: str = "nl"


class TokenIn(Strict):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)
    label: str = Field(default="", max_length=80)
    otp: str | None = Field(
        default=None,
        max_length=20,
        description="With two-factor authentication on: the 6-digit code from the "
        "authenticator app, or an unused recovery code (which is then used up).",
    )


class TokenOut(BaseModel):
    token: str
    token_id: int
    expires_at: str


class GuestIn(Strict):
    nickname: str = Field(max_length=200)
    locale: str = "nl"


class GuestOut(TokenOut):
    user: UserPublic


class TokenInfo(BaseModel):
    id: int
    label: str
    created_at: str
    expires_at: str
    last_used_at: str | None
    current: bool


@api.post("/auth/register")
@access.allow(access.PUBLIC)
@limit_registration
@endpoint(summary="Create a worker account", body=RegisterIn, response=UserPublic, status=201)
def register(body: RegisterIn):
    session = get_session()
    user = accounts.register_worker(
        session,
        email=body.email,
        password=body.password,
        display_name=body.display_name,
        locale=body.locale,
    )
    return accounts.public(session, user)


@api.post("/auth/token")
@access.allow(access.PUBLIC)
@limit_login
@endpoint(
    summary="Exchange e-mail and password (and a two-factor code) for a bearer token",
    body=TokenIn,
    response=TokenOut,
    status=201,
    errors={
        401: "`invalid_credentials`; `otp_required` (two-factor authentication is on and "
        "`otp` is missing); `otp_invalid` (a wrong, expired, replayed or used code)",
        403: "`two_factor_setup_required`: a coach, fund or admin account must first set up "
        "two-factor authentication on the website",
    },
)
def create_token(body: TokenIn):
    session = get_session()
    try:
        user = accounts.authenticate(session, email=body.email, password=body.password)
    except InvalidCredentials:
        mark_login_failed()
        raise
    if two_factor.is_enabled(session, user_id=user.id):
        if not body.otp:
            raise OtpRequired(N_("This account uses two-factor authentication: send `otp`."))
        try:
            two_factor.verify(
                session, user_id=user.id, code=body.otp, secret_key=current_app.secret_key
            )
        except OtpInvalid:
            mark_login_failed()
            raise
    elif required_for(session, user.id):
        raise TwoFactorSetupRequired(
            N_("Set up two-factor authentication on the website before asking for a token.")
        )
    ttl = timedelta(days=_settings().token_ttl_days)
    return tokens.issue(session, user_id=user.id, ttl=ttl, label=body.label or "api")


@api.post("/auth/guest")
@access.allow(access.PUBLIC)
@limit_guests
@endpoint(
    summary="Create a guest player with only a nickname",
    body=GuestIn,
    response=GuestOut,
    status=201,
)
def create_guest(body: GuestIn):
    session = get_session()
    user = accounts.create_guest(session, nickname=body.nickname, locale=body.locale)
    ttl = timedelta(days=_settings().guest_token_ttl_days)
    issued = tokens.issue(session, user_id=user.id, ttl=ttl, label="guest")
    return GuestOut(**issued.model_dump(), user=accounts.public(session, user))


@api.get("/auth/tokens")
@access.allow(access.SIGNED_IN)
@endpoint(summary="My active tokens", response=list[TokenInfo])
def list_tokens():
    rows = tokens.list_for(get_session(), user_id=current_user.id)
    return [
        TokenInfo(
            id=row.id,
            label=row.label,
            created_at=row.created_at.isoformat(),
            expires_at=row.expires_at.isoformat(),
            last_used_at=row.last_used_at.isoformat() if row.last_used_at else None,
            current=row.id == current_user.token_id,
        )
        for row in rows
    ]


@api.delete("/auth/token")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Revoke the token this request carries", status=204)
def revoke_current_token():
    if current_user.token_id is None:
        raise ApiError(400, "no_token", "This request does not carry a bearer token.")
    token_id = current_user.token_id
    tokens.revoke(get_session(), user_id=current_user.id, token_id=token_id)


@api.delete("/auth/tokens/<int:token_id>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Revoke one of my tokens", status=204)
def revoke_token(token_id: int):
    tokens.revoke(get_session(), user_id=current_user.id, token_id=token_id)
