"""Domain errors in the reader's language. Services speak English; pages translate by code."""

from flask import flash
from flask_babel import gettext as _

from ..services.common.errors import DomainError
from ..wording import said


def field_message(error: DomainError) -> str:
    reason = error.params.get("reason")
    messages = {
        ("weak_password", "too_short"): _("Use at least 8 characters."),
        ("weak_password", "too_long"): _("Use at most 1024 characters."),
        ("weak_password", "common"): _(
            "Many people use this password. Choose another one, "
            "for example three or four words you will remember."
        ),
        ("weak_password", "email"): _("Do not use your e-mail address as your password."),
        ("email_taken", None): _(
            "There is already an account with this e-mail address. Log in, or use another address."
        ),
        ("invalid_credentials", None): _("The e-mail address or password is not right."),
    }
    if error.code == "invalid_input" and error.field == "email":
        return _("Enter an e-mail address like name@example.nl.")
    if error.code == "invalid_input" and error.field in {"display_name", "nickname"}:
        return _(
            "Enter a name of at most %(max)d characters.",
            max=40 if error.field == "nickname" else 80,
        )
    if error.code == "not_found" and error.field == "code":
        return _("There is no session with this code. Check the code on the screen.")
    if error.code == "conflict" and error.message == "This session has ended.":
        return _("This session has ended.")
    if error.code == "invalid_credentials" and error.field == "current_password":
        return _("Your current password is not right.")
    return messages.get((error.code, reason)) or said(error)


def flash_reveal(reveal) -> None:
    """After a quiz question (real play and the editors' preview alike): right, or what the
    right answer was, and why. `reveal` is the step's Reveal, or None for any other step."""
    if reveal is None:
        return
    if reveal.all_right:
        said_so = _("Right!")
    else:
        said_so = _("Not quite. The right answer: %(answer)s.", answer=" / ".join(reveal.labels))
    flash(f"{said_so} {reveal.explain}" if reveal.explain else said_so)
