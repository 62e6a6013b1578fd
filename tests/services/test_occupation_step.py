"""The occupation step in play: suggestions from the tasks a worker chose, a job picked by
id or typed by name, its result linking to the job, the plan it fills; and the validator's
words for an unknown occupation id. Played on the real starter library and catalog."""

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from game_server.content.loader import ContentProblems, load_library
from game_server.content.step_base import AnswerRejected
from game_server.db import session_scope
from game_server.services.common.errors import InvalidInput
from game_server.services.guidance import development_plan
from game_server.services.play import payoff, runs

from ..factories import make_user

QUESTS = Path(__file__).resolve().parents[2] / "quests"
CLEANER = "303a1e34-cb16-4054-b323-81e5eec17397"  # schoonmaker gebouwen
WINDOWS = "92cba6b4-8fca-49bb-b68c-45c5096fedc9"  # glazenwasser


@pytest.fixture
def starter_app(app_factory):
    return app_factory(quests_path=QUESTS)


def _until_jobs(app, user_id, tasks):
    with session_scope(app) as session:
        catalog = app.extensions["catalog_source"].current()
        view, _ = runs.start_or_resume(
            session, catalog, user_id=user_id, quest_id="three-jobs-nearby"
        )
        while view.step.id != "jobs":
            value = tasks if view.step.id == "tasks" else None
            view = runs.answer_step(
                session,
                catalog,
                user_id=user_id,
                run_id=view.run_id,
                step_id=view.step.id,
                value=value,
            )
        return view


def test_a_cleaner_gets_real_cleaning_jobs_suggested_and_the_rest_of_play_uses_them(starter_app):
    worker = make_user(starter_app)
    view = _until_jobs(starter_app, worker.id, ["cleaning", "checking", "safety"])
    suggested = [option.id for option in view.step.options]
    assert suggested[:2] == [CLEANER, "cb932c74-c13b-47e9-9a85-318bd8eb2f96"]
    assert WINDOWS in suggested
    assert "kwaliteitscontroleur" in [option.label for option in view.step.options]
    with session_scope(starter_app) as session:
        catalog = starter_app.extensions["catalog_source"].current()
        with pytest.raises(InvalidInput):  # a name is not an id
            runs.answer_step(
                session,
                catalog,
                user_id=worker.id,
                run_id=view.run_id,
                step_id="jobs",
                value=["schoonmaker"],
            )
        view = runs.answer_step(
            session,
            catalog,
            user_id=worker.id,
            run_id=view.run_id,
            step_id="jobs",
            value=[WINDOWS, CLEANER],
        )
        while view.step is not None:
            value = (
                {"text": "Ik bel een glazenwasser.", "due": None}
                if view.step.type == "action"
                else "Ik werk precies en zelfstandig."
            )
            if view.step.type == "action":
                from datetime import date, timedelta

                value["due"] = (date.today() + timedelta(days=7)).isoformat()
            view = runs.answer_step(
                session,
                catalog,
                user_id=worker.id,
                run_id=view.run_id,
                step_id=view.step.id,
                value=value,
            )
        shown = payoff.payoff(session, catalog, run_id=view.run_id, user_id=worker.id, locale="nl")
        plan = development_plan.view(session, catalog, user_id=worker.id)
    picked = next(r for r in shown.results if any(row.occupation for row in r.rows))
    assert [row.occupation.id for row in picked.rows] == [WINDOWS, CLEANER]
    assert [(job.id, job.on_plan) for job in plan.jobs] == [(WINDOWS, False), (CLEANER, False)]


def test_a_job_typed_by_name_with_a_typo_is_found_and_nonsense_is_explained(starter_app):
    step = (
        starter_app.extensions["catalog_source"].current().quest("three-jobs-nearby").step("jobs")
    )
    found = step.answer_from_form(MultiDict({"occupation_query": "glazenwaser"}))
    assert step.check_answer(found) == [WINDOWS]
    nothing = step.answer_from_form(MultiDict({"occupation_query": "qqqqxxxzzz"}))
    with pytest.raises(AnswerRejected) as refused:
        step.check_answer(nothing)
    assert refused.value.template.startswith("We could not find the job")
    # Ticked and typed both count; words matching nothing beside a ticked job are dropped.
    both = step.answer_from_form(
        MultiDict([("occupation", CLEANER), ("occupation_query", "qqqqxxxzzz")])
    )
    assert step.check_answer(both) == [CLEANER]


def test_the_projector_shows_the_jobs_the_room_picked(starter_app):
    step = (
        starter_app.extensions["catalog_source"].current().quest("three-jobs-nearby").step("jobs")
    )
    totals = step.projector_results([[CLEANER], [CLEANER, WINDOWS]], [])
    assert totals["phrases"] == ["schoonmaker gebouwen", "schoonmaker gebouwen", "glazenwasser"]


def test_an_unknown_occupation_id_is_reported_with_file_line_and_the_id_meant(tmp_path):
    folder = tmp_path / "quests"
    folder.mkdir()
    (folder / "jobs.yaml").write_text(
        """kind: quest
schema_version: 1
id: jobs
title: {nl: "Banen", en: "Jobs"}
summary: {nl: "Kies een baan.", en: "Pick a job."}
competencies: {exploring: 10}
minutes: 5
modes: [solo]
steps:
  - id: pick
    type: occupation
    prompt: {nl: "Welke baan?", en: "Which job?"}
    suggest:
      - glazenwasser
""",
        encoding="utf-8",
    )
    with pytest.raises(ContentProblems) as found:
        load_library(folder)
    (problem,) = found.value.problems
    assert problem.file.endswith("jobs.yaml") and problem.line == 14
    assert "unknown occupation `glazenwasser`" in problem.message
    assert WINDOWS in problem.message  # the id they meant
    assert "flask occupations search" in problem.message
