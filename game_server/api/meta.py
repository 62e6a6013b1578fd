"""The API's own description."""

from flask import current_app, jsonify

from .. import access
from . import api
from .spec import openapi_document


@api.get("/openapi.json")
@access.allow(access.PUBLIC)
def openapi():
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = openapi_document(current_app)
    return jsonify(current_app.extensions["openapi"])
