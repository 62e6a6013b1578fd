"""Answering in a live session, at the service: durable, idempotent, private unless shared."""

import threading
import uuid

import pytest
import sqlalchemy as sa
from flask import g
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from game_server.db import get_session, open_statement_session, session_scope
from game_server.models import Answer, AnswerShare, IdempotencyRecord, QuestRun, Role, XpAward
from game_server.realtime import live as live_rooms
from game_server.services.common.errors import Conflict, InvalidInput, NotFound
from game_server.services.play.idempotency import IdempotencyMismatch
from game_server.services.together import live, live_answers, live_play

from ..factories import make_user


@pytest.fixture
def room(app):
    """A running session at its reflection step, with two seated players."""
    coach = make_user(app, Role.COACH)
    players = [make_user(app, Role.WORKER) for _ in range(2)]
    catalog = app.extensions["catalog_source"].current()
    with session_scope(app) as session:
        code = live.create(session, catalog, host_id=coach.id, quest_id="at-the-depot").code
        for player in players:
            live_play.join(session, code=code, user_id=player.id, nickname="Sam")
        live.claim_host(session, code=code, host_id=coach.id, sid="host")
        for _ in range(3):  # welcome, the poll, the reflection
            live.advance(
                session, code=code, host_id=coach.id, sid="host", client_id=str(uuid.uuid4())
            )
    return code, players


def _answer_in(session, code, player, value, share, client_id):
    return live_answers.answer(
        session,
        code=code,
        user_id=player.id,
        step_id="why",
        value=value,
        client_id=client_id or str(uuid.uuid4()),
        share=share,
    )


def _answer(app, code, player, value="rijden is mijn vak", share=False, client_id=None):
    with session_scope(app) as session:
        return _answer_in(session, code, player, value, share, client_id)


def _answer_as_the_socket_does(app, code, player, client_id, value="rijden is mijn vak"):
    """Through the live:answer event's session: each statement commits by itself on
    PostgreSQL, so the answer's writes must be the one statement they are."""
    with app.app_context():
        try:
            return _answer_in(open_statement_session(), code, player, value, False, client_id)
        finally:
            g.pop("db_session").close()


def _rows(app, model):
    with session_scope(app) as session:
        return session.exec(select(model)).all()


def test_changing_an_answer_keeps_one_row_and_unsharing_takes_it_off_the_screen(app, room):
    code, (player, _other) = room
    _answer(app, code, player, share=True)
    assert len(_rows(app, AnswerShare)) == 1
    ack = _answer(app, code, player, value="toch liever plannen", share=False)
    assert ack["shared"] is False
    answers = _rows(app, Answer)
    assert [a.value for a in answers] == ['"toch liever plannen"'] and answers[0].private
    assert _rows(app, AnswerShare) == []


def test_the_same_client_id_replays_and_another_message_under_it_is_refused(app, room):
    code, (player, _other) = room
    key = str(uuid.uuid4())
    first = _answer(app, code, player, client_id=key)
    assert _answer(app, code, player, client_id=key) == first
    with pytest.raises(IdempotencyMismatch):
        _answer(app, code, player, value="iets anders", client_id=key)


@pytest.mark.parametrize("sent", ["in a transaction", "statement by statement"])
def test_concurrent_retries_of_one_answer_store_it_once(app, room, sent):
    code, (player, _other) = room
    key = str(uuid.uuid4())
    acks, errors = [], []
    send_one = _answer if sent == "in a transaction" else _answer_as_the_socket_does

    def send():
        try:
            acks.append(send_one(app, code, player, client_id=key))
        except Exception as error:  # noqa: BLE001 - the test reports any failure below
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(acks) == 6 and all(a == acks[0] for a in acks)
    assert len(_rows(app, Answer)) == 1
    assert len([r for r in _rows(app, IdempotencyRecord) if r.key.endswith(key)]) == 1


def test_a_statement_session_leaves_nothing_behind_and_pooled_connections_transactional(app, room):
    code, (player, _other) = room
    with pytest.raises(InvalidInput):
        _answer_as_the_socket_does(app, code, player, str(uuid.uuid4()), value="")
    assert _rows(app, Answer) == []
    assert [r for r in _rows(app, IdempotencyRecord) if r.user_id == player.id] == []
    _answer_as_the_socket_does(app, code, player, str(uuid.uuid4()))
    assert len(_rows(app, Answer)) == 1
    with app.app_context():  # the usual session after it: a rollback still undoes its work
        session = get_session()
        session.connection().execute(sa.delete(Answer))
        session.rollback()
        g.pop("db_session").close()
    assert len(_rows(app, Answer)) == 1


def test_only_the_open_step_of_a_seated_player_can_be_answered(app, room):
    code, (player, _other) = room
    stranger = make_user(app, Role.WORKER)
    with pytest.raises(NotFound):
        _answer(app, code, stranger)
    with session_scope(app) as session, pytest.raises(Conflict):
        live_answers.answer(
            session,
            code=code,
            user_id=player.id,
            step_id="wish",
            value=["driving"],
            client_id=str(uuid.uuid4()),
        )


def test_ending_completes_the_runs_a_batch_at_a_time_and_goes_on_after_a_stop(
    app, room, monkeypatch
):
    # The batches are called here, one by one, instead of by the background task.
    monkeypatch.setattr(live_rooms, "complete_runs_soon", lambda session_id: None)
    code, players = room
    extra = [make_user(app, Role.WORKER) for _ in range(3)]
    with session_scope(app) as session:
        for player in extra:
            live_play.join(session, code=code, user_id=player.id, nickname="Kim")
    for player in (*players, *extra[:2]):  # the last extra player only watched
        _answer(app, code, player)
    catalog = app.extensions["catalog_source"].current()
    with session_scope(app) as session:
        row = live.find(session, code)
        live.end(session, code=code, host_id=row.host_id, sid="host", client_id="end")
        first = live.complete_runs(session, catalog, session_id=row.id, batch=2)
    # The process stops here; the host's next `live:end` goes on where it stopped.
    with session_scope(app) as session:
        rest = 0
        while batch := live.complete_runs(session, catalog, session_id=row.id, batch=2):
            rest += batch
        runs = session.exec(select(QuestRun).where(QuestRun.mode == "live")).all()
        xp = session.exec(select(XpAward)).all()
    assert first == 2
    assert first + rest == 5  # four who answered and one who only watched
    done = [r for r in runs if r.status == "completed"]
    assert sorted(r.user_id for r in done) == sorted(p.id for p in (*players, *extra[:2]))
    assert sorted((a.run_id, a.competency, a.xp) for a in xp) == sorted(
        (r.id, "exploring", 10) for r in done
    )
    assert sorted(r.status for r in runs) == ["abandoned"] + ["completed"] * 4


def test_a_phone_may_send_its_form_and_the_step_type_reads_the_answer(app, room):
    code, (player, _other) = room
    with session_scope(app) as session:
        ack = live_answers.answer(
            session,
            code=code,
            user_id=player.id,
            step_id="why",
            form=MultiDict({"text": ["  rijden is mijn vak "]}),
            client_id=str(uuid.uuid4()),
        )
    assert ack["value"] == "rijden is mijn vak"  # read by the reflection type, then checked
    with session_scope(app) as session, pytest.raises(InvalidInput):
        live_answers.answer(
            session,
            code=code,
            user_id=player.id,
            step_id="why",
            form=MultiDict({"text": [""]}),
            client_id=str(uuid.uuid4()),
        )


def test_a_phones_form_is_bounded_before_any_step_reads_it():
    from pydantic import ValidationError

    from game_server.realtime.live import AnswerIn

    message = {"code": "ABCD23", "step_id": "why", "client_id": str(uuid.uuid4())}
    AnswerIn.model_validate({**message, "form": {"option": ["a"] * 40}})
    for form in ({"option": ["a"] * 41}, {f"f{i}": ["a"] for i in range(61)}, {"t": ["x" * 5001]}):
        with pytest.raises(ValidationError):
            AnswerIn.model_validate({**message, "form": form})
