"""Typed JSON endpoints: pydantic models in, pydantic models out, and the OpenAPI they imply.

`@endpoint(body=..., query=..., response=...)` parses and validates the request (strictly:
unknown fields and wrong types are refused), serialises the response, and leaves the models
on the view so `openapi_document` can describe every route from the same source.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, jsonify, request
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from werkzeug.routing import IntegerConverter

from .. import access
from .errors import ApiError, ErrorEnvelope, FieldProblem, validation_error


class Strict(BaseModel):
    """Base for request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_max_length=10_000)


class Query(Strict):
    """Base for query strings: short values, so a too-long one is refused by us (422) and
    never reaches gunicorn's request-line limit (4094 bytes), which answers in HTML."""

    model_config = ConfigDict(extra="forbid", str_max_length=200)


@dataclass(frozen=True)
class EndpointSpec:
    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    also: tuple[int, ...] = ()
    # Error statuses this route answers beyond the usual ones, with what they mean.
    errors: dict[int, str] | None = None


def endpoint(
    *,
    summary: str,
    body: type[BaseModel] | None = None,
    query: type[Query] | None = None,
    response: Any = None,
    status: int = 200,
    also: tuple[int, ...] = (),
    errors: dict[int, str] | None = None,
) -> Callable:
    """`status` is the usual success; `also` lists other successes the view may return as
    `(model, status)` (200 for resuming what 201 would create): both are documented."""
    if query is not None and not issubclass(query, Query):
        raise TypeError(f"{query.__name__}: a query model must derive from spec.Query")
    response_adapter = TypeAdapter(response) if response is not None else None

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(**kwargs):
            if body is not None:
                kwargs["body"] = _parse_body(body)
            if query is not None:
                kwargs["query"] = _parse_query(query)
            result = view(**kwargs)
            if isinstance(result, Response):
                return result
            answered = status
            if isinstance(result, tuple):  # (model, status) when one route has two outcomes
                result, answered = result
                if answered not in (status, *also):
                    raise ValueError(f"{view.__name__} answered {answered}: add it to also=")
            if response_adapter is None:
                return Response(status=answered)
            payload = response_adapter.dump_python(result, mode="json")
            return jsonify(payload), answered

        wrapper.api_spec = EndpointSpec(summary, body, query, response, status, also, errors)
        return wrapper

    return decorate


def _parse_body(model: type[BaseModel]) -> BaseModel:
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    raw = request.get_data(cache=True)
    try:
        # Strict types: the document says boolean or integer, so 0, "yes" and "5" are refused,
        # not quietly turned into something the client did not send.
        return model.model_validate_json(raw or b"", strict=True)
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise ApiError(400, "malformed_json", "The body is not valid JSON.") from exc
        raise validation_error(exc) from exc


def _parse_query(model: type[BaseModel]) -> BaseModel:
    # Every query parameter of ours takes one value: `?sector=a&sector=b` is refused rather
    # than quietly read as its first value (found by the full fuzzing form).
    repeated = sorted(key for key, values in request.args.lists() if len(values) > 1)
    if repeated:
        problems = [FieldProblem(field=key, message="Give this only once.") for key in repeated]
        raise ApiError(422, "validation_error", "Some fields are missing or wrong.", problems)
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise validation_error(exc) from exc


_PATH_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _schema_ref(adapter_type: Any, mode: str, components: dict) -> dict:
    schema = TypeAdapter(adapter_type).json_schema(
        mode=mode, ref_template="#/components/schemas/{model}"
    )
    _add_components(components, schema.pop("$defs", {}))
    if isinstance(adapter_type, type) and issubclass(adapter_type, BaseModel):
        _add_components(components, {adapter_type.__name__: schema})
        return {"$ref": f"#/components/schemas/{adapter_type.__name__}"}
    return schema


def _add_components(components: dict, schemas: dict) -> None:
    """Add named schemas; two different models with one name would silently describe one of
    them wrongly (pydantic names a schema after its class), so that is an error."""
    for name, schema in schemas.items():
        if components.setdefault(name, schema) != schema:
            raise ValueError(f"two different models are both called {name}: rename one")


def _path_schema(rule, name: str) -> dict:
    converter = rule._converters[name]
    if isinstance(converter, IntegerConverter):
        return {"type": "integer", "maximum": converter.max}
    return {"type": "string"}


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _error_statuses(
    policy: access.Policy | None, method: str, *, has_input: bool, has_body: bool, has_query: bool
):
    """Every status the shared machinery can answer with, besides the route's own success.

    Decided here, once, from what every route goes through, so no route can forget one:
    the rate limiter (429); the bearer check, which refuses a wrong or expired token even on
    public routes (401); the access policy and the CSRF check on cookie-authenticated writes
    (403); the domain errors a service raises about what it was asked (404 no such thing,
    409 conflict, 422 invalid input); and the body parser (400, 413, 415).
    """
    statuses = {401, 429}
    if (policy is not None and policy.signed_in) or method in WRITE_METHODS:
        statuses.add(403)
    if has_input:
        statuses |= {404, 409, 422}
    if has_body:
        statuses |= {400, 413, 415}
    if has_query:
        statuses.add(URI_TOO_LONG)
    return sorted(statuses)


# A request line past gunicorn's limit (4094 bytes; many query values make one) is refused
# by the HTTP server before the app sees it, in plain HTML: documented, with no JSON body.
URI_TOO_LONG = 414


def _error_responses(statuses) -> dict:
    ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    return {
        str(code): (
            {"description": "Request line too long (answered by the HTTP server)"}
            if code == URI_TOO_LONG
            else {"description": "Error", "content": {"application/json": {"schema": ref}}}
        )
        for code in statuses
    }


def _query_parameters(model: type[BaseModel], components: dict) -> list[dict]:
    schema = TypeAdapter(model).json_schema(ref_template="#/components/schemas/{model}")
    _add_components(components, schema.pop("$defs", {}))
    return [
        {
            "name": name,
            "in": "query",
            "required": field.is_required(),
            "schema": schema["properties"][name],
        }
        for name, field in model.model_fields.items()
    ]


def openapi_document(app: Flask) -> dict:
    """Describe every typed endpoint of `app` as an OpenAPI 3.1 document."""
    components: dict = {}
    _schema_ref(ErrorEnvelope, "serialization", components)
    paths: dict = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        spec: EndpointSpec | None = getattr(view, "api_spec", None)
        if spec is None:
            continue
        policy = access.policy_of(view)
        path = _PATH_PARAM.sub(r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation: dict = {
                "operationId": rule.endpoint.replace(".", "_"),
                "summary": spec.summary,
                "parameters": [
                    {
                        "name": name,
                        "in": "path",
                        "required": True,
                        "schema": _path_schema(rule, name),
                    }
                    for name in sorted(rule.arguments)
                ],
            }
            has_input = bool(rule.arguments) or spec.query is not None or spec.body is not None
            operation["responses"] = _error_responses(
                _error_statuses(
                    policy,
                    method,
                    has_input=has_input,
                    has_body=spec.body is not None,
                    has_query=spec.query is not None,
                )
            )
            if spec.query is not None:
                operation["parameters"] += _query_parameters(spec.query, components)
            if spec.body is not None:
                schema = _schema_ref(spec.body, "validation", components)
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": schema}},
                }
            ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
            for code, meaning in (spec.errors or {}).items():
                operation["responses"][str(code)] = {
                    "description": meaning,
                    "content": {"application/json": {"schema": ref}},
                }
            success: dict = {"description": "OK" if spec.status < 300 else "Done"}
            if spec.response is not None:
                schema = _schema_ref(spec.response, "serialization", components)
                success["content"] = {"application/json": {"schema": schema}}
            for answered in (spec.status, *spec.also):
                operation["responses"][str(answered)] = {
                    **success,
                    "description": "OK" if answered < 300 else "Done",
                }
            if policy is not None and policy.signed_in:
                operation["security"] = [{"bearer": []}, {"cookie": []}]
            operation["x-access-policy"] = policy.name if policy else "none"
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Loopbaan Quest API", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": app.config["SESSION_COOKIE_NAME"],
                    "description": "A browser session; writes also need the X-CSRFToken header.",
                },
            },
        },
    }
