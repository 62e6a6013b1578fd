"""Operator commands: create accounts and organisations, seed the demo data."""

from pathlib import Path

import pytest
from sqlmodel import select

from game_server.db import session_scope
from game_server.models import CoachLink, Membership, Organisation, User
from game_server.services.identity import accounts

from .factories import count

QUESTS = Path(__file__).resolve().parent.parent / "quests"


@pytest.fixture
def starter_app(app_factory):
    """The app on the real starter library, which the demo challenge's quests come from."""
    return app_factory(quests_path=QUESTS)


def test_users_create_takes_the_password_from_standard_input(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "Coach@Example.nl", "--role", "coach", "--role", "admin"],
        input="een lang wachtwoord voor de coach\n",
    )
    assert result.exit_code == 0, result.output
    with session_scope(app) as session:
        user = accounts.authenticate(
            session, email="coach@example.nl", password="een lang wachtwoord voor de coach"
        )
        assert [r.value for r in accounts.roles_of(session, user.id)] == ["admin", "coach"]


def test_users_create_refuses_a_weak_password_and_creates_nothing(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "fund@example.nl", "--role", "fund"], input="password\n"
    )
    assert result.exit_code == 1
    assert "most used passwords" in result.output
    assert count(app, User) == 0


def test_users_create_makes_a_content_editor(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "redactie@example.nl", "--role", "editor"],
        input="een lang wachtwoord voor de redactie\n",
    )
    assert result.exit_code == 0, result.output
    with session_scope(app) as session:
        user = accounts.find_by_email(session, "redactie@example.nl")
        assert [r.value for r in accounts.roles_of(session, user.id)] == ["editor"]


def test_users_create_refuses_an_unknown_role(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "x@example.nl", "--role", "boss"], input="lang genoeg wachtwoord\n"
    )
    assert result.exit_code == 2
    assert count(app, User) == 0


def test_users_create_can_add_the_user_to_an_organisation(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["orgs", "create", "Fonds Schoonmaak", "--kind", "fund"])
    assert created.exit_code == 0, created.output
    with session_scope(app) as session:
        org_id = session.exec(select(Organisation.id)).one()
    result = runner.invoke(
        args=["users", "create", "fund@example.nl", "--role", "fund", "--org", str(org_id)],
        input="een lang wachtwoord voor het fonds\n",
    )
    assert result.exit_code == 0, result.output
    assert count(app, Membership) == 1


def test_seed_demo_creates_the_readme_accounts_and_can_run_twice(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    from game_server.cli import DEMO_ACCOUNTS, DEMO_PASSWORD

    assert DEMO_PASSWORD in readme
    with session_scope(app) as session:
        for email, _name, roles in DEMO_ACCOUNTS:
            assert email in readme
            user = accounts.authenticate(session, email=email, password=DEMO_PASSWORD)
            assert accounts.roles_of(session, user.id) == roles
    assert count(app, User) == 5  # worker, coach, fund, admin, editor
    assert count(app, Organisation) == 2
    assert count(app, CoachLink) == 1  # the demo worker linked with the demo coach, once


def test_seed_demo_refuses_to_run_in_production(app_factory):
    app = app_factory(env="production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert count(app, User) == 0


def test_rotating_the_signing_key_keeps_the_old_one_published(app):
    from game_server.services.progress import issuer_keys

    runner = app.test_cli_runner()
    first = runner.invoke(args=["credentials", "rotate-key"])
    second = runner.invoke(args=["credentials", "rotate-key"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    with session_scope(app) as session:
        kids = [key["kid"] for key in issuer_keys.jwks(session)["keys"]]
    assert len(kids) == 2
    assert kids[0] in first.output or kids[1] in first.output


def test_seed_demo_gives_the_fund_dashboard_figures_to_show(starter_app):
    """Enough demo players per cell (ten or more) that the fund sees figures, not only
    "fewer than 10"; and running it twice adds nobody."""
    from game_server.services.common.menus import Breakdown
    from game_server.services.funds import challenges, impact

    runner = starter_app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with session_scope(starter_app) as session:
        fund = accounts.find_by_email(session, "fund@demo.loopbaanquest.nl")
        challenge = challenges.of_fund(session, user_id=fund.id)[0]
        board = impact.dashboard(session, challenge)
        assert board.total.participants == 50 and board.total.quests_completed >= 30
        by_age = impact.dashboard(session, challenge, breakdown=Breakdown.AGE_BAND)
        shown = {row.label: row.participants for row in by_age.rows if row.participants}
        assert shown == {"25-34": 12, "45-54": 12, "55plus": 12}
        by_region = impact.dashboard(session, challenge, breakdown=Breakdown.REGION)
        assert {r.label: r.participants for r in by_region.rows if r.participants} == {
            "NB": 12,
            "ZH": 24,
        }
        assert board.total.active == 40 and all(q.started for q in board.quests)
