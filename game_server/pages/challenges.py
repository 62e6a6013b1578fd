"""Challenge pages for workers: the public landing page, joining, progress and rewards.

Everything works without JavaScript; challenge.js moves the collective bar live.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..api.groups import limit_group_join
from ..auth import start_session
from ..current import catalog, locale
from ..db import get_session
from ..limits import limit_guests
from ..services.common.codes import clean_code
from ..services.common.errors import Conflict, DomainError, InvalidInput
from ..services.funds import challenge_setup, challenges, offers, rewards
from ..services.funds.challenges import About
from ..services.identity import accounts
from . import pages
from .challenge_forms import ClaimForm, JoinChallengeForm


@pages.route("/c/<code>", methods=["GET", "POST"])
@access.allow(access.PUBLIC)
@limit_guests
def challenge_landing(code: str):
    """What the challenge is, for anyone with the link; join with an account or as a guest."""
    session = get_session()
    row = challenges.find(session, code)
    form = JoinChallengeForm()
    signed_in = current_user.is_authenticated
    if signed_in and challenges.is_participant(session, row, current_user.id):
        return redirect(url_for("pages.challenge_page", challenge_id=row.id))
    if form.validate_on_submit():
        if not signed_in and not (form.nickname.data or "").strip():
            form.nickname.errors = [_("Enter a name, or log in first.")]
        else:
            try:
                if not signed_in:
                    start_session(
                        accounts.create_guest(session, nickname=form.nickname.data, locale=locale())
                    )
                about = About(
                    sector=form.sector.data or None,
                    age_band=form.age_band.data or None,
                    region=form.region.data or None,
                )
                joined, _new = challenges.join(
                    session, code=row.join_code, user_id=current_user.id, about=about
                )
            except (Conflict, InvalidInput) as error:
                form.nickname.errors = [_phase_message(error)]
            else:
                return redirect(url_for("pages.challenge_page", challenge_id=joined.id))
    view = challenge_setup.view(session, row, locale=locale())
    tracks = catalog().library.tracks
    return render_template(
        "challenge_landing.html",
        challenge=view,
        quests=_quests(row),
        tracks=[tracks[t].title.get(locale()) for t in view.track_ids if t in tracks],
        form=form,
        lang=locale(),
    ), 422 if form.errors else 200


def _phase_message(error: DomainError) -> str:
    if "not started" in error.message:
        return _("This challenge has not started yet.")
    if "ended" in error.message:
        return _("This challenge has ended.")
    return _("Enter a name of at most 40 characters.")


def _quests(row):
    books = catalog()
    found = []
    for quest_id in challenge_setup.quest_ids_of(row):
        quest = books.quest(quest_id)
        if quest is not None:
            found.append(quest)
    return found


@pages.get("/challenges/<int:challenge_id>")
@access.allow(access.SIGNED_IN)
def challenge_page(challenge_id: int):
    """A participant's own progress, the collective goal, the quests and the rewards."""
    session = get_session()
    row = challenges.get(session, challenge_id)
    mine = challenges.progress(session, row, user_id=current_user.id)  # not joined: 404
    view = challenge_setup.view(session, row, locale=locale())
    offer_rows = offers.of_rewards(session, [r.offer_id for r in view.rewards if r.offer_id])
    return render_template(
        "challenge.html",
        challenge=view,
        progress=mine,
        quests=_quests(row),
        claimed=rewards.claimed_by(session, challenge_id=row.id, user_id=current_user.id),
        offers={
            o.id: o
            for o in offers.views(session, offer_rows, user_id=current_user.id, locale=locale())
        },
        form=ClaimForm(),
        lang=locale(),
    )


@pages.post("/challenges/<int:challenge_id>/rewards/<int:reward_id>/claim")
@access.allow(access.SIGNED_IN)
@limit_group_join
def claim_reward_page(challenge_id: int, reward_id: int):
    form = ClaimForm()
    if not form.validate():
        flash(_("Write at most 200 characters."))
        return redirect(url_for("pages.challenge_page", challenge_id=challenge_id))
    try:
        got = rewards.claim(
            get_session(),
            challenge_id=challenge_id,
            reward_id=reward_id,
            user_id=current_user.id,
            share_contact=form.share_contact.data,
            contact=form.contact.data,
        )
    except Conflict as error:
        flash(_claim_message(error))
    else:
        flash(
            _("Your code: %(code)s", code=got.code)
            if got.code
            else _("You have a place. The organiser will contact you if you said they may.")
        )
    return redirect(url_for("pages.challenge_page", challenge_id=challenge_id) + "#rewards")


def _claim_message(error: Conflict) -> str:
    if "full" in error.message:
        return _("Sorry, all places are taken.")
    if "handed out" in error.message:
        return _("Sorry, all vouchers have been handed out.")
    return _("You have not earned this reward yet. Complete more quests of the challenge.")


@pages.get("/challenges")
@access.allow(access.SIGNED_IN)
def my_challenges():
    """The challenges I joined, and a box for the code of a new one."""
    code = clean_code(request.args.get("code", ""))
    if code:
        return redirect(url_for("pages.challenge_landing", code=code))
    session = get_session()
    joined = challenges.joined_by(session, user_id=current_user.id)
    return render_template(
        "challenges.html",
        challenges=[challenge_setup.view(session, row, locale=locale()) for row in joined],
    )
