"""Coach links over JSON: the coach's invite, the worker's consent and its withdrawal."""

from datetime import date

from flask_login import current_user
from pydantic import Field

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..models import Role, ShareLevel
from ..services.common import audit
from ..services.common.audit import AuditView
from ..services.guidance import assignments, coaching, feedback
from ..services.guidance.assignments import AssignmentView
from ..services.guidance.coaching import Client, ClientDetail, Invite, LinkView
from ..services.guidance.feedback import FeedbackItem, Thread
from . import api
from .spec import Strict, endpoint

COACH = access.roles(Role.COACH)


class AcceptIn(Strict):
    code: str = Field(min_length=1, max_length=20)
    share: ShareLevel = ShareLevel.PROGRESS


@api.post("/coach/invites")
@access.allow(COACH)
@endpoint(
    summary="Make a code that one worker can use to link with me", response=Invite, status=201
)
def create_coach_invite():
    return coaching.create_invite(get_session(), coach_id=current_user.id)


@api.post("/me/coaches")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Link with a coach, choosing what they may see",
    body=AcceptIn,
    response=LinkView,
    status=201,
)
def accept_coach(body: AcceptIn):
    return coaching.accept(
        get_session(), worker_id=current_user.id, code=body.code, share=body.share
    )


@api.get("/me/coaches")
@access.allow(access.SIGNED_IN)
@endpoint(summary="My coach links, also the ones I withdrew", response=list[LinkView])
def my_coaches():
    return coaching.my_coaches(get_session(), worker_id=current_user.id)


@api.delete("/me/coaches/<int:link_id>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Withdraw my consent: the coach loses access at once", status=204)
def withdraw_coach(link_id: int):
    coaching.withdraw(get_session(), worker_id=current_user.id, link_id=link_id)


@api.get("/coach/clients")
@access.allow(COACH)
@endpoint(summary="The workers linked with me", response=list[Client])
def coach_clients():
    return coaching.clients(get_session(), catalog(), coach_id=current_user.id)


@api.get("/coach/clients/<int:worker_id>")
@access.allow(COACH)
@endpoint(summary="One linked worker's progress (404 when not linked)", response=ClientDetail)
def coach_client(worker_id: int):
    return coaching.client(
        get_session(), catalog(), coach_id=current_user.id, worker_id=worker_id, locale=locale()
    )


@api.put("/me/coaches/<int:link_id>/answers/<int:answer_id>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Share one of my answers with this coach", status=204)
def share_answer_with_coach(link_id: int, answer_id: int):
    coaching.share_answer(
        get_session(), worker_id=current_user.id, link_id=link_id, answer_id=answer_id
    )


@api.delete("/me/coaches/<int:link_id>/answers/<int:answer_id>")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Stop sharing one of my answers with this coach", status=204)
def unshare_answer_with_coach(link_id: int, answer_id: int):
    coaching.unshare_answer(
        get_session(), worker_id=current_user.id, link_id=link_id, answer_id=answer_id
    )


@api.get("/me/audit")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Who read my answers, what and when (newest first)", response=list[AuditView])
def my_audit():
    return audit.about(get_session(), subject_id=current_user.id)


class AssignIn(Strict):
    quest_id: str | None = Field(default=None, max_length=60)
    track_id: str | None = Field(default=None, max_length=60)
    worker_ids: list[int] | None = Field(default=None, max_length=500)
    group_id: int | None = None
    due: date | None = None
    message: str | None = Field(default=None, max_length=500)


@api.post("/coach/assignments")
@access.allow(COACH)
@endpoint(
    summary="Assign a quest or a track to linked workers, or to my group's linked members",
    body=AssignIn,
    response=list[AssignmentView],
    status=201,
)
def create_assignments(body: AssignIn):
    made = assignments.assign(
        get_session(),
        catalog(),
        coach_id=current_user.id,
        locale=locale(),
        **body.model_dump(),
    )
    return made


@api.get("/coach/assignments")
@access.allow(COACH)
@endpoint(summary="What I assigned, with each one's status", response=list[AssignmentView])
def coach_assignments():
    return assignments.by_coach(get_session(), catalog(), coach_id=current_user.id, locale=locale())


@api.get("/me/assignments")
@access.allow(access.SIGNED_IN)
@endpoint(summary="What my coaches asked me to play", response=list[AssignmentView])
def my_assignments():
    return assignments.for_worker(
        get_session(), catalog(), worker_id=current_user.id, locale=locale()
    )


class FeedbackIn(Strict):
    text: str = Field(min_length=1, max_length=2000)


@api.post("/coach/clients/<int:worker_id>/answers/<int:answer_id>/feedback")
@access.allow(COACH)
@endpoint(
    summary="Give feedback on an answer the worker shared with me",
    body=FeedbackIn,
    response=FeedbackItem,
    status=201,
)
def give_feedback(worker_id: int, answer_id: int, body: FeedbackIn):
    item = feedback.give(
        get_session(),
        coach_id=current_user.id,
        worker_id=worker_id,
        answer_id=answer_id,
        text=body.text,
    )
    return item


@api.get("/me/feedback")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Feedback on my answers, with my replies", response=list[Thread])
def my_feedback():
    return feedback.my_threads(get_session(), worker_id=current_user.id)


@api.post("/me/answers/<int:answer_id>/feedback")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Reply to the feedback on my answer", body=FeedbackIn, response=FeedbackItem, status=201
)
def reply_to_feedback(answer_id: int, body: FeedbackIn):
    return feedback.reply(
        get_session(), worker_id=current_user.id, answer_id=answer_id, text=body.text
    )
