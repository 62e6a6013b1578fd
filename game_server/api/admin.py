"""Administration over JSON: organisations and their members."""

from pydantic import Field

from .. import access
from ..db import get_session
from ..models import MemberRole, OrganisationKind, Role
from ..services import organisations
from ..services.organisations import OrganisationPublic
from . import api
from .spec import Strict, endpoint

ADMIN = access.roles(Role.ADMIN)


class OrganisationIn(Strict):
    name: str = Field(max_length=200)
    kind: OrganisationKind


class MemberIn(Strict):
    user_id: int
    role: MemberRole = MemberRole.MEMBER


@api.get("/admin/organisations")
@access.allow(ADMIN)
@endpoint(summary="All organisations", response=list[OrganisationPublic])
def list_organisations():
    session = get_session()
    return [organisations.public(session, org) for org in organisations.list_all(session)]


@api.post("/admin/organisations")
@access.allow(ADMIN)
@endpoint(
    summary="Create an organisation", body=OrganisationIn, response=OrganisationPublic, status=201
)
def create_organisation(body: OrganisationIn):
    session = get_session()
    organisation = organisations.create(session, name=body.name, kind=body.kind)
    return organisations.public(session, organisation)


@api.post("/admin/organisations/<int:organisation_id>/members")
@access.allow(ADMIN)
@endpoint(
    summary="Add a member to an organisation",
    body=MemberIn,
    response=OrganisationPublic,
    status=201,
)
def add_member(organisation_id: int, body: MemberIn):
    session = get_session()
    organisations.add_member(
        session, organisation_id=organisation_id, user_id=body.user_id, role=body.role
    )
    return organisations.public(session, organisations.get(session, organisation_id))
