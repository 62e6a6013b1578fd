"""Challenges and offers over JSON: a fund sets one up, workers join, play and claim.

A fund sees its own challenges and their aggregates; a worker sees the challenges they
joined. Anything else is "not found".
"""

import csv
import io

from flask import Response
from flask_login import current_user
from pydantic import BaseModel, Field

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..models import Role
from ..services.common.menus import Breakdown
from ..services.funds import challenge_setup, challenges, impact, offers, rewards
from ..services.funds.challenge_setup import ChallengeDraft, ChallengeView
from ..services.funds.challenges import About, ChallengeProgress
from ..services.funds.impact import Dashboard
from ..services.funds.offers import OfferDraft, OfferView, SignupView
from ..services.funds.rewards import Claimed
from ..services.together import follow_ups
from . import api
from .groups import limit_group_join
from .spec import Query, Strict, endpoint

FUND = access.roles(Role.FUND)
PROVIDERS = access.roles(Role.FUND, Role.COACH)


class ChallengeCreated(BaseModel):
    id: int
    join_code: str


class ChallengeJoinIn(About):
    code: str = Field(max_length=40)


class ClaimIn(Strict):
    # For a place in an offer: may the provider see my name and this contact?
    share_contact: bool = False
    contact: str | None = Field(default=None, max_length=offers.CONTACT_MAX)


class Mine(BaseModel):
    challenge: ChallengeView
    progress: ChallengeProgress


@api.post("/challenges")
@access.allow(FUND)
@endpoint(
    summary="Set up a challenge for my fund",
    body=ChallengeDraft,
    response=ChallengeCreated,
    status=201,
)
def create_challenge(body: ChallengeDraft):
    row = challenge_setup.create(get_session(), catalog(), user_id=current_user.id, draft=body)
    return ChallengeCreated(id=row.id, join_code=row.join_code)


@api.get("/challenges")
@access.allow(FUND)
@endpoint(summary="My fund's challenges", response=list[ChallengeView])
def fund_challenges():
    session = get_session()
    return [
        challenge_setup.view(session, row, locale=locale())
        for row in challenges.of_fund(session, user_id=current_user.id)
    ]


@api.post("/challenges/join")
@access.allow(access.SIGNED_IN)
@limit_group_join
@endpoint(
    summary="Join a challenge with its code (guests too); joining again changes nothing",
    body=ChallengeJoinIn,
    response=ChallengeView,
)
def join_challenge(body: ChallengeJoinIn):
    session = get_session()
    about = About(**body.model_dump(exclude={"code"}))
    row, _new = challenges.join(session, code=body.code, user_id=current_user.id, about=about)
    return challenge_setup.view(session, row, locale=locale())


@api.get("/me/challenges")
@access.allow(access.SIGNED_IN)
@endpoint(summary="The challenges I joined, with my progress and the goal", response=list[Mine])
def my_challenges():
    session = get_session()
    return [
        Mine(
            challenge=challenge_setup.view(session, row, locale=locale()),
            progress=challenges.progress(session, row, user_id=current_user.id),
        )
        for row in challenges.joined_by(session, user_id=current_user.id)
    ]


@api.post("/challenges/<int:challenge_id>/rewards/<int:reward_id>/claim")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Claim a reward I earned (the same again returns it)", body=ClaimIn, response=Claimed
)
def claim_reward(challenge_id: int, reward_id: int, body: ClaimIn):
    return rewards.claim(
        get_session(),
        challenge_id=challenge_id,
        reward_id=reward_id,
        user_id=current_user.id,
        share_contact=body.share_contact,
        contact=body.contact,
    )


class DashboardQuery(Query):
    breakdown: Breakdown | None = None


@api.get("/challenges/<int:challenge_id>/dashboard")
@access.allow(FUND)
@endpoint(
    summary="My fund's challenge in anonymous figures (cells under 10 people hidden)",
    query=DashboardQuery,
    response=Dashboard,
)
def challenge_dashboard(challenge_id: int, query: DashboardQuery):
    session = get_session()
    row = challenges.owned(session, challenge_id=challenge_id, user_id=current_user.id)
    return impact.dashboard(session, row, breakdown=query.breakdown)


@api.get("/challenges/<int:challenge_id>/dashboard.csv")
@access.allow(FUND)
@endpoint(summary="The same figures as CSV, hidden the same way", query=DashboardQuery)
def challenge_dashboard_csv(challenge_id: int, query: DashboardQuery):
    session = get_session()
    row = challenges.owned(session, challenge_id=challenge_id, user_id=current_user.id)
    board = impact.dashboard(session, row, breakdown=query.breakdown)
    out = io.StringIO()
    csv.writer(out).writerows(impact.as_csv_rows(board))
    name = f"challenge-{challenge_id}-{query.breakdown or 'total'}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@api.post("/offers")
@access.allow(PROVIDERS)
@endpoint(
    summary="Publish an offer (a fund member or a coach)",
    body=OfferDraft,
    response=OfferView,
    status=201,
)
def publish_offer(body: OfferDraft):
    session = get_session()
    row = offers.publish(session, provider_id=current_user.id, draft=body)
    return offers.views(session, [row], locale=locale())[0]


@api.get("/offers/mine")
@access.allow(PROVIDERS)
@endpoint(summary="The offers I published, with places taken", response=list[OfferView])
def my_offers():
    session = get_session()
    rows = offers.by_provider(session, provider_id=current_user.id)
    return offers.views(session, rows, locale=locale())


@api.get("/offers/<int:offer_id>/signups")
@access.allow(PROVIDERS)
@endpoint(
    summary="Who signed up (a name and contact only where the worker agreed)",
    response=list[SignupView],
)
def offer_signups(offer_id: int):
    return offers.signups(get_session(), offer_id=offer_id, provider_id=current_user.id)


class LiveSignupIn(ClaimIn):
    code: str = Field(max_length=12, description="the live session's code")


@api.post("/offers/<int:offer_id>/signup")
@access.allow(access.SIGNED_IN)
@endpoint(
    summary="Take a place in an offer of a live session's host (after taking part)",
    body=LiveSignupIn,
    status=204,
)
def live_signup(offer_id: int, body: LiveSignupIn):
    follow_ups.sign_up_after_live(
        get_session(),
        code=body.code,
        offer_id=offer_id,
        user_id=current_user.id,
        share_contact=body.share_contact,
        contact=body.contact,
    )


@api.delete("/offers/<int:offer_id>/signup")
@access.allow(access.SIGNED_IN)
@endpoint(summary="Give my place back", status=204)
def cancel_signup(offer_id: int):
    offers.cancel(get_session(), offer_id=offer_id, user_id=current_user.id)
