"""Taking a seat in a live session: one seat per person, however many tabs join at once."""

import contextlib
import threading
import uuid

import pytest
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import LiveParticipant, QuestRun, Role
from game_server.services.common.errors import Conflict, NotFound
from game_server.services.together import live, live_answers, live_play

from ..factories import make_user


@pytest.fixture
def session_code(app):
    coach = make_user(app, Role.COACH)
    catalog = app.extensions["catalog_source"].current()
    with session_scope(app) as session:
        code = live.create(session, catalog, host_id=coach.id, quest_id="at-the-depot").code
        live.claim_host(session, code=code, host_id=coach.id, sid="host")
    return code, coach


def _take(app, code, user_id, nickname="Sam"):
    with session_scope(app) as session:
        return live_play.take_seat(session, code=code, user_id=user_id, nickname=nickname)


def test_tabs_of_one_person_joining_at_once_get_one_seat_and_one_run(
    app, session_code, monkeypatch
):
    code, _coach = session_code
    player = make_user(app, Role.WORKER)
    taken, errors = [], []
    # Both tabs have read "no seat yet" before either writes (on PostgreSQL; SQLite's
    # BEGIN IMMEDIATE makes the second wait for the first, and the barrier gives up).
    both_read = threading.Barrier(2)
    write_seat = live_play._write_seat

    def write_after_the_other_read(*args):
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait(timeout=2)
        write_seat(*args)

    monkeypatch.setattr(live_play, "_write_seat", write_after_the_other_read)

    def join():
        try:
            taken.append(_take(app, code, player.id))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=join) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(taken) == 2
    assert {t.nickname for t in taken} == {"Sam"} and {t.participants for t in taken} == {1}
    with session_scope(app) as session:
        assert len(session.exec(select(LiveParticipant)).all()) == 1
        runs = session.exec(select(QuestRun).where(QuestRun.user_id == player.id)).all()
        assert [(run.mode, run.status) for run in runs] == [("live", "active")]


def test_a_seat_counts_itself_and_coming_back_brings_ones_answers(app, session_code):
    code, coach = session_code
    first, second = make_user(app, Role.WORKER), make_user(app, Role.WORKER)
    assert _take(app, code, first.id).participants == 1
    new = _take(app, code, second.id, nickname=None)
    assert (new.participants, new.nickname, new.answers) == (2, second.display_name, {})
    with session_scope(app) as session:
        for _ in range(2):  # the welcome, then the poll
            live.advance(
                session, code=code, host_id=coach.id, sid="host", client_id=str(uuid.uuid4())
            )
        step = live.current_step(session, live.find(session, code))
        option = step.options[0].id
        live_answers.answer(
            session,
            code=code,
            user_id=first.id,
            step_id=step.id,
            value=[option],
            client_id=str(uuid.uuid4()),
        )
    back = _take(app, code, first.id, nickname="Another name")
    assert (back.participants, back.nickname, back.answers) == (2, "Sam", {step.id: [option]})


def test_an_ended_session_takes_no_new_seat_but_lets_the_seated_back(app, session_code):
    code, coach = session_code
    seated, late = make_user(app, Role.WORKER), make_user(app, Role.WORKER)
    _take(app, code, seated.id)
    with session_scope(app) as session:
        live.end(session, code=code, host_id=coach.id, sid="host", client_id=str(uuid.uuid4()))
    with pytest.raises(Conflict):
        _take(app, code, late.id)
    assert _take(app, code, seated.id).nickname == "Sam"
    with pytest.raises(NotFound):
        _take(app, "NOPE42", late.id)
