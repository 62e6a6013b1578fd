"""Alone, a quiz question says right away whether the answer was right, and why."""

import re
import shutil
from pathlib import Path

from ..factories import csrf_token, login, make_user

LIBRARY = Path(__file__).resolve().parents[1] / "content" / "library"
QUIZ = """\
kind: quest
schema_version: 1
id: money-quiz
title: {nl: De geldquiz, en: The money quiz}
summary: {nl: Twee vragen., en: Two questions.}
competencies: {exploring: 10}
minutes: 5
modes: [solo]
steps:
  - id: first
    type: quiz
    prompt: {nl: Wie betaalt mee?, en: Who helps pay?}
    options:
      - {id: fund, label: {nl: Het sectorfonds, en: The sector fund}, correct: true}
      - {id: nobody, label: {nl: Niemand, en: Nobody}}
    explain: {nl: Vraag het je werkgever., en: Ask your employer.}
  - id: second
    type: quiz
    prompt: {nl: Hoeveel kost het?, en: What does it cost?}
    options:
      - {id: free, label: {nl: Vaak niets, en: Often nothing}, correct: true}
      - {id: lots, label: {nl: Heel veel, en: A lot}}
"""
STEP = re.compile(r'name="step_id" value="([\w-]+)"')


def _answer(client, run_path, option):
    page = client.get(run_path).get_data(as_text=True)
    step_id = STEP.search(page).group(1)
    client.post(
        run_path + "/answer",
        data={"step_id": step_id, "option": option, "csrf_token": csrf_token(client, run_path)},
    )
    return client.get(run_path).get_data(as_text=True)


def test_a_quiz_answer_gets_right_or_the_right_answer_with_why(app_factory, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    (library / "money-quiz.yaml").write_text(QUIZ, encoding="utf-8")
    app = app_factory(quests_path=library)
    worker = make_user(app)
    client = app.test_client()
    login(client, worker)
    started = client.post(
        "/quests/money-quiz/start", data={"csrf_token": csrf_token(client, "/quests/money-quiz")}
    )
    run_path = started.headers["Location"]
    wrong = _answer(client, run_path, "nobody")
    assert "Net niet. Het goede antwoord is: Het sectorfonds. Vraag het je werkgever." in wrong
    right = _answer(client, run_path, "free")
    assert "Goed zo!" in right and "Net niet" not in right
