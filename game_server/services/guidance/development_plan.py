"""The worker's development plan (persoonlijk ontwikkelingsplan, "Mijn plan"): one page they
own, gathered from what they did, with their own goal and the occupations they look at.

Most of it is not stored twice: values, strengths, interests and courses come from the latest
answers of steps that say where they go in the plan (`plan:` in the quest file), occupations
from occupation steps and from what the worker put on the plan, actions with their
check-ins, offers signed up for and badges from their own tables. The plan is the worker's:
a coach sees it only when the worker shares it with them, under the same rules as answers
(the link must allow answers), and every read by a coach is written to the audit log.
"""

import json
from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...content.step_base import PlanSection
from ...content.steps.occupation import OccupationStep
from ...models import (
    Answer,
    CoachLink,
    DevelopmentPlan,
    Offer,
    OfferSignup,
    PlanOccupation,
    PlanOccupationKind,
    QuestRun,
    ShareLevel,
    User,
    utcnow,
)
from ..common import audit
from ..common.errors import N_, Conflict, InvalidInput, NotFound
from ..explore.occupations import catalog as occupation_catalog
from ..play import checkins
from ..progress import badges
from . import coaching

GOAL_MAX = 500
NOTE_MAX = 300
# A plan is a short list to act on, not a bookmark folder.
OCCUPATIONS_MAX = 20


class PlanLine(BaseModel):
    text: str
    quest_title: str | None = None  # where it came from


class PlanJob(BaseModel):
    id: str
    name: str
    kind: PlanOccupationKind
    note: str | None = None
    # Put on the plan by the worker (they may take it off), or picked in a quest.
    on_plan: bool
    quest_title: str | None = None


class PlanAction(BaseModel):
    answer_id: int
    text: str
    due: date
    quest_title: str
    # The latest check-in's outcome ("done", "partly", "not_yet"), if any.
    outcome: str | None = None


class PlanOffer(BaseModel):
    offer_id: int
    title: str
    kind: str
    signed_up_at: datetime


class PlanBadge(BaseModel):
    badge_id: str
    title: str
    awarded_at: datetime


class PlanCoach(BaseModel):
    link_id: int
    name: str
    # May see it at all: the worker allowed answers on this link.
    allows_answers: bool
    shared: bool


class DevelopmentPlanView(BaseModel):
    owner: str
    goal: str | None
    updated_at: datetime | None
    values: list[PlanLine]
    strengths: list[PlanLine]
    interests: list[PlanLine]
    current_job: PlanJob | None
    jobs: list[PlanJob]
    actions: list[PlanAction]
    courses: list[PlanLine]
    offers: list[PlanOffer]
    badges: list[PlanBadge]
    # The worker's coaches and whether each sees the plan (empty in a coach's view).
    coaches: list[PlanCoach]


def view(
    session: Session, catalog: Catalog, *, user_id: int, locale: str = "nl", for_coach=False
) -> DevelopmentPlanView:
    """The whole plan as its owner sees it (or, with `for_coach`, without their coach list)."""
    user = session.get(User, user_id)
    plan = _plan(session, user_id)
    sections: dict[str, list[PlanLine]] = {section.value: [] for section in PlanSection}
    picked: dict[str, PlanJob] = {}
    current_from_quest: PlanJob | None = None
    actions: list[PlanAction] = []
    for answer, quest_id in _latest_answers(session, user_id):
        quest = catalog.quest(quest_id)
        step = quest.step(answer.step_id) if quest else None
        if step is None:
            continue
        value = json.loads(answer.value)
        title = quest.title.get(locale)
        if step.plan is not None:
            sections[step.plan.value] += [
                PlanLine(text=line, quest_title=title) for line in step.plan_lines(value, locale)
            ]
        if isinstance(step, OccupationStep):
            for occupation_id in value or []:
                job = _job(occupation_id, on_plan=False, quest_title=title)
                if job is None:
                    continue
                if step.role == "current":
                    current_from_quest = current_from_quest or job.model_copy(
                        update={"kind": PlanOccupationKind.CURRENT}
                    )
                else:
                    picked.setdefault(job.id, job)
        if answer.step_type == "action":
            actions.append(_action(session, catalog, user_id, answer, title, locale))
    rows = _plan_occupations(session, user_id)
    hidden = {row.occupation_id for row in rows if row.kind == PlanOccupationKind.HIDDEN}
    own = [
        job
        for row in rows
        if row.kind != PlanOccupationKind.HIDDEN
        and (job := _job(row.occupation_id, on_plan=True, kind=row.kind, note=row.note))
    ]
    if current_from_quest is not None and current_from_quest.id in hidden:
        current_from_quest = None
    current = next((job for job in own if job.kind == PlanOccupationKind.CURRENT), None)
    current = current or current_from_quest
    jobs = [job for job in own if job.kind == PlanOccupationKind.LOOKING]
    jobs += [
        job
        for job in picked.values()
        if job.id not in {j.id for j in own} | hidden and (current is None or job.id != current.id)
    ]
    return DevelopmentPlanView(
        owner=user.display_name,
        goal=plan.goal if plan else None,
        updated_at=plan.updated_at if plan else None,
        values=_unique(sections[PlanSection.VALUES]),
        strengths=_unique(sections[PlanSection.STRENGTHS]),
        interests=_unique(sections[PlanSection.INTERESTS]),
        current_job=current,
        jobs=jobs,
        actions=sorted(actions, key=lambda a: a.due),
        courses=_unique(sections[PlanSection.COURSES]),
        offers=_offers(session, user_id, locale),
        badges=_badges(session, catalog, user_id, locale),
        coaches=[] if for_coach else _coaches(session, user_id),
    )


def set_goal(session: Session, *, user_id: int, goal: str | None) -> None:
    """The worker's goal in their own words (blank clears it); committed before returning."""
    goal = (goal or "").strip() or None
    if goal is not None and len(goal) > GOAL_MAX:
        raise InvalidInput(N_("Write at most %(max)d characters."), field="goal", max=GOAL_MAX)
    plan = _plan(session, user_id) or DevelopmentPlan(user_id=user_id)
    plan.goal, plan.updated_at = goal, utcnow()
    session.add(plan)
    session.commit()


def add_job(
    session: Session,
    *,
    user_id: int,
    occupation_id: str,
    kind: PlanOccupationKind = PlanOccupationKind.LOOKING,
    note: str | None = None,
) -> None:
    """Put an occupation on the plan (again: its kind and note change). One is the current
    job: choosing another as current makes the earlier one a job looked at."""
    if occupation_id not in occupation_catalog():
        raise NotFound(N_("No such occupation."), field="occupation_id")
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise InvalidInput(N_("Write at most %(max)d characters."), field="note", max=NOTE_MAX)
    rows = {row.occupation_id: row for row in _plan_occupations(session, user_id)}
    row = rows.get(occupation_id)
    shown = [r for r in rows.values() if r.kind != PlanOccupationKind.HIDDEN]
    if row is None or row.kind == PlanOccupationKind.HIDDEN:
        if len(shown) >= OCCUPATIONS_MAX:
            raise Conflict(
                N_("Your plan holds %(max)d jobs at most. Take one off first."),
                max=OCCUPATIONS_MAX,
            )
        row = row or PlanOccupation(user_id=user_id, occupation_id=occupation_id)
    if kind == PlanOccupationKind.CURRENT:
        for other in rows.values():
            if other.kind == PlanOccupationKind.CURRENT and other.occupation_id != occupation_id:
                other.kind = PlanOccupationKind.LOOKING
                session.add(other)
    row.kind = kind
    if note is not None:
        row.note = note
    session.add(row)
    _touch(session, user_id)
    session.commit()


def remove_job(session: Session, *, user_id: int, occupation_id: str) -> None:
    """Take a job off the plan, whether the worker put it there or a quest did. A quest's
    pick stays off through a hidden row; a job no quest picked leaves no trace."""
    rows = [r for r in _plan_occupations(session, user_id) if r.occupation_id == occupation_id]
    picked = occupation_id in _picked_in_quests(session, user_id)
    for row in rows:
        if picked:
            row.kind, row.note = PlanOccupationKind.HIDDEN, None
            session.add(row)
        else:
            session.delete(row)
    if picked and not rows:
        session.add(
            PlanOccupation(
                user_id=user_id, occupation_id=occupation_id, kind=PlanOccupationKind.HIDDEN
            )
        )
    _touch(session, user_id)
    session.commit()


def share_with_coach(session: Session, *, worker_id: int, link_id: int, shared: bool) -> None:
    """Show (or stop showing) my plan to one linked coach."""
    link = session.get(CoachLink, link_id)
    if link is None or link.worker_id != worker_id or link.withdrawn_at is not None:
        raise NotFound(N_("No such coach link."))
    link.plan_shared_at = utcnow() if shared else None
    session.add(link)
    session.commit()


def for_coach(
    session: Session, catalog: Catalog, *, coach_id: int, worker_id: int, locale: str = "nl"
) -> DevelopmentPlanView:
    """A linked worker's plan, when they shared it with this coach and allow answers;
    "not found" otherwise. The read is in the audit log before this returns."""
    link = coaching.active_link(session, coach_id=coach_id, worker_id=worker_id)
    if link.share != ShareLevel.PROGRESS_AND_ANSWERS or link.plan_shared_at is None:
        raise NotFound(N_("This worker has not shared their plan with you."))
    plan = view(session, catalog, user_id=worker_id, locale=locale, for_coach=True)
    audit.record_reads(
        session, actor_id=coach_id, subject_id=worker_id, items=["plan"], reason="coach:plan"
    )
    session.commit()
    return plan


def shared_with(session: Session, *, coach_id: int, worker_id: int) -> bool:
    """May this coach open the worker's plan now (for a link on the coach's page)?"""
    try:
        link = coaching.active_link(session, coach_id=coach_id, worker_id=worker_id)
    except NotFound:
        return False
    return link.share == ShareLevel.PROGRESS_AND_ANSWERS and link.plan_shared_at is not None


def export_rows(session: Session, *, user_id: int) -> dict:
    """What is stored of the plan itself, for the worker's data export."""
    plan = _plan(session, user_id)
    return {
        "goal": plan.goal if plan else None,
        "updated_at": plan.updated_at.isoformat() if plan else None,
        "occupations": [
            {
                "occupation_id": row.occupation_id,
                "kind": row.kind,
                "note": row.note,
                "added_at": row.added_at.isoformat(),
            }
            for row in _plan_occupations(session, user_id)
        ],
        "shared_with_coach_links": [
            link.id
            for link in session.exec(
                select(CoachLink).where(
                    CoachLink.worker_id == user_id, CoachLink.plan_shared_at.is_not(None)
                )
            )
        ],
    }


# -- gathering ----------------------------------------------------------------------------


def _plan(session: Session, user_id: int) -> DevelopmentPlan | None:
    return session.exec(select(DevelopmentPlan).where(DevelopmentPlan.user_id == user_id)).first()


def _touch(session: Session, user_id: int) -> None:
    plan = _plan(session, user_id) or DevelopmentPlan(user_id=user_id)
    plan.updated_at = utcnow()
    session.add(plan)


def _plan_occupations(session: Session, user_id: int) -> list[PlanOccupation]:
    return list(
        session.exec(
            select(PlanOccupation)
            .where(PlanOccupation.user_id == user_id)
            .order_by(PlanOccupation.added_at, PlanOccupation.id)
        ).all()
    )


def _latest_answers(session: Session, user_id: int) -> list[tuple[Answer, str]]:
    """The newest answer to each step of each quest (a quest played again replaces it)."""
    rows = session.exec(
        select(Answer, QuestRun.quest_id)
        .join(QuestRun, QuestRun.id == Answer.run_id)
        .where(Answer.user_id == user_id)
        .order_by(Answer.updated_at.desc(), Answer.id.desc())
    ).all()
    seen: set[tuple[str, str]] = set()
    latest = []
    for answer, quest_id in rows:
        if (quest_id, answer.step_id) not in seen:
            seen.add((quest_id, answer.step_id))
            latest.append((answer, quest_id))
    return latest


def _picked_in_quests(session: Session, user_id: int) -> set[str]:
    """Every occupation the worker's latest answers to occupation steps name."""
    return {
        occupation_id
        for answer, _quest_id in _latest_answers(session, user_id)
        if answer.step_type == "occupation"
        for occupation_id in json.loads(answer.value) or []
    }


def _job(occupation_id: str, *, on_plan: bool, kind=PlanOccupationKind.LOOKING, **more):
    occupation = occupation_catalog().get(occupation_id)
    if occupation is None:  # gone from a newer catalog: nothing to show or link to
        return None
    return PlanJob(
        id=occupation.id,
        name=occupation.name,
        kind=PlanOccupationKind(kind),
        on_plan=on_plan,
        **more,
    )


def _action(
    session: Session, catalog: Catalog, user_id: int, answer: Answer, title: str, locale: str
) -> PlanAction:
    plan = checkins.plan(session, catalog, user_id=user_id, answer_id=answer.id, locale=locale)
    return PlanAction(
        answer_id=answer.id,
        text=plan.text,
        due=plan.due,
        quest_title=title,
        outcome=plan.rounds[-1].outcome.value if plan.rounds else None,
    )


def _unique(lines: list[PlanLine]) -> list[PlanLine]:
    seen: set[str] = set()
    kept = []
    for line in lines:
        if line.text.casefold() not in seen:
            seen.add(line.text.casefold())
            kept.append(line)
    return kept


def _offers(session: Session, user_id: int, locale: str) -> list[PlanOffer]:
    rows = session.exec(
        select(OfferSignup, Offer)
        .join(Offer, Offer.id == OfferSignup.offer_id)
        .where(OfferSignup.user_id == user_id)
        .order_by(OfferSignup.created_at)
    ).all()
    return [
        PlanOffer(
            offer_id=offer.id,
            title=offer.title_en if locale == "en" else offer.title_nl,
            kind=offer.kind,
            signed_up_at=signup.created_at,
        )
        for signup, offer in rows
    ]


def _badges(session: Session, catalog: Catalog, user_id: int, locale: str) -> list[PlanBadge]:
    found = []
    for award in badges.awards_of(session, user_id=user_id):
        if award.revoked_at is not None:
            continue
        badge = catalog.library.badges.get(award.badge_id)
        found.append(
            PlanBadge(
                badge_id=award.badge_id,
                title=badge.title.get(locale) if badge else award.badge_id,
                awarded_at=award.awarded_at,
            )
        )
    return found


def _coaches(session: Session, user_id: int) -> list[PlanCoach]:
    rows = session.exec(
        select(CoachLink, User)
        .join(User, User.id == CoachLink.coach_id)
        .where(CoachLink.worker_id == user_id, CoachLink.withdrawn_at.is_(None))
        .order_by(CoachLink.created_at)
    ).all()
    return [
        PlanCoach(
            link_id=link.id,
            name=coach.display_name,
            allows_answers=link.share == ShareLevel.PROGRESS_AND_ANSWERS,
            shared=link.plan_shared_at is not None,
        )
        for link, coach in rows
    ]
