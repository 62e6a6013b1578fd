"""Live-session pages: the host's projector screen and the participant's phone screen.

The pages carry the state at load time; after that the socket keeps them current
(web/static/js/live-host.js and live-play.js).
"""

import io

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..auth import start_session
from ..content.schema import Mode
from ..current import catalog, locale
from ..db import get_session
from ..limits import limit_guests
from ..models import Role
from ..services.common.errors import Conflict, DomainError, NotFound
from ..services.funds import offers
from ..services.identity import accounts
from ..services.together import follow_ups, live, live_play
from . import pages
from .challenge_forms import ClaimForm
from .live_forms import JoinForm, StartLiveForm
from .messages import field_message


@pages.get("/live/new")
@access.allow(access.roles(Role.COACH, Role.ADMIN))
def live_new():
    quests = [q for q in catalog().find(mode=Mode.LIVE)]
    return render_template("live_new.html", quests=quests, lang=locale(), form=StartLiveForm())


@pages.post("/live/new")
@access.allow(access.roles(Role.COACH, Role.ADMIN))
def live_start():
    form = StartLiveForm()
    if not form.validate_on_submit():
        abort(400)
    row = live.create(
        get_session(), catalog(), host_id=current_user.id, quest_id=form.quest_id.data
    )
    return redirect(url_for("pages.live_host", code=row.code))


@pages.post("/groups/<int:group_id>/live")
@access.allow(access.SIGNED_IN)
def group_live_start(group_id: int):
    """A group owner hosts a live session for the group (the service checks ownership)."""
    form = StartLiveForm()
    if not form.validate_on_submit():
        abort(400)
    row = live.create(
        get_session(),
        catalog(),
        host_id=current_user.id,
        quest_id=form.quest_id.data,
        group_id=group_id,
    )
    return redirect(url_for("pages.live_host", code=row.code))


@pages.get("/live/<code>/host")
@access.allow(access.SIGNED_IN)
def live_host(code: str):
    session = get_session()
    row = live.hosted(session, code, current_user.id)
    join_url = url_for("pages.live_join", code=row.code, _external=True)
    return render_template(
        "live_host.html",
        live=row,
        state=live.state(session, row, locale()),
        join_url=join_url,
        join_address=url_for("pages.join", _external=True),
        own_socket=True,
    )


@pages.get("/live/<code>/qr.svg")
@access.allow(access.SIGNED_IN)
def live_qr(code: str):
    """The join link as a QR code, drawn here (no outside service sees the code)."""
    row = live.hosted(get_session(), code, current_user.id)
    qr = segno.make(url_for("pages.live_join", code=row.code, _external=True), error="m")
    svg = io.BytesIO()  # a whole SVG document (with its namespace), as an <img> needs
    qr.save(svg, kind="svg", scale=10, border=2, dark="#0b0c0c", light="#ffffff")
    return (
        svg.getvalue(),
        200,
        {"Content-Type": "image/svg+xml", "Cache-Control": "private, max-age=3600"},
    )


@pages.get("/live/<code>/follow-ups")
@access.allow(access.SIGNED_IN)
def live_follow_ups(code: str):
    session = get_session()
    row = live.hosted(session, code, current_user.id)
    return render_template(
        "live_follow_ups.html", live=row, requests=follow_ups.requests_for(session, row)
    )


@pages.route("/join", methods=["GET", "POST"])
@pages.route("/join/<code>", methods=["GET", "POST"], endpoint="live_join")
@access.allow(access.PUBLIC)
@limit_guests
def join(code: str | None = None):
    """Enter the code and a name; without an account you play as a guest at once."""
    form = JoinForm()
    if request.method == "GET":
        form.code.data = (code or request.args.get("code") or "").upper()
        if current_user.is_authenticated:
            form.nickname.data = current_user.user.display_name
    if form.validate_on_submit():
        entered = form.code.data.strip().upper()
        session = get_session()
        try:
            live.find(session, entered)
            if not current_user.is_authenticated:
                start_session(
                    accounts.create_guest(session, nickname=form.nickname.data, locale=locale())
                )
            live_play.join(
                session,
                code=entered,
                user_id=current_user.id,
                nickname=form.nickname.data,
                show_name=form.show_name.data,
                locale=locale(),
            )
        except DomainError as error:
            target = form.code if isinstance(error, NotFound) else form.nickname
            target.errors = [*target.errors, field_message(error)]
        else:
            return redirect(url_for("pages.live_play", code=entered))
    status = 422 if form.errors else 200
    return render_template("live_join.html", form=form), status


@pages.get("/live/<code>", endpoint="live_play")
@access.allow(access.SIGNED_IN)
def phone_screen(code: str):
    session = get_session()
    row = live.find(session, code)
    try:
        seat = live_play.join(session, code=row.code, user_id=current_user.id, nickname=None)
    except DomainError:
        return redirect(url_for("pages.live_join", code=row.code))
    return render_template(
        "live_play.html",
        live=row,
        seat=seat,
        own_socket=True,
        topics=_topics(),
        host_offers=bool(offers.by_provider(session, provider_id=row.host_id)),
    )


@pages.get("/live/<code>/offers")
@access.allow(access.SIGNED_IN)
def live_offers(code: str):
    """After a session: what its host offers (a course, a conversation), to sign up for."""
    session = get_session()
    rows = follow_ups.of_live_host(session, code=code, user_id=current_user.id)
    return render_template(
        "live_offers.html",
        code=code.upper(),
        offers=offers.views(session, rows, user_id=current_user.id, locale=locale()),
        form=ClaimForm(),
    )


@pages.post("/live/<code>/offers/<int:offer_id>/signup")
@access.allow(access.SIGNED_IN)
def live_offer_signup(code: str, offer_id: int):
    form = ClaimForm()
    if form.validate():
        try:
            follow_ups.sign_up_after_live(
                get_session(),
                code=code,
                offer_id=offer_id,
                user_id=current_user.id,
                share_contact=form.share_contact.data,
                contact=form.contact.data,
            )
        except Conflict:
            flash(_("Sorry, all places are taken."))
        else:
            flash(_("You have a place. The organiser will contact you if you said they may."))
    return redirect(url_for("pages.live_offers", code=code))


def _topics() -> list[tuple[str, str]]:
    return [
        ("career_conversation", _("A talk about my career")),
        ("course", _("Information about a course or training")),
        ("other", _("Something else: contact me")),
    ]
