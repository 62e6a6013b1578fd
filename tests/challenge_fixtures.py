"""A fund with a member, an open challenge, and workers who joined and played its quest."""

import uuid
from datetime import timedelta

from flask import Flask

from game_server.db import session_scope
from game_server.models import QuestRun, QuestVersion, Role, RunStatus, User, utcnow
from game_server.services.funds import challenge_setup, challenges
from game_server.services.funds.challenge_setup import ChallengeDraft
from game_server.services.funds.challenges import About
from game_server.services.identity import organisations

from .factories import make_user


def make_fund_member(app: Flask, name: str | None = None) -> User:
    member = make_user(app, Role.FUND, display_name="Fonds medewerker")
    with session_scope(app) as session:
        fund = organisations.create(
            session, name=name or f"Fonds {uuid.uuid4().hex[:6]}", kind="fund"
        )
        organisations.add_member(session, organisation_id=fund.id, user_id=member.id)
    return member


def draft(**changes) -> ChallengeDraft:
    now = utcnow()
    values = {
        "title_nl": "Zomer van de vrachtwagen",
        "title_en": "Summer of the truck",
        "description_nl": "Doe mee en ontdek wat je wil leren.",
        "description_en": "Join and find out what you want to learn.",
        "sectors": ["transport"],
        "starts_at": now - timedelta(days=1),
        "ends_at": now + timedelta(days=30),
        "quest_ids": ["open-to-all", "every-step"],
        "goal_kind": "participants",
        "goal_target": 500,
    }
    values.update(changes)
    return ChallengeDraft(**values)


def make_challenge(app: Flask, fund_member: User, **changes):
    with session_scope(app) as session:
        row = challenge_setup.create(
            session,
            app.extensions["catalog_source"].current(),
            user_id=fund_member.id,
            draft=draft(**changes),
        )
        return row.id, row.join_code


def join(app: Flask, code: str, user: User, **about) -> None:
    with session_scope(app) as session:
        challenges.join(session, code=code, user_id=user.id, about=About(**about))


def complete(app: Flask, user: User, quest_id: str = "open-to-all", when=None) -> None:
    """A completed run of the quest, as if played (now, or `when`)."""
    when = when or utcnow()
    with session_scope(app) as session:
        version = QuestVersion(quest_id=quest_id, digest=uuid.uuid4().hex, definition="{}")
        session.add(version)
        session.flush()
        session.add(
            QuestRun(
                user_id=user.id,
                quest_id=quest_id,
                quest_version_id=version.id,
                status=RunStatus.COMPLETED,
                started_at=when,
                completed_at=when,
            )
        )


def make_offered_challenge(
    app: Flask, fund_member: User, kind: str = "course", **changes
) -> tuple[int, int, str]:
    """A course (or another kind of) offer by `fund_member` and a challenge whose reward is
    a place in it, for anyone who joined: (offer id, challenge id, join code)."""
    from game_server.services.funds import offers
    from game_server.services.funds.offers import OfferDraft

    with session_scope(app) as session:
        offer_id = offers.publish(
            session,
            provider_id=fund_member.id,
            draft=OfferDraft(
                kind=kind,
                title_nl="Heftruckcursus",
                title_en="Forklift course",
                description_nl="Twee dagen.",
                description_en="Two days.",
                capacity=50,
            ),
        ).id
    reward = {
        "kind": "offer",
        "title_nl": "Plek in de cursus",
        "title_en": "Place in the course",
        "quests_needed": 0,
        "offer_id": offer_id,
    }
    challenge_id, code = make_challenge(app, fund_member, rewards=[reward], **changes)
    return offer_id, challenge_id, code
