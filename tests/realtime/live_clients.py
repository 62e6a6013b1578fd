"""Clients for live-session tests: a host and participants on a real server, over websocket."""

import threading
import time
import uuid
from dataclasses import dataclass, field

import requests
import socketio

from game_server.testing.two_factor_client import api_token

COACH_PASSWORD = "koffie in de kantine om zeven"


def new_id() -> str:
    return str(uuid.uuid4())


def coach_token(server, email: str | None = None) -> str:
    email = email or f"coach-{uuid.uuid4().hex[:8]}@example.nl"
    server.flask("users", "create", email, "--role", "coach", input=f"{COACH_PASSWORD}\n" * 2)
    return api_token(server.url, email, COACH_PASSWORD)


def guest_token(server, nickname: str = "Sam") -> str:
    response = requests.post(
        f"{server.url}/api/v1/auth/guest", json={"nickname": nickname}, timeout=5
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]


def start_session(server, token: str, quest_id: str = "at-the-depot") -> str:
    response = requests.post(
        f"{server.url}/api/v1/live",
        json={"quest_id": quest_id},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    return response.json()["code"]


@dataclass
class Screen:
    """One socket that records every server event it receives."""

    client: socketio.Client
    events: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, event: str, data: dict, timeout: float = 10) -> dict:
        return self.client.call(event, data, timeout=timeout)

    def received(self, name: str) -> list:
        with self.lock:
            return [data for event, data in self.events if event == name]

    def wait_for(self, name: str, check=lambda data: True, timeout: float = 10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for data in self.received(name):
                if check(data):
                    return data
            time.sleep(0.02)
        raise AssertionError(
            f"no {name} matching the check within {timeout}s: {self.received(name)}"
        )

    def close(self) -> None:
        self.client.disconnect()


def screen(server, token: str) -> Screen:
    client = socketio.Client(reconnection=False)
    found = Screen(client)

    def record(event, data=None):
        with found.lock:
            found.events.append((event, data))

    client.on("*", record)
    client.connect(server.url, transports=["websocket"], auth={"token": token}, wait_timeout=5)
    return found
