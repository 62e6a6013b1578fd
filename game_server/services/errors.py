"""Domain errors. Each has a stable `code`; the web layers pick the status and the wording."""


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str = "", *, field: str | None = None, **params):
        super().__init__(message or self.code)
        self.message = message or self.code
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
