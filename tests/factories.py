"""Make users, log them in and read CSRF tokens, without paying for argon2 on every test."""

import re
import uuid
from datetime import timedelta
from functools import cache

from flask import Flask
from flask.testing import FlaskClient

from game_server.db import session_scope
from game_server.models import Role, User, UserRole
from game_server.services import passwords, tokens

PASSWORD = "blauwe-vrachtwagen-op-de-a12"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@cache
def password_hash() -> str:
    return passwords.hash_password(PASSWORD)


def make_user(app: Flask, *roles: Role, guest: bool = False, email: str | None = None) -> User:
    """Create a user with PASSWORD (a guest has none) and the given roles."""
    roles = roles or (Role.WORKER,)
    with session_scope(app) as session:
        user = User(
            email=None if guest else (email or f"{uuid.uuid4().hex[:12]}@example.nl"),
            display_name="Guest player" if guest else "Test person",
            password_hash=None if guest else password_hash(),
            is_guest=guest,
        )
        session.add(user)
        session.flush()
        for role in roles:
            session.add(UserRole(user_id=user.id, role=role))
    return user


def bearer_for(app: Flask, user: User, ttl: timedelta = timedelta(days=1)) -> dict:
    with session_scope(app) as session:
        issued = tokens.issue(session, user_id=user.id, ttl=ttl, label="test")
    return {"Authorization": f"Bearer {issued.token}"}


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path)
    match = CSRF_META.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, user: User, password: str = PASSWORD):
    token = csrf_token(client)
    return client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token}
    )


def count(app: Flask, model) -> int:
    from sqlmodel import func, select

    with session_scope(app) as session:
        return session.exec(select(func.count()).select_from(model)).one()


class Personas:
    """One signed-in test client per kind of caller, for the role matrix and privacy tests."""

    KINDS = ("anonymous", "guest", "worker", "coach", "fund", "admin")

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
