"""Administration over JSON: organisations and their members, and the content in use."""

from dataclasses import asdict
from datetime import datetime

from flask import current_app
from pydantic import BaseModel, Field

from .. import access
from ..content.catalog import ContentStatus
from ..db import get_session
from ..models import MemberRole, OrganisationKind, Role
from ..services.identity import organisations
from ..services.identity.organisations import OrganisationPublic
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


class ContentProblemOut(BaseModel):
    file: str
    line: int
    column: int
    field: str
    message: str


class ContentStatusOut(BaseModel):
    """The catalog in use; `problems` says why the files on disk are not (empty: they are)."""

    loaded_at: datetime | None
    checked_at: datetime | None
    quests: int
    problems: list[ContentProblemOut]


def _content_status(status: ContentStatus) -> ContentStatusOut:
    return ContentStatusOut(
        loaded_at=status.loaded_at,
        checked_at=status.checked_at,
        quests=status.quests,
        problems=[ContentProblemOut(**asdict(problem)) for problem in status.problems],
    )


@api.get("/admin/content")
@access.allow(ADMIN)
@endpoint(
    summary="The content in use and the problems of the files on disk", response=ContentStatusOut
)
def content_status():
    return _content_status(current_app.extensions["catalog_source"].status())


@api.post("/admin/content/reload")
@access.allow(ADMIN)
@endpoint(
    summary="Read the content files again (this server process); broken files change nothing",
    response=ContentStatusOut,
)
def reload_content():
    return _content_status(current_app.extensions["catalog_source"].reload())
