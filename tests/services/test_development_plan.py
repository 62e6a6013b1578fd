"""My plan: gathered from what the worker played, with their own goal and jobs; shared with
a coach only under the rules for answers, every coach read audited; exported and erased.
Played on the real starter library and the real occupation catalog."""

from pathlib import Path

import pytest
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import (
    AuditEntry,
    CoachLink,
    DevelopmentPlan,
    PlanOccupation,
    PlanOccupationKind,
    Role,
    ShareLevel,
)
from game_server.services.common.errors import Conflict, NotFound
from game_server.services.guidance import coaching, development_plan
from game_server.services.privacy import erasure, export

from ..factories import make_user
from .test_payoff import _play

QUESTS = Path(__file__).resolve().parents[2] / "quests"
CLEANER = "303a1e34-cb16-4054-b323-81e5eec17397"  # schoonmaker gebouwen
WINDOWS = "92cba6b4-8fca-49bb-b68c-45c5096fedc9"  # glazenwasser
DRIVER = "45037d43-a8f5-4f46-b332-b2935bc305f4"  # vrachtwagenchauffeur


@pytest.fixture
def starter_app(app_factory):
    return app_factory(quests_path=QUESTS)


def _catalog(app):
    return app.extensions["catalog_source"].current()


def _view(app, user_id, locale="nl"):
    with session_scope(app) as session:
        return development_plan.view(session, _catalog(app), user_id=user_id, locale=locale)


def _link(app, coach, worker, share=ShareLevel.PROGRESS_AND_ANSWERS) -> int:
    with session_scope(app) as session:
        code = coaching.create_invite(session, coach_id=coach.id).code
        return coaching.accept(session, worker_id=worker.id, code=code, share=share).id


def test_an_empty_plan_has_every_part_empty_and_no_goal(starter_app):
    worker = make_user(starter_app)
    plan = _view(starter_app, worker.id)
    assert plan.goal is None and plan.current_job is None
    assert plan.values == plan.strengths == plan.interests == plan.jobs == plan.actions == []


def test_the_plan_gathers_values_strengths_interests_actions_and_badges_from_play(starter_app):
    worker = make_user(starter_app)
    for quest_id in ("values-cards", "proud-moment", "interest-profile", "one-step-this-month"):
        _play(starter_app, worker.id, quest_id, score=4)
    plan = _view(starter_app, worker.id)
    books = _catalog(starter_app)
    pick = books.quest("values-cards").step("pick")
    assert [line.text for line in plan.values][: len(pick.options[:1])] == [
        pick.options[0].label.nl
    ]
    assert plan.values[0].quest_title == books.quest("values-cards").title.nl
    quality = books.quest("proud-moment").step("quality")
    assert quality.options[0].label.nl in [line.text for line in plan.strengths]
    # The interest profile's two top areas, each with the real jobs that fit it.
    assert len(plan.interests) == 2
    assert all(":" in line.text for line in plan.interests), plan.interests
    assert plan.actions and plan.actions[0].text == "Ik vraag het aan mijn teamleider."
    assert plan.badges, "finishing quests earns the first badge"


def test_a_quest_played_again_replaces_its_lines(starter_app):
    worker = make_user(starter_app)
    _play(starter_app, worker.id, "interest-profile", score=2)
    _play(starter_app, worker.id, "interest-profile", score=4)
    assert len(_view(starter_app, worker.id).interests) == 2


def test_the_worker_writes_a_goal_and_clears_it(starter_app):
    worker = make_user(starter_app)
    with session_scope(starter_app) as session:
        development_plan.set_goal(
            session, user_id=worker.id, goal="  Over een jaar ben ik planner. "
        )
    assert _view(starter_app, worker.id).goal == "Over een jaar ben ik planner."
    with session_scope(starter_app) as session:
        development_plan.set_goal(session, user_id=worker.id, goal="   ")
    assert _view(starter_app, worker.id).goal is None


def test_jobs_on_the_plan_one_current_and_others_looked_at(starter_app):
    worker = make_user(starter_app)
    with session_scope(starter_app) as session:
        development_plan.add_job(
            session, user_id=worker.id, occupation_id=CLEANER, kind=PlanOccupationKind.CURRENT
        )
        development_plan.add_job(session, user_id=worker.id, occupation_id=WINDOWS)
        development_plan.add_job(session, user_id=worker.id, occupation_id=WINDOWS)  # again
    plan = _view(starter_app, worker.id)
    assert plan.current_job.id == CLEANER and plan.current_job.name == "schoonmaker gebouwen"
    assert [job.id for job in plan.jobs] == [WINDOWS]
    with session_scope(starter_app) as session:  # a new job now: the cleaning job is looked at
        development_plan.add_job(
            session, user_id=worker.id, occupation_id=DRIVER, kind=PlanOccupationKind.CURRENT
        )
    plan = _view(starter_app, worker.id)
    assert plan.current_job.id == DRIVER
    assert {job.id for job in plan.jobs} == {CLEANER, WINDOWS}
    with session_scope(starter_app) as session:
        development_plan.remove_job(session, user_id=worker.id, occupation_id=WINDOWS)
    assert [job.id for job in _view(starter_app, worker.id).jobs] == [CLEANER]


SOLAR = "75b63949-1b93-4bf2-a777-ccf978dc3e8a"  # monteur zonnepanelen: first suggestion


def test_a_job_a_quest_picked_can_be_taken_off_stays_off_and_can_come_back(starter_app):
    worker = make_user(starter_app)
    _play(starter_app, worker.id, "my-job-in-five-years")
    picked = _view(starter_app, worker.id).jobs
    assert [(job.id, job.on_plan, job.quest_title) for job in picked] == [
        (SOLAR, False, "Mijn werk over vijf jaar")
    ]
    with session_scope(starter_app) as session:
        development_plan.remove_job(session, user_id=worker.id, occupation_id=SOLAR)
        development_plan.remove_job(session, user_id=worker.id, occupation_id=WINDOWS)  # never on
        rows = session.exec(select(PlanOccupation.occupation_id, PlanOccupation.kind)).all()
    assert rows == [(SOLAR, PlanOccupationKind.HIDDEN)]  # a job no quest picked leaves nothing
    assert _view(starter_app, worker.id).jobs == []
    _play(starter_app, worker.id, "my-job-in-five-years")  # played again: still off
    assert _view(starter_app, worker.id).jobs == []
    with session_scope(starter_app) as session:
        development_plan.add_job(session, user_id=worker.id, occupation_id=SOLAR)
    assert [(job.id, job.on_plan) for job in _view(starter_app, worker.id).jobs] == [(SOLAR, True)]


def test_an_unknown_occupation_or_a_full_plan_is_refused_and_changes_nothing(starter_app):
    worker = make_user(starter_app)
    with session_scope(starter_app) as session, pytest.raises(NotFound):
        development_plan.add_job(session, user_id=worker.id, occupation_id="schoonmaker")
    found = development_plan.occupation_catalog().search("medewerker", limit=40)
    ids = [match.occupation.id for match in found][: development_plan.OCCUPATIONS_MAX + 1]
    assert len(ids) == development_plan.OCCUPATIONS_MAX + 1
    with session_scope(starter_app) as session:
        for occupation_id in ids[:-1]:
            development_plan.add_job(session, user_id=worker.id, occupation_id=occupation_id)
        with pytest.raises(Conflict):
            development_plan.add_job(session, user_id=worker.id, occupation_id=ids[-1])
        count = len(session.exec(select(PlanOccupation)).all())
    assert count == development_plan.OCCUPATIONS_MAX


def _coach_reads(app, coach, worker):
    with session_scope(app) as session:
        return development_plan.for_coach(
            session, _catalog(app), coach_id=coach.id, worker_id=worker.id
        )


def _audited(app, coach, worker) -> int:
    with session_scope(app) as session:
        return len(
            session.exec(
                select(AuditEntry).where(
                    AuditEntry.actor_id == coach.id,
                    AuditEntry.subject_id == worker.id,
                    AuditEntry.item == "plan",
                )
            ).all()
        )


def test_a_coach_reads_a_plan_only_when_shared_with_them_and_every_read_is_audited(starter_app):
    worker, coach = make_user(starter_app), make_user(starter_app, Role.COACH)
    other_coach = make_user(starter_app, Role.COACH)
    with session_scope(starter_app) as session:
        development_plan.set_goal(session, user_id=worker.id, goal="Ik wil planner worden.")
    with pytest.raises(NotFound):  # not linked at all
        _coach_reads(starter_app, coach, worker)
    link_id = _link(starter_app, coach, worker)
    with pytest.raises(NotFound):  # linked, but the plan is not shared
        _coach_reads(starter_app, coach, worker)
    with session_scope(starter_app) as session:
        development_plan.share_with_coach(
            session, worker_id=worker.id, link_id=link_id, shared=True
        )
    assert _coach_reads(starter_app, coach, worker).goal == "Ik wil planner worden."
    assert _coach_reads(starter_app, coach, worker).coaches == []  # not the worker's links
    assert _audited(starter_app, coach, worker) == 2
    with pytest.raises(NotFound):  # another coach, even one linked to nobody
        _coach_reads(starter_app, other_coach, worker)
    with session_scope(starter_app) as session:
        development_plan.share_with_coach(
            session, worker_id=worker.id, link_id=link_id, shared=False
        )
    with pytest.raises(NotFound):
        _coach_reads(starter_app, coach, worker)
    assert _audited(starter_app, coach, worker) == 2  # a refused read is no read


def test_a_link_for_progress_only_shows_no_plan_even_when_marked_shared(starter_app):
    worker, coach = make_user(starter_app), make_user(starter_app, Role.COACH)
    link_id = _link(starter_app, coach, worker, share=ShareLevel.PROGRESS)
    with session_scope(starter_app) as session:
        development_plan.share_with_coach(
            session, worker_id=worker.id, link_id=link_id, shared=True
        )
    with pytest.raises(NotFound):
        _coach_reads(starter_app, coach, worker)
    plan = _view(starter_app, worker.id)
    assert [(c.allows_answers, c.shared) for c in plan.coaches] == [(False, True)]


def test_withdrawing_consent_ends_the_share_and_linking_again_does_not_bring_it_back(
    starter_app,
):
    worker, coach = make_user(starter_app), make_user(starter_app, Role.COACH)
    link_id = _link(starter_app, coach, worker)
    with session_scope(starter_app) as session:
        development_plan.share_with_coach(
            session, worker_id=worker.id, link_id=link_id, shared=True
        )
        coaching.withdraw(session, worker_id=worker.id, link_id=link_id)
    with pytest.raises(NotFound):
        _coach_reads(starter_app, coach, worker)
    _link(starter_app, coach, worker)
    with pytest.raises(NotFound):
        _coach_reads(starter_app, coach, worker)
    with session_scope(starter_app) as session:
        assert session.get(CoachLink, link_id).plan_shared_at is None


def test_nobody_shares_another_workers_plan(starter_app):
    worker, coach = make_user(starter_app), make_user(starter_app, Role.COACH)
    intruder = make_user(starter_app)
    link_id = _link(starter_app, coach, worker)
    with session_scope(starter_app) as session, pytest.raises(NotFound):
        development_plan.share_with_coach(
            session, worker_id=intruder.id, link_id=link_id, shared=True
        )
    with pytest.raises(NotFound):
        _coach_reads(starter_app, coach, worker)


def test_the_plan_is_in_the_export_and_gone_after_erasure(starter_app):
    worker, coach = make_user(starter_app), make_user(starter_app, Role.COACH)
    link_id = _link(starter_app, coach, worker)
    with session_scope(starter_app) as session:
        development_plan.set_goal(session, user_id=worker.id, goal="Ik wil planner worden.")
        development_plan.add_job(session, user_id=worker.id, occupation_id=WINDOWS)
        development_plan.share_with_coach(
            session, worker_id=worker.id, link_id=link_id, shared=True
        )
        exported = export.export(session, _catalog(starter_app), user_id=worker.id)
    assert exported.plan["goal"] == "Ik wil planner worden."
    assert [row["occupation_id"] for row in exported.plan["occupations"]] == [WINDOWS]
    assert exported.plan["shared_with_coach_links"] == [link_id]
    with session_scope(starter_app) as session:
        erasure.erase(session, user_id=worker.id)
    with session_scope(starter_app) as session:
        assert session.exec(select(DevelopmentPlan)).all() == []
        assert session.exec(select(PlanOccupation)).all() == []
