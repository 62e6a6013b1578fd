"""Two-factor pages: the code step of logging in, enrolment, recovery codes, switching off."""

import segno
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..auth import start_session
from ..db import get_session
from ..limits import limit_code_attempts, mark_login_failed
from ..models import User
from ..services.common.errors import OtpInvalid, TwoFactorRequired
from ..services.identity import accounts, two_factor
from ..two_factor import begin_pending, finish_login, pending_user, required_for, secret_key
from . import pages
from .forms import CodeForm
from .navigation import safe_next

LOW_ON_CODES = 3


def after_password(user: User, next_path: str):
    """The password was right: finish the login, or ask for the code, or send to enrolment."""
    db = get_session()
    if two_factor.is_enabled(db, user_id=user.id):
        begin_pending(user, next_path)
        return redirect(url_for("pages.login_code"))
    start_session(user)
    if required_for(db, user.id):
        return redirect(url_for("pages.two_factor_setup", next=next_path))
    return redirect(next_path)


def _wrong_code(form: CodeForm) -> None:
    form.code.errors = [
        *form.code.errors,
        _("This code is not right. Type the code your app shows now, or a recovery code."),
    ]


def _status(form: CodeForm | None) -> int:
    return 422 if form is not None and (form.errors or form.form_errors) else 200


@pages.route("/login/code", methods=["GET", "POST"])
@access.allow(access.PUBLIC)
@limit_code_attempts
def login_code():
    pending = pending_user()
    if pending is None:
        flash(_("Your login has expired. Log in again."))
        return redirect(url_for("pages.login"))
    user, next_path = pending
    form = CodeForm()
    if form.validate_on_submit():
        try:
            verified = two_factor.verify(
                get_session(), user_id=user.id, code=form.code.data, secret_key=secret_key()
            )
        except OtpInvalid:
            mark_login_failed()
            _wrong_code(form)
        else:
            finish_login(user)
            if verified.method == "recovery_code":
                flash(
                    _(
                        "You used a recovery code. You have %(count)d left.",
                        count=verified.recovery_codes_left,
                    )
                )
                if verified.recovery_codes_left < LOW_ON_CODES:
                    return redirect(url_for("pages.two_factor_settings"))
            return redirect(next_path)
    return render_template("login_code.html", form=form), _status(form)


def _next_target() -> str:
    return safe_next(request.args.get("next"))


@pages.route("/account/two-factor/setup", methods=["GET", "POST"])
@access.allow(access.FULL_ACCOUNT)
def two_factor_setup():
    db = get_session()
    if two_factor.is_enabled(db, user_id=current_user.id):
        return redirect(url_for("pages.two_factor_settings"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(
                db, user_id=current_user.id, code=form.code.data, secret_key=secret_key()
            )
        except OtpInvalid:
            _wrong_code(form)
        else:
            # The session token rotated: other devices are out, this one starts afresh.
            start_session(accounts.get_user(db, current_user.id))
            return render_template("two_factor_codes.html", codes=codes, next=_next_target())
    enrolment = two_factor.start_enrolment(db, user_id=current_user.id, secret_key=secret_key())
    qr = segno.make(enrolment.uri, error="m").svg_data_uri(scale=5, border=2)
    required = required_for(db, current_user.id)
    return render_template(
        "two_factor_setup.html",
        form=form,
        secret=" ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4)),
        qr=qr,
        required=required,
    ), _status(form)


def _settings_page(form: CodeForm | None = None, status: int = 200):
    state = two_factor.status(get_session(), user_id=current_user.id)
    return render_template("two_factor.html", state=state, form=form or CodeForm()), status


@pages.get("/account/two-factor")
@access.allow(access.FULL_ACCOUNT)
def two_factor_settings():
    return _settings_page()


@pages.post("/account/two-factor/disable")
@access.allow(access.FULL_ACCOUNT)
@limit_code_attempts
def two_factor_disable():
    form = CodeForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(
                get_session(), user_id=current_user.id, code=form.code.data, secret_key=secret_key()
            )
        except TwoFactorRequired:
            form.form_errors.append(_("Your role needs two-factor authentication. It stays on."))
        except OtpInvalid:
            mark_login_failed()
            _wrong_code(form)
        else:
            flash(_("Two-factor authentication is off."))
            return redirect(url_for("pages.two_factor_settings"))
    return _settings_page(form, 422)


@pages.post("/account/two-factor/recovery-codes")
@access.allow(access.FULL_ACCOUNT)
@limit_code_attempts
def two_factor_recovery_codes():
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(
                get_session(), user_id=current_user.id, code=form.code.data, secret_key=secret_key()
            )
        except OtpInvalid:
            mark_login_failed()
            _wrong_code(form)
        else:
            return render_template(
                "two_factor_codes.html", codes=codes, next=url_for("pages.two_factor_settings")
            )
    return _settings_page(form, 422)
