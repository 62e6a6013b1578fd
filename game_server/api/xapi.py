"""xAPI over JSON: my learning record, and (admins) the LRS that receives everyone's."""

from flask_login import current_user
from pydantic import BaseModel, Field

from .. import access
from ..current import catalog, site
from ..db import get_session
from ..models import Role
from ..services.progress import xapi
from . import api
from .spec import Strict, endpoint


class StatementResult(BaseModel):
    statements: list[dict]
    more: str = ""


class LrsIn(Strict):
    url: str = Field(max_length=500)
    key: str = Field(max_length=200)
    secret: str = Field(max_length=500)


class LrsOut(BaseModel):
    url: str
    active: bool


@api.get("/me/xapi")
@access.allow(access.SIGNED_IN)
@endpoint(summary="My learning record as xAPI statements", response=StatementResult)
def my_xapi():
    statements = xapi.statements_for(get_session(), catalog(), user_id=current_user.id, site=site())
    return StatementResult(statements=statements)


@api.put("/admin/lrs")
@access.allow(access.roles(Role.ADMIN))
@endpoint(
    summary="Connect the learning record store that receives xAPI statements",
    body=LrsIn,
    response=LrsOut,
)
def configure_lrs(body: LrsIn):
    endpoint_row = xapi.configure_lrs(get_session(), url=body.url, key=body.key, secret=body.secret)
    return LrsOut(url=endpoint_row.url, active=endpoint_row.active)
