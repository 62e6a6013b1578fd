"""Organisations (funds, coaching organisations, employers) and who belongs to them."""

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, select

from ...models import MemberRole, Membership, Organisation, OrganisationKind
from ..common.errors import N_, Conflict, InvalidInput, NotFound
from .accounts import clean_name, get_user


class OrganisationPublic(BaseModel):
    id: int
    name: str
    kind: OrganisationKind
    members: int


def create(session: Session, *, name: str, kind: str) -> Organisation:
    name = clean_name(name, field="name", max_length=120)
    if kind not in set(OrganisationKind):
        choices = ", ".join(OrganisationKind)
        raise InvalidInput(N_("Choose one of: %(choices)s."), field="kind", choices=choices)
    if session.exec(select(Organisation).where(Organisation.name == name)).first():
        raise Conflict(N_("There is already an organisation with this name."), field="name")
    organisation = Organisation(name=name, kind=kind)
    session.add(organisation)
    session.commit()
    return organisation


def get(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(N_("No such organisation."))
    return organisation


def add_member(
    session: Session, *, organisation_id: int, user_id: int, role: str = MemberRole.MEMBER
) -> Membership:
    get(session, organisation_id)
    user = get_user(session, user_id)
    if user.is_guest:
        raise InvalidInput(N_("A guest cannot join an organisation."), field="user_id")
    if role not in set(MemberRole):
        raise InvalidInput(N_("Choose member or manager."), field="role")
    if session.get(Membership, (organisation_id, user_id)) is not None:
        raise Conflict(N_("This person is already a member."), field="user_id")
    membership = Membership(organisation_id=organisation_id, user_id=user_id, role=role)
    session.add(membership)
    session.commit()
    return membership


def member_count(session: Session, organisation_id: int) -> int:
    return session.exec(
        select(sa.func.count())
        .select_from(Membership)
        .where(Membership.organisation_id == organisation_id)
    ).one()


def public(session: Session, organisation: Organisation) -> OrganisationPublic:
    return OrganisationPublic(
        id=organisation.id,
        name=organisation.name,
        kind=OrganisationKind(organisation.kind),
        members=member_count(session, organisation.id),
    )


def list_all(session: Session) -> list[Organisation]:
    return list(session.exec(select(Organisation).order_by(Organisation.name)).all())


def organisations_of(session: Session, *, user_id: int) -> list[Organisation]:
    return list(
        session.exec(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user_id)
            .order_by(Organisation.name)
        ).all()
    )
