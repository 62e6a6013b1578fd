"""The server process is killed (SIGKILL) right after it acknowledged answers: after a fresh
start on the same database every acknowledged answer is there, once, and sending the same
keys again changes nothing."""

import json
import threading
import uuid

import pytest
import requests
import sqlalchemy as sa

from ..conftest import create_postgres_database, drop_postgres_database, need_postgres
from ..realtime.live_clients import coach_token, guest_token, new_id, screen, start_session
from ..servers import start_server

pytestmark = pytest.mark.server

SERVER_ENV = {"GAME_GUEST_LIMIT_PER_IP": "10000 per hour", "GAME_XAPI_DELIVERY": "0"}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'game.db'}"
        return
    need_postgres()
    url = create_postgres_database("lq_fault")
    yield url
    drop_postgres_database(url)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


class HttpPlayer:
    """A guest playing `open-to-all` over the API, remembering every acknowledged answer."""

    def __init__(self, server, nickname: str):
        self.token = guest_token(server, nickname)
        response = requests.post(
            f"{server.url}/api/v1/quests/open-to-all/runs", headers=bearer(self.token), timeout=10
        )
        assert response.status_code == 201, response.text
        self.run_id = response.json()["run_id"]
        self.acked: list[tuple[str, dict, dict]] = []  # (key, body, response)

    def answer(self, url: str, step_id: str, value) -> None:
        key, body = str(uuid.uuid4()), {"step_id": step_id, "value": value}
        response = requests.post(
            f"{url}/api/v1/runs/{self.run_id}/answers",
            json=body,
            headers={**bearer(self.token), "Idempotency-Key": key},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        self.acked.append((key, body, response.json()))

    def play(self, url: str) -> None:
        self.answer(url, "who", ["colleagues"])
        self.answer(url, "note", f"onthouden {self.run_id}")


def keep_answering(server, acked: list, stop: threading.Event) -> None:
    """Answers in flight while the server dies: acknowledged ones are added to `acked`."""
    while not stop.is_set():
        try:
            player = HttpPlayer(server, "Laat")
        except (requests.RequestException, AssertionError):
            return
        acked.append(player)
        try:
            player.play(server.url)
        except (requests.RequestException, AssertionError):
            return  # the server is gone: what was not acknowledged may be lost


def counts(url: str) -> dict:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = {
            table: conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
            for table in ("answers", "idempotency_records", "live_participants")
        }
    engine.dispose()
    return found


def answer_rows(url: str, run_id: int, step_id: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT value FROM answers WHERE run_id = :run AND step_id = :step"),
            {"run": run_id, "step": step_id},
        ).all()
    engine.dispose()
    return rows


def live_answer_rows(url: str, code: str, user_id: int, step_id: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.value FROM answers a JOIN live_participants p ON p.run_id = a.run_id"
                " JOIN live_sessions s ON s.id = p.session_id"
                " WHERE s.code = :code AND p.user_id = :user AND a.step_id = :step"
            ),
            {"code": code, "user": user_id, "step": step_id},
        ).all()
    engine.dispose()
    return rows


def user_id(server_url: str, token: str) -> int:
    response = requests.get(f"{server_url}/api/v1/me", headers=bearer(token), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def test_every_acknowledged_answer_survives_a_sigkill(database, tmp_path):
    server = start_server(database, tmp_path / "before", env=SERVER_ENV)
    late: list = []
    stop = threading.Event()
    try:
        coach = coach_token(server)
        code = start_session(server, coach)
        host = screen(server, coach)
        tokens = [guest_token(server, f"Telefoon {n}") for n in range(3)]
        phones = [screen(server, token) for token in tokens]
        assert host.call("live:host", {"code": code})["ok"]
        for phone in phones:
            assert phone.call("live:join", {"code": code, "client_id": new_id()})["ok"]
        assert host.call("live:next", {"code": code, "client_id": new_id()})["ok"]  # hello
        moved = host.call("live:next", {"code": code, "client_id": new_id()})
        assert moved["state"]["step"]["id"] == "wish", moved
        for phone in phones:
            phone.wait_for("live:step", lambda d: d["index"] == 1)

        players = [HttpPlayer(server, f"Speler {n}") for n in range(4)]
        background = threading.Thread(target=keep_answering, args=(server, late, stop))
        background.start()
        for player in players:
            player.play(server.url)
        socket_acks = []
        for phone in phones:
            client_id = new_id()
            ack = phone.call(
                "live:answer",
                {"code": code, "step_id": "wish", "value": ["people"], "client_id": client_id},
            )
            assert ack["ok"], ack
            socket_acks.append((client_id, ack))

        assert len(server.worker_pids()) == 1  # one gevent worker served all of it
        server.kill_hard()  # right after the last acknowledgement, answers still in flight
        stop.set()
        background.join(timeout=30)
        for client in (host, *phones):
            client.client.disconnect()
    finally:
        stop.set()
        if server.process.poll() is None:
            server.stop()

    again = start_server(database, tmp_path / "after", env=SERVER_ENV, migrate=False)
    try:
        everyone = players + late
        for player in everyone:
            for _key, body, _response in player.acked:
                rows = answer_rows(database, player.run_id, body["step_id"])
                assert len(rows) == 1, (player.run_id, body, rows)
                assert json.loads(rows[0].value) == body["value"]
        for token in tokens:
            rows = live_answer_rows(database, code, user_id(again.url, token), "wish")
            assert [json.loads(r.value) for r in rows] == [["people"]]

        before = counts(database)
        for player in players:  # the phone never heard the ack: it sends the same again
            for key, body, response in player.acked:
                replay = requests.post(
                    f"{again.url}/api/v1/runs/{player.run_id}/answers",
                    json=body,
                    headers={**bearer(player.token), "Idempotency-Key": key},
                    timeout=10,
                )
                assert replay.status_code == 200, replay.text
                assert replay.json() == response
        for token, (client_id, ack) in zip(tokens, socket_acks, strict=True):
            phone = screen(again, token)
            try:
                assert phone.call("live:join", {"code": code, "client_id": new_id()})["ok"]
                replay = phone.call(
                    "live:answer",
                    {"code": code, "step_id": "wish", "value": ["people"], "client_id": client_id},
                )
                assert replay == ack
            finally:
                phone.close()
        assert counts(database) == before
    finally:
        again.stop()
