"""Make users, log them in and read CSRF tokens, without paying for argon2 on every test."""

import json
import re
import time
import uuid
from datetime import date, timedelta
from functools import cache

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from game_server.db import session_scope
from game_server.models import Role, TwoFactor, User, UserRole
from game_server.services.identity import passwords, tokens, two_factor

PASSWORD = "blauwe-vrachtwagen-op-de-a12"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@cache
def password_hash() -> str:
    return passwords.hash_password(PASSWORD)


def make_user(
    app: Flask,
    *roles: Role,
    guest: bool = False,
    email: str | None = None,
    display_name: str | None = None,
    second_factor: bool | None = None,
) -> User:
    """Create a user with PASSWORD (a guest has none) and the given roles.

    Coaches, funds and admins get two-factor authentication set up, as they must have it
    (`second_factor=False` leaves it out, `True` sets it up for a worker too); `login` and
    `totp_code` then pass the code step.
    """
    roles = roles or (Role.WORKER,)
    with session_scope(app) as session:
        user = User(
            email=None if guest else (email or f"{uuid.uuid4().hex[:12]}@example.nl"),
            display_name=display_name or ("Guest player" if guest else "Test person"),
            password_hash=None if guest else password_hash(),
            is_guest=guest,
        )
        session.add(user)
        session.flush()
        for role in roles:
            session.add(UserRole(user_id=user.id, role=role))
    if second_factor is None:
        second_factor = bool(set(roles) & set(two_factor.REQUIRED_ROLES))
    if second_factor and not guest:
        enrol_two_factor(app, user)
        with session_scope(app) as session:
            user = session.get(User, user.id)  # enrolling rotated its session token
    return user


def enrol_two_factor(app: Flask, user: User) -> list[str]:
    """Set up two-factor authentication for `user` as the enrolment page does; the codes."""
    with session_scope(app) as session:
        two_factor.start_enrolment(session, user_id=user.id, secret_key=app.secret_key)
        return two_factor.confirm_enrolment(
            session, user_id=user.id, code=totp_code(app, user), secret_key=app.secret_key
        )


def totp_secret(app: Flask, user: User) -> str:
    with session_scope(app) as session:
        return two_factor._secret_of(session.get(TwoFactor, user.id), app.secret_key)


def totp_code(app: Flask, user: User) -> str:
    """A code the server will accept now: the authenticator app's, for a step not used yet.

    The server refuses a time step twice; a test logging in more often than the clock moves
    on gets the next step, and past the drift window the replay memory is rewound (only
    here, never in the app) so a test need not wait 30 seconds.
    """
    now = int(time.time() // two_factor.STEP_SECONDS)
    with session_scope(app) as session:
        row = session.get(TwoFactor, user.id)
        secret = two_factor._secret_of(row, app.secret_key)
        step = now if row.last_step is None else max(now, row.last_step + 1)
        if step > now + two_factor.DRIFT_STEPS:
            row.last_step, step = now - 1, now
            session.add(row)
    return pyotp.TOTP(secret).generate_otp(step)


def bearer_for(app: Flask, user: User, ttl: timedelta = timedelta(days=1)) -> dict:
    with session_scope(app) as session:
        issued = tokens.issue(session, user_id=user.id, ttl=ttl, label="test")
    return {"Authorization": f"Bearer {issued.token}"}


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path)
    match = CSRF_META.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, user: User, password: str = PASSWORD, code: str | None = None):
    """Log in through the pages, the code step included when the account has 2FA on."""
    token = csrf_token(client)
    response = client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token}
    )
    if response.status_code == 302 and response.headers["Location"] == "/login/code":
        code = code or totp_code(client.application, user)
        token = csrf_token(client, "/login/code")  # the half-done login is a fresh session
        response = client.post("/login/code", data={"code": code, "csrf_token": token})
    return response


def session_cookie(app: Flask, user: User) -> dict:
    """The signed session cookie of `user` logged in, for a browser context (no login form).

    The one place a browser test logs someone in without typing: when login gets another
    step (two-factor), mark that step done here.
    """
    with session_scope(app) as db:
        session_token = db.get(User, user.id).session_token
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": f"{user.id}:{session_token}", "_fresh": True}
    )
    return {"name": app.config["SESSION_COOKIE_NAME"], "value": value}


def make_plans(app: Flask, user: User, *plans: tuple[str, date]) -> list[int]:
    """`action` answers (text, date) of `user`, as if played: the ids of the answers."""
    from game_server.models import Answer, QuestRun, QuestVersion

    with session_scope(app) as session:
        version = QuestVersion(quest_id="every-step", digest=uuid.uuid4().hex, definition="{}")
        session.add(version)
        session.flush()
        run = QuestRun(user_id=user.id, quest_id="every-step", quest_version_id=version.id)
        session.add(run)
        session.flush()
        answers = [
            Answer(
                run_id=run.id,
                user_id=user.id,
                step_id=f"plan-{index}",
                step_type="action",
                private=True,
                value=json.dumps({"text": text, "due": due.isoformat()}),
            )
            for index, (text, due) in enumerate(plans)
        ]
        session.add_all(answers)
        session.flush()
        return [answer.id for answer in answers]


def count(app: Flask, model) -> int:
    from sqlmodel import func, select

    with session_scope(app) as session:
        return session.exec(select(func.count()).select_from(model)).one()


class Personas:
    """One signed-in test client per kind of caller, for the role matrix and privacy tests."""

    KINDS = ("anonymous", "guest", "worker", "coach", "fund", "admin", "editor")

    def __init__(self, app: Flask):
        self.app = app
        self.users: dict[str, User] = {}

    def user(self, kind: str) -> User | None:
        if kind == "anonymous":
            return None
        if kind not in self.users:
            if kind == "guest":
                self.users[kind] = make_user(self.app, Role.WORKER, guest=True)
            else:
                self.users[kind] = make_user(self.app, Role(kind))
        return self.users[kind]

    def cookie_client(self, kind: str) -> FlaskClient:
        """A client logged in by cookie, the way a browser would be after the login page."""
        client = self.app.test_client()
        user = self.user(kind)
        if user is not None:
            with session_scope(self.app) as db:
                # Read it fresh: a logout by an earlier call rotates the session token.
                session_token = db.get(User, user.id).session_token
            with client.session_transaction() as session:
                session["_user_id"] = f"{user.id}:{session_token}"
                session["_fresh"] = True
        return client

    def headers(self, kind: str) -> dict:
        user = self.user(kind)
        return {} if user is None else bearer_for(self.app, user)


# -- peer groups --------------------------------------------------------------------------

GROUP_QUEST = "every-step"  # modes [solo, group]: a poll `vote` and a peer step `react` of `why`
# Answers up to the poll; no "freedom" and a middling people score keep the branches closed.
GROUP_ANSWERS_BEFORE_POLL = {
    "welcome": None,
    "values": ["security", "money"],
    "scan": {"help": 3, "alone": 3, "fix": 3},
}
GROUP_ANSWERS_AFTER_PEER = {
    "talk": {"who": "mijn planner", "learned": "Er komt een nieuwe route."},
    "plan": {"text": "Vragen naar de cursus.", "due": None},  # due: filled in at play time
}


def make_group(app: Flask, owner: User, *members: User, name: str = "Nachtploeg") -> int:
    """A group owned by `owner` with `members` joined; returns its id."""
    from game_server.services.play import groups

    with session_scope(app) as session:
        created = groups.create_group(session, user_id=owner.id, name=name)
        for member in members:
            groups.join(session, user_id=member.id, code=created.invite_code)
    return created.id


class GroupPlayer:
    """One worker playing the group quest over the JSON API."""

    def __init__(self, client: FlaskClient, app: Flask, user: User, group_id: int):
        self.client, self.user, self.group_id = client, user, group_id
        self.headers = bearer_for(app, user)
        self.run = None

    def start(self, quest_id: str = GROUP_QUEST):
        response = self.client.post(
            f"/api/v1/groups/{self.group_id}/quests/{quest_id}/runs", headers=self.headers
        )
        assert response.status_code in (200, 201), response.get_json()
        self.run = response.get_json()
        return self.run

    def send(self, step_id: str, value, expect: int = 200):
        response = self.client.post(
            f"/api/v1/runs/{self.run['run_id']}/answers",
            headers=self.headers,
            json={"step_id": step_id, "value": value},
        )
        assert response.status_code == expect, response.get_json()
        if expect == 200:
            self.run = response.get_json()
        return response.get_json()

    def play_until(self, step_id: str) -> dict:
        """Answer the fixed answers until `step_id` is on screen."""
        from datetime import date, timedelta

        answers = {
            **GROUP_ANSWERS_BEFORE_POLL,
            "why": "Zekerheid telt voor mij.",
            "vote": ["pay"],
            **GROUP_ANSWERS_AFTER_PEER,
        }
        answers["plan"] = {**answers["plan"], "due": (date.today() + timedelta(days=7)).isoformat()}
        while self.run["status"] == "active" and self.run["step"]["id"] != step_id:
            current = self.run["step"]["id"]
            self.send(current, answers[current])
        return self.run

    def answer_id(self, step_id: str) -> int:
        from sqlmodel import select

        from game_server.models import Answer

        with session_scope(self.client.application) as session:
            return session.exec(
                select(Answer.id).where(
                    Answer.run_id == self.run["run_id"], Answer.step_id == step_id
                )
            ).one()

    def share(self, answer_id: int, expect: int = 200):
        response = self.client.post(
            f"/api/v1/groups/{self.group_id}/shares",
            headers=self.headers,
            json={"answer_id": answer_id},
        )
        assert response.status_code == expect, response.get_json()
        return response

    def unshare(self, answer_id: int):
        return self.client.delete(
            f"/api/v1/groups/{self.group_id}/shares/{answer_id}", headers=self.headers
        )

    def group(self) -> dict:
        return self.client.get(f"/api/v1/groups/{self.group_id}", headers=self.headers).get_json()

    def finish(self, peer_value=None) -> dict:
        """Play to the end; the peer step gets `peer_value` (None: pass it by)."""
        self.play_until("react")
        if self.run["status"] == "active":
            self.send("react", peer_value)
        return self.play_until("the end")


# -- live sessions ------------------------------------------------------------------------

LIVE_QUEST = "at-the-depot"  # welcome, a poll `wish`, a reflection `why`


def play_a_live_session(app: Flask, *players: User) -> str:
    """A coach hosts a live session; `players` join and vote; it ends, and this returns once
    their runs are completed (by the background task, as in production). Returns the code."""
    from sqlmodel import select

    from game_server.models import LiveParticipant, QuestRun, RunStatus
    from game_server.services.together import live, live_answers, live_play

    coach = make_user(app, Role.COACH)
    books = app.extensions["catalog_source"].current()
    with session_scope(app) as session:
        code = live.create(session, books, host_id=coach.id, quest_id=LIVE_QUEST).code
        for player in players:
            live_play.join(session, code=code, user_id=player.id, nickname=player.display_name)
        live.claim_host(session, code=code, host_id=coach.id, sid="host")
        for _ in range(2):  # the welcome, then the poll
            live.advance(
                session, code=code, host_id=coach.id, sid="host", client_id=str(uuid.uuid4())
            )
        for player in players:
            live_answers.answer(
                session,
                code=code,
                user_id=player.id,
                step_id="wish",
                value=["planning"],
                client_id=str(uuid.uuid4()),
                share=False,
            )
        ended = live.end(session, code=code, host_id=coach.id, sid="host", client_id="end")
        session_id = ended.id
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with session_scope(app) as session:
            open_runs = session.exec(
                select(QuestRun.id)
                .join(LiveParticipant, LiveParticipant.run_id == QuestRun.id)
                .where(
                    LiveParticipant.session_id == session_id, QuestRun.status == RunStatus.ACTIVE
                )
            ).all()
        if not open_runs:
            return code
        time.sleep(0.05)
    raise AssertionError(f"the runs of live session {code} were not completed: {open_runs}")


# -- play over the API --------------------------------------------------------------------


def play_open_to_all(client, headers):
    """Play the two-step quest open-to-all to its end over the API; returns the run."""
    run = client.post("/api/v1/quests/open-to-all/runs", headers=headers).get_json()
    client.post(
        f"/api/v1/runs/{run['run_id']}/answers",
        headers=headers,
        json={"step_id": "who", "value": ["family"]},
    )
    return client.post(
        f"/api/v1/runs/{run['run_id']}/answers",
        headers=headers,
        json={"step_id": "note", "value": "Familie helpt."},
    ).get_json()


DUE = (date.today() + timedelta(days=10)).isoformat()
# Answers that walk every-step's path with both branches shown.
EVERY_STEP_ANSWERS = {
    "welcome": None,
    "values": ["freedom", "money"],
    "scan": {"help": 5, "alone": 1, "fix": 2},
    "why": "Ik wil zelf mijn dag indelen.",
    "free": "Zelf kiezen wanneer ik rij.",
    "people-work": None,
    "vote": ["time"],
    "talk": {"who": "Mijn planner", "learned": "Er komt een nieuwe route."},
    "plan": {"text": "Vraag naar de cursus.", "due": DUE},
}
