"""A forgotten password, the unsubscribe link in a mail, and what a person wants to hear
about (on the site, by e-mail, or once a week)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, jobs
from ..auth import end_session
from ..db import get_session
from ..limits import limit_password_reset
from ..mail import DIGEST, read_unsubscribe_token
from ..models import Channel, NotificationKind
from ..services.common.errors import DomainError
from ..services.guidance import digest
from ..services.identity import password_reset
from ..services.outreach import preferences
from ..wording import said
from . import pages
from .account import _show_error
from .forms import ForgotPasswordForm, NewPasswordForm


def _secret() -> bytes:
    return current_app.secret_key.encode()


@pages.route("/password/forgot", methods=["GET", "POST"])
@access.allow(access.PUBLIC)
@limit_password_reset
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(get_session(), email=form.email.data, secret=_secret())
        jobs.nudge_mail(current_app._get_current_object())
        # The same page whether or not the address has an account.
        return render_template("password_forgot_sent.html")
    status = 422 if form.errors else 200
    return render_template("password_forgot.html", form=form), status


@pages.route("/password/reset/<token>", methods=["GET", "POST"])
@access.allow(access.PUBLIC)
def reset_password(token: str):
    if not password_reset.check_link(get_session(), token=token):
        return render_template("password_reset_gone.html"), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.set_new_password(
                get_session(), token=token, new_password=form.new_password.data
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            if current_user.is_authenticated:
                end_session()
            flash(_("Your new password is set. Log in with it."))
            return redirect(url_for("pages.login"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("password_reset.html", form=form, token=token), status


def _kind_label(kind: NotificationKind) -> str:
    return {
        NotificationKind.ASSIGNMENT: _("A coach gives me a quest or a track"),
        NotificationKind.FEEDBACK: _("Someone reacts to what I shared"),
        NotificationKind.GROUP: _("News from my group"),
        NotificationKind.REMINDERS: _("Reminders: a date comes near, how did my plan go"),
        NotificationKind.CHALLENGE: _("News from a challenge I joined"),
    }[kind]


@pages.route("/unsubscribe/<token>", methods=["GET", "POST"])
@access.allow(access.PUBLIC)
def unsubscribe(token: str):
    """Works without logging in: the link is signed. A GET only asks (mail scanners open
    links); the button, or a mail program's one-click POST, does it."""
    found = read_unsubscribe_token(current_app, token)
    if found is None:
        return render_template("unsubscribe.html", broken=True), 404
    user_id, kind = found
    label = _("the weekly mail") if kind == DIGEST else _kind_label(NotificationKind(kind))
    if request.method == "POST":
        if kind == DIGEST:
            digest.stop(get_session(), user_id=user_id)
        else:
            preferences.stop_email(get_session(), user_id=user_id, kind=NotificationKind(kind))
        return render_template("unsubscribe.html", done=True, kind=label)
    return render_template("unsubscribe.html", token=token, kind=label)


@pages.route("/me/notifications", methods=["GET", "POST"])
@access.allow(access.FULL_ACCOUNT)
def notification_settings():
    if request.method == "POST":
        chosen = {kind.value: request.form.get(kind.value, "") for kind in NotificationKind}
        try:
            preferences.choose(get_session(), user_id=current_user.id, chosen=chosen)
        except DomainError as error:
            flash(said(error))
        else:
            flash(_("Saved. You get what you chose."))
        return redirect(url_for("pages.notification_settings"))
    choices = preferences.choices(get_session(), user_id=current_user.id)
    rows = [(kind, _kind_label(kind), choices[kind]) for kind in NotificationKind]
    channels = [
        (Channel.IN_APP, _("Only on the site")),
        (Channel.EMAIL, _("By e-mail")),
        (Channel.DIGEST, _("Once a week, in one mail")),
    ]
    return render_template("notifications.html", rows=rows, channels=channels)
