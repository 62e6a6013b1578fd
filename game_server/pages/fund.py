"""Pages for a sector fund: its challenges, the editor, the impact dashboard, and offers.

A fund sees aggregates only: every figure here comes from services.impact, hidden below
ten people the same way as in the API and the CSV.
"""

from datetime import datetime, time, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import ValidationError
from wtforms.fields.choices import SelectChoice

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..models import Role
from ..services.common.errors import DomainError
from ..services.common.menus import SECTORS, Breakdown
from ..services.funds import challenge_setup, challenges, impact, offers
from ..services.funds.challenge_setup import ChallengeDraft
from ..services.funds.offers import OfferDraft
from ..services.progress.progression import LOCAL_TIME
from . import pages
from .challenge_forms import ChallengeForm, OfferForm
from .charts import bars
from .menu_labels import BREAKDOWN_LABELS, SECTOR_LABELS, label_of

FUND = access.roles(Role.FUND)
PROVIDERS = access.roles(Role.FUND, Role.COACH)
MEASURES = ("participants", "active", "quests_completed", "offers_taken")


@pages.get("/fund")
@access.allow(FUND)
def fund_home():
    session = get_session()
    rows = challenges.of_fund(session, user_id=current_user.id)
    return render_template(
        "fund.html",
        challenges=[challenge_setup.view(session, row, locale=locale()) for row in rows],
        offers=offers.views(
            session, offers.by_provider(session, provider_id=current_user.id), locale=locale()
        ),
    )


@pages.route("/fund/challenges/new", methods=["GET", "POST"])
@access.allow(FUND)
def new_challenge():
    session = get_session()
    form = ChallengeForm()
    books = catalog()
    lang = locale()
    form.sectors.choices = [SelectChoice(s, str(SECTOR_LABELS[s])) for s in SECTORS]
    form.quest_ids.choices = [
        SelectChoice(q.id, q.title.get(lang))
        for q in sorted(books.find(), key=lambda q: q.title.get(lang))
    ]
    form.track_ids.choices = [
        SelectChoice(t.id, t.title.get(lang)) for t in books.library.tracks.values()
    ]
    mine = offers.by_provider(session, provider_id=current_user.id)
    form.offer_id.choices = [SelectChoice("", _("No offer"))] + [
        SelectChoice(str(o.id), o.title_en if lang == "en" else o.title_nl) for o in mine
    ]
    if form.validate_on_submit():
        try:
            draft = ChallengeDraft(**_draft_values(form))
            row = challenge_setup.create(session, books, user_id=current_user.id, draft=draft)
        except ValidationError as error:
            problems = [(str(e["loc"][0]) if e["loc"] else None, e["msg"]) for e in error.errors()]
            _show(form, [(field, _said(message)) for field, message in problems])
        except DomainError as error:
            _show(form, [(error.field, _said(error.message))])
        else:
            flash(_("The challenge is ready. Share the code %(code)s.", code=row.join_code))
            return redirect(url_for("pages.fund_challenge", challenge_id=row.id))
    return render_template("fund_challenge_new.html", form=form), 422 if form.errors else 200


def _draft_values(form: ChallengeForm) -> dict:
    starts = datetime.combine(form.starts_on.data, time.min, LOCAL_TIME)
    ends = datetime.combine(form.ends_on.data + timedelta(days=1), time.min, LOCAL_TIME)
    rewards = []
    if form.voucher_title_nl.data or form.voucher_codes.data:
        rewards.append(
            {
                "kind": "voucher",
                "title_nl": form.voucher_title_nl.data,
                "title_en": form.voucher_title_en.data or form.voucher_title_nl.data,
                "quests_needed": form.voucher_needed.data or 0,
                "codes": [
                    c.strip() for c in (form.voucher_codes.data or "").splitlines() if c.strip()
                ],
            }
        )
    if form.offer_id.data:
        rewards.append(
            {
                "kind": "offer",
                "title_nl": "Een plek in het aanbod",
                "title_en": "A place on offer",
                "quests_needed": form.offer_needed.data or 0,
                "offer_id": int(form.offer_id.data),
            }
        )
    return {
        "title_nl": form.title_nl.data,
        "title_en": form.title_en.data,
        "description_nl": form.description_nl.data,
        "description_en": form.description_en.data,
        "sectors": form.sectors.data,
        "starts_at": starts,
        "ends_at": ends,
        "quest_ids": form.quest_ids.data,
        "track_ids": form.track_ids.data or [],
        "goal_kind": form.goal_kind.data,
        "goal_target": form.goal_target.data,
        "rewards": rewards,
    }


def _said(message: str) -> str:
    """The services speak English; the editor says the known problems in the reader's
    language (anything else is shown as the service said it)."""
    known = {
        "end must come after": _("The last day must come after the first day."),
        "a year at most": _("A challenge lasts a year at most."),
        "at least one code": _("Give at least one voucher code, one per line."),
        "may appear once": _("Each voucher code may appear once."),
        "There is no quest": _("Choose quests from the list."),
        "No such offer": _("Choose one of your own offers."),
    }
    return next((text for key, text in known.items() if key in message), message)


def _show(form: ChallengeForm, problems: list[tuple[str | None, str]]) -> None:
    """Each problem next to its field, or on top of the form when it is about the whole."""
    for field, message in problems:
        target = getattr(form, field, None) if field else None
        if field == "rewards":
            target = form.voucher_codes
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]


@pages.get("/fund/challenges/<int:challenge_id>")
@access.allow(FUND)
def fund_challenge(challenge_id: int):
    session = get_session()
    row = challenges.owned(session, challenge_id=challenge_id, user_id=current_user.id)
    try:
        breakdown = Breakdown(request.args["by"]) if request.args.get("by") else None
    except ValueError:
        breakdown = None  # only the menu: anything else shows the totals
    measure = request.args.get("measure", "participants")
    measure = measure if measure in MEASURES else "participants"
    board = impact.dashboard(session, row, breakdown=breakdown)
    chart, height = bars([(label_of(breakdown, r.label), getattr(r, measure)) for r in board.rows])
    return render_template(
        "fund_challenge.html",
        challenge=challenge_setup.view(session, row, locale=locale()),
        board=board,
        breakdown=breakdown,
        breakdowns=BREAKDOWN_LABELS,
        measure=measure,
        chart=chart,
        chart_height=height,
        label_of=label_of,
        join_url=url_for("pages.challenge_landing", code=row.join_code, _external=True),
        quest_titles={q.id: q.title.get(locale()) for q in catalog().find()},
    )


@pages.route("/offers/new", methods=["GET", "POST"])
@access.allow(PROVIDERS)
def new_offer():
    form = OfferForm()
    if form.validate_on_submit():
        offers.publish(
            get_session(),
            provider_id=current_user.id,
            draft=OfferDraft(
                **{name: getattr(form, name).data for name in OfferDraft.model_fields}
            ),
        )
        flash(_("Your offer is published."))
        return redirect(url_for("pages.my_offers"))
    return render_template("offer_new.html", form=form), 422 if form.errors else 200


@pages.get("/offers")
@access.allow(PROVIDERS)
def my_offers():
    session = get_session()
    rows = offers.by_provider(session, provider_id=current_user.id)
    return render_template("offers.html", offers=offers.views(session, rows, locale=locale()))


@pages.get("/offers/<int:offer_id>/signups")
@access.allow(PROVIDERS)
def offer_signups_page(offer_id: int):
    session = get_session()
    listed = offers.signups(session, offer_id=offer_id, provider_id=current_user.id)
    (view,) = offers.views(session, offers.of_rewards(session, [offer_id]), locale=locale())
    return render_template("offer_signups.html", offer=view, signups=listed)
