"""Domain errors. Each has a stable `code`; the web layers pick the status and the wording.

A message is written in English with `%(name)s` placeholders and marked with `N_` so that
`make translations` puts it in the catalog; the door that shows it to a person translates
it (`game_server/wording.py`), the JSON API keeps the English.
"""


def N_(message: str) -> str:
    """Mark `message` for the translation catalog; the door translates it when shown."""
    return message


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str = "", *, field: str | None = None, **params):
        self.template = message or self.code
        self.message = self.template % params if params else self.template
        super().__init__(self.message)
        self.field = field
        self.params = params


class InvalidInput(DomainError):
    code = "invalid_input"


class WeakPassword(InvalidInput):
    code = "weak_password"


class Unauthenticated(DomainError):
    code = "unauthorized"


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class EmailTaken(Conflict):
    code = "email_taken"


class HostReplaced(Conflict):
    """A second host screen took over a live session; the first one may only watch."""

    code = "host_replaced"


class OtpRequired(Unauthenticated):
    """The password was right; this account also needs a code from the authenticator app."""

    code = "otp_required"


class OtpInvalid(Unauthenticated):
    """The code is wrong, expired, already used, or a used recovery code."""

    code = "otp_invalid"


class TwoFactorSetupRequired(Forbidden):
    """This role must set up two-factor authentication (on the web) before anything else."""

    code = "two_factor_setup_required"


class TwoFactorRequired(Forbidden):
    """This role may not switch two-factor authentication off."""

    code = "two_factor_required"
