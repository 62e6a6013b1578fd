"""A forgotten password, and what a person wants to hear about, over JSON."""

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field

from .. import access, jobs
from ..db import get_session
from ..limits import limit_password_reset
from ..models import Channel, NotificationKind
from ..services.identity import password_reset
from ..services.outreach import preferences
from . import api
from .spec import Strict, endpoint


class PasswordResetIn(Strict):
    email: str = Field(max_length=254)


class PasswordResetAccepted(BaseModel):
    message: str = Field(
        description="The same whether or not the address has an account: nobody learns who "
        "is registered."
    )


class NewPasswordIn(Strict):
    token: str = Field(min_length=1, max_length=100, description="From the link in the mail.")
    new_password: str = Field(max_length=4096)


class NotificationChoices(BaseModel):
    """Per kind: only on the site (`in_app`), also by e-mail (`email`), or in the weekly
    mail (`digest`)."""

    assignment: Channel
    feedback: Channel
    group: Channel
    reminders: Channel
    challenge: Channel


class NotificationChoicesIn(Strict):
    assignment: Channel | None = None
    feedback: Channel | None = None
    group: Channel | None = None
    reminders: Channel | None = None
    challenge: Channel | None = None


def _choices(chosen: dict[NotificationKind, Channel]) -> NotificationChoices:
    return NotificationChoices(**{kind.value: value for kind, value in chosen.items()})


@api.post("/auth/password-reset")
@access.allow(access.PUBLIC)
@limit_password_reset
@endpoint(
    summary="Ask for a link to set a new password (mailed if the address has an account)",
    body=PasswordResetIn,
    response=PasswordResetAccepted,
    status=202,
)
def ask_password_reset(body: PasswordResetIn):
    password_reset.request_reset(
        get_session(), email=body.email, secret=current_app.secret_key.encode()
    )
    jobs.nudge_mail(current_app._get_current_object())
    return PasswordResetAccepted(
        message=_("If this address has an account, a link is on its way. It works for one hour.")
    )


@api.post("/auth/password-reset/confirm")
@access.allow(access.PUBLIC)
@endpoint(
    summary="Set a new password with the link's token; ends every session and token",
    body=NewPasswordIn,
    status=204,
)
def confirm_password_reset(body: NewPasswordIn):
    password_reset.set_new_password(get_session(), token=body.token, new_password=body.new_password)


@api.get("/me/notifications")
@access.allow(access.FULL_ACCOUNT)
@endpoint(summary="How I hear about each kind of news", response=NotificationChoices)
def get_notification_choices():
    return _choices(preferences.choices(get_session(), user_id=current_user.id))


@api.put("/me/notifications")
@access.allow(access.FULL_ACCOUNT)
@endpoint(
    summary="Choose how I hear about each kind (kinds left out keep their choice)",
    body=NotificationChoicesIn,
    response=NotificationChoices,
)
def set_notification_choices(body: NotificationChoicesIn):
    chosen = {k: v.value for k, v in body.model_dump(exclude_none=True).items()}
    return _choices(preferences.choose(get_session(), user_id=current_user.id, chosen=chosen))
