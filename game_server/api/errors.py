"""The error envelope: every failure is {"error": {"code", "message"}} with a proper status."""

from pydantic import BaseModel, ValidationError

from ..services.common import errors as domain

STATUS_OF_DOMAIN_ERROR: dict[type[domain.DomainError], int] = {
    domain.InvalidInput: 422,
    domain.Unauthenticated: 401,
    domain.Forbidden: 403,
    domain.NotFound: 404,
    domain.Conflict: 409,
}


class FieldProblem(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: list[FieldProblem] | None = None


class ErrorEnvelope(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, fields: list[FieldProblem] | None = None
    ):
        super().__init__(message)
        self.status = status
        self.body = ErrorBody(code=code, message=message, fields=fields)


def status_for(error: domain.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_OF_DOMAIN_ERROR:
            return STATUS_OF_DOMAIN_ERROR[cls]
    return 400


def from_domain(error: domain.DomainError) -> ApiError:
    fields = [FieldProblem(field=error.field, message=error.message)] if error.field else None
    return ApiError(status_for(error), error.code, error.message, fields)


def validation_error(exc: ValidationError) -> ApiError:
    fields = []
    for problem in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in problem["loc"]) or "body"
        message = problem["msg"]
        if problem["type"] == "extra_forbidden":
            message = "Unknown field: remove it."
        fields.append(FieldProblem(field=path, message=message))
    return ApiError(422, "validation_error", "Some fields are missing or wrong.", fields)
