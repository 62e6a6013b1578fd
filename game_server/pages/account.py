"""Register, log in, log out, play as a guest, keep a guest's progress, change the password."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..auth import end_session, start_session
from ..db import get_session
from ..limits import limit_guests, limit_login, limit_registration, mark_login_failed
from ..services.common.errors import DomainError, InvalidCredentials
from ..services.identity import accounts
from ..services.progress import badges
from ..services.progress.progression import PlayerFacts
from . import pages
from .forms import GuestForm, LoginForm, PasswordForm, RegisterForm
from .messages import field_message
from .navigation import is_safe_next, safe_next, start_page
from .two_factor import after_password


def _show_error(form, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    message = field_message(error)
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def _locale() -> str:
    return request.cookies.get("lang") or current_app.config["GAME_SETTINGS"].default_locale


def _carried(target: str | None) -> str | None:
    """The `next` to hand on to the other ways in (log in, register, guest), if it is safe."""
    return target if is_safe_next(target) else None


@pages.route("/login", methods=["GET", "POST"])
@access.allow(access.PUBLIC)
@limit_login
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                get_session(), email=form.email.data, password=form.password.data
            )
        except InvalidCredentials as error:
            mark_login_failed()
            _show_error(form, error)
        else:
            roles = accounts.roles_of(get_session(), user.id)
            return after_password(user, start_page(roles, form.next.data))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("login.html", form=form, next=_carried(form.next.data)), status


@pages.route("/register", methods=["GET", "POST"])
@access.allow(access.PUBLIC)
@limit_registration
def register():
    form = RegisterForm(next=request.args.get("next", ""))
    guest = current_user.is_authenticated and current_user.is_guest
    if form.validate_on_submit():
        session = get_session()
        try:
            if guest:
                user = accounts.upgrade_guest(
                    session,
                    user_id=current_user.id,
                    email=form.email.data,
                    password=form.password.data,
                    display_name=form.display_name.data,
                )
            else:
                user = accounts.register_worker(
                    session,
                    email=form.email.data,
                    password=form.password.data,
                    display_name=form.display_name.data,
                    locale=_locale(),
                )
        except DomainError as error:
            _show_error(form, error)
        else:
            start_session(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name))
            return redirect(safe_next(form.next.data))
    elif request.method == "GET" and guest:
        form.display_name.data = current_user.user.display_name
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "register.html", form=form, guest=guest, next=_carried(form.next.data)
    ), status


@pages.route("/guest", methods=["GET", "POST"])
@access.allow(access.PUBLIC)
@limit_guests
def guest():
    form = GuestForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.create_guest(
                get_session(), nickname=form.nickname.data, locale=_locale()
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            start_session(user)
            return redirect(safe_next(form.next.data))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("guest.html", form=form, next=_carried(form.next.data)), status


@pages.get("/logout")
@access.allow(access.SIGNED_IN)
def confirm_logout():
    """Ask first. A guest has no password to come back with: say what is lost, and offer
    to make an account (which keeps everything) instead."""
    xp = badge_count = 0
    if current_user.is_guest:
        session = get_session()
        xp = sum(PlayerFacts(session, current_user.id).xp.values())
        badge_count = len(badges.held_badge_ids(session, user_id=current_user.id))
    return render_template(
        "logout.html",
        xp=xp,
        badge_count=badge_count,
        back=start_page(current_user.roles),
    )


@pages.post("/logout")
@access.allow(access.SIGNED_IN)
def logout():
    """Log out everywhere: every browser and phone of this user loses its session."""
    accounts.end_all_sessions(get_session(), user_id=current_user.id)
    end_session()
    flash(_("You are logged out."))
    return redirect(url_for("pages.landing"))


@pages.route("/account/password", methods=["GET", "POST"])
@access.allow(access.FULL_ACCOUNT)
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(
                get_session(),
                user_id=current_user.id,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        except DomainError as error:
            _show_error(form, error)
        else:
            start_session(user)
            flash(_("Your password is changed. Other devices are logged out."))
            return redirect(url_for("pages.home"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("password.html", form=form), status
