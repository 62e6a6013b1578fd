"""The JSON API's common ground: the error envelope, body limits, OpenAPI and /healthz."""

import re

import pytest

from game_server import access
from game_server.models import User

from ..conftest import need_redis
from ..factories import Personas, count


def envelope(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]


def test_unknown_api_path_is_a_404_envelope(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert envelope(response)["code"] == "not_found"


def test_wrong_method_is_a_405_envelope_with_allow(client):
    response = client.get("/api/v1/auth/register")
    assert response.status_code == 405
    assert envelope(response)["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "cookie"])
def test_a_write_that_matches_no_route_says_so_instead_of_refusing_csrf(app, signed_in):
    """404 and 405 tell a client what is wrong; a CSRF 403 for a route that does not exist
    would send it looking for a token it does not need."""
    client = Personas(app).cookie_client("worker" if signed_in else "anonymous")
    wrong_method = client.put("/api/v1/quests")
    assert wrong_method.status_code == 405
    assert envelope(wrong_method)["code"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["Allow"]
    unknown = client.post("/api/v1/nothing-here", json={})
    assert unknown.status_code == 404
    assert envelope(unknown)["code"] == "not_found"


@pytest.mark.parametrize("answer_id", ["1", 1.0, True])
def test_a_body_field_of_another_json_type_is_refused_not_coerced(client, personas, answer_id):
    """The document says integer: a string, float or boolean is a 422, as the fuzzer expects."""
    response = client.post(
        "/api/v1/groups/1/shares", headers=personas.headers("worker"), json={"answer_id": answer_id}
    )
    assert response.status_code == 422
    assert [f["field"] for f in envelope(response)["fields"]] == ["answer_id"]


def test_malformed_json_is_a_400_and_changes_nothing(client, app):
    response = client.post(
        "/api/v1/auth/register", data=b'{"email": "a@b.nl",', content_type="application/json"
    )
    assert response.status_code == 400
    assert envelope(response)["code"] == "malformed_json"
    assert count(app, User) == 0


def test_a_body_that_is_not_json_is_a_415(client, app):
    response = client.post("/api/v1/auth/register", data={"email": "a@b.nl"})
    assert response.status_code == 415
    assert envelope(response)["code"] == "unsupported_media_type"
    assert count(app, User) == 0


def test_an_oversized_body_is_a_413_and_changes_nothing(client, app):
    huge = {"email": "a@b.nl", "password": "x" * 300_000, "display_name": "A"}
    response = client.post("/api/v1/auth/register", json=huge)
    assert response.status_code == 413
    assert envelope(response)["code"] == "payload_too_large"
    assert count(app, User) == 0


def test_a_json_array_instead_of_an_object_is_a_422(client, app):
    response = client.post("/api/v1/auth/register", json=["a"])
    assert response.status_code == 422
    assert envelope(response)["code"] == "validation_error"


def test_an_unexpected_error_leaks_no_stack_trace(sqlite_app, caplog):
    @sqlite_app.get("/api/v1/boom")
    @access.allow(access.PUBLIC)
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    sqlite_app.config["TESTING"] = False  # let the error handler run as in production
    sqlite_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = sqlite_app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    error = envelope(response)
    assert error["code"] == "internal_error"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "hunter2" not in text and "RuntimeError" not in text
    assert "secret internals" in caplog.text  # logged for us, not sent to them


def test_unexpected_page_errors_show_a_friendly_page(sqlite_app):
    @sqlite_app.get("/boom")
    @access.allow(access.PUBLIC)
    def boom():
        raise RuntimeError("secret internals")

    sqlite_app.config["TESTING"] = False
    sqlite_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = sqlite_app.test_client().get("/boom", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert "text/html" in response.content_type
    assert "secret internals" not in response.get_data(as_text=True)


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "redis": "not_configured",
        "content": "ok",
    }


def test_healthz_reports_redis_when_configured(app_factory):
    app = app_factory(redis_url=need_redis())
    assert app.test_client().get("/healthz").get_json()["redis"] == "ok"


def test_healthz_fails_when_redis_is_down(app_factory):
    app = app_factory(redis_url="redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["redis"] == "failing"


# Every route outside the JSON API belongs to one of these, named here on purpose: a new kind
# of route must be placed (documented in OpenAPI, or listed here with the reason).
# Socket.IO (/socket.io/) is not a Flask route: the Engine.IO middleware answers it.
NOT_API_ROUTES = {
    "static": "files under /static/",
    "pages": "server-rendered HTML pages and forms, and /healthz for load balancers",
    "pages.wellknown": "/.well-known/jwks.json, where verifiers look for the badge keys",
}


def _documented(document: dict) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }


def test_every_route_is_documented_or_known_not_to_be_api(sqlite_app):
    document = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    documented = _documented(document)
    served, stray = set(), []
    for rule in sqlite_app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0] or rule.endpoint
        if not rule.rule.startswith("/api/"):
            if blueprint not in NOT_API_ROUTES:
                stray.append(f"{rule.rule} ({rule.endpoint})")
            continue
        assert blueprint == "api", f"{rule.rule} is under /api/ but not in the api blueprint"
        if rule.endpoint == "api.openapi":
            continue  # the document itself
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((method, path))
            assert (method, path) in documented, f"{method} {path} missing from OpenAPI"
    assert stray == [], "routes neither in the API nor in NOT_API_ROUTES"
    assert documented - served == set(), "OpenAPI documents routes that do not exist"


def test_every_operation_documents_the_errors_every_route_can_answer(sqlite_app):
    """Rate limit and a wrong token on every route; refusals, domain errors and body errors
    where they apply: declared in one place (spec._error_statuses), checked here."""
    document = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"401", "429"} <= statuses, f"{method} {path}"
            if "security" in operation or method != "get":
                assert "403" in statuses, f"{method} {path}"
            if operation["parameters"] or "requestBody" in operation:
                assert {"404", "409", "422"} <= statuses, f"{method} {path}"
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= statuses, f"{method} {path}"
            if any(parameter["in"] == "query" for parameter in operation["parameters"]):
                assert "414" in statuses, f"{method} {path}"  # gunicorn's, in HTML
            for status, answer in operation["responses"].items():
                if int(status) >= 400 and status != "414":
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}


def test_query_parameters_are_described_and_short(sqlite_app):
    document = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    catalog = document["paths"]["/api/v1/quests"]["get"]["parameters"]
    locale = next(p for p in catalog if p["name"] == "locale")
    assert locale["in"] == "query" and locale["required"] is False
    (text,) = [s for s in locale["schema"]["anyOf"] if s.get("type") == "string"]
    assert text["pattern"] == "^(nl|en)$" and text["maxLength"] <= 200


def test_a_query_parameter_given_twice_is_refused_not_read_as_its_first(client):
    response = client.get("/api/v1/quests?sector=transport&sector=care")
    assert response.status_code == 422
    assert envelope(response)["fields"] == [{"field": "sector", "message": "Give this only once."}]
    assert client.get("/api/v1/quests?sector=transport").status_code == 200


def test_a_route_with_two_outcomes_documents_both(sqlite_app):
    document = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/quests/{quest_id}/runs",
        "/api/v1/groups/{group_id}/quests/{quest_id}/runs",
    ):
        responses = document["paths"][path]["post"]["responses"]
        assert responses["200"]["content"] == responses["201"]["content"], path


def test_two_models_with_one_name_cannot_share_a_component(sqlite_app):
    from pydantic import BaseModel

    from game_server.api import spec

    def twin(field: str) -> type[BaseModel]:
        return type("Twin", (BaseModel,), {"__annotations__": {field: int}})

    components: dict = {}
    spec._schema_ref(twin("a"), "serialization", components)
    spec._schema_ref(twin("a"), "serialization", components)  # the same shape is fine
    with pytest.raises(ValueError, match="Twin"):
        spec._schema_ref(twin("b"), "serialization", components)


def test_openapi_schemas_come_from_the_models(sqlite_app):
    document = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    register = document["paths"]["/api/v1/auth/register"]["post"]
    ref = register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"email", "password", "display_name"}
    assert schema["additionalProperties"] is False
    assert "422" in register["responses"] and "201" in register["responses"]
    me = document["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearer": []}, {"cookie": []}]


def test_every_openapi_reference_resolves(sqlite_app):
    document = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs
    missing = [ref for ref in refs if ref.rsplit("/", 1)[1] not in schemas]
    assert missing == []


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/auth/tokens"])
def test_signed_in_endpoints_answer_401_envelopes_to_strangers(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert envelope(response)["code"] == "unauthorized"


def test_openapi_types_integer_path_parameters(sqlite_app):
    document = sqlite_app.test_client().get("/api/v1/openapi.json").get_json()
    revoke = document["paths"]["/api/v1/auth/tokens/{token_id}"]["delete"]
    assert revoke["parameters"] == [
        {
            "name": "token_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "maximum": 2**31 - 1},
        }
    ]


@pytest.mark.parametrize(
    "path", ["/api/v1/groups/{}", "/api/v1/runs/{}", "/api/v1/coach/clients/{}", "/runs/{}"]
)
def test_an_id_no_row_can_have_is_a_404_not_an_overflow(client, personas, path):
    """Ids past the database's integer never reach a query (SQLite raised OverflowError)."""
    headers = personas.headers("coach") if "/coach/" in path else personas.headers("worker")
    for huge in (2**31, 2**63, 10**20):
        response = client.get(path.format(huge), headers=headers)
        assert response.status_code == 404, (path, huge, response.status_code)
        if path.startswith("/api/"):
            assert envelope(response)["code"] == "not_found"
