"""Coach links on the pages: the worker decides who sees what, and can take it back."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from .. import access
from ..current import catalog, locale
from ..db import get_session
from ..models import Role, ShareLevel
from ..services.common import audit
from ..services.common.errors import DomainError, InvalidInput, NotFound
from ..services.guidance import assignments, coach_notes, coaching, development_plan, feedback
from ..services.progress.progression import LEVELS
from ..services.together import live_history
from . import COMPETENCY_NAMES, pages
from .charts import radar


class AcceptForm(FlaskForm):
    code = StringField(
        _l("Code from your coach"),
        description=_l("8 letters and numbers."),
        validators=[InputRequired(_l("Enter the code from your coach.")), Length(max=20)],
    )
    share = RadioField(
        _l("What may your coach see?"),
        choices=[
            SelectChoice(
                ShareLevel.PROGRESS.value, _l("My progress: XP, levels, badges and quests done")
            ),
            SelectChoice(
                ShareLevel.PROGRESS_AND_ANSWERS.value,
                _l("My progress, and answers I choose to share with this coach"),
            ),
        ],
        default=ShareLevel.PROGRESS.value,
    )


COACH = access.roles(Role.COACH)


def _accept(session, form: AcceptForm):
    """Link with the coach of the code in `form`; the link, or None with the error on the field."""
    try:
        return coaching.accept(
            session,
            worker_id=current_user.id,
            code=form.code.data,
            share=ShareLevel(form.share.data),
        )
    except DomainError as error:
        form.code.errors = [
            _("This code does not work. Ask your coach for a new one.")
            if isinstance(error, NotFound)
            else _("This is your own code.")
        ]
        return None


def _linked(link):
    flash(_("%(name)s is now your coach.", name=link.coach.name))
    return redirect(url_for("pages.my_coaches"))


@pages.route("/coaches", methods=["GET", "POST"])
@access.allow(access.SIGNED_IN)
def my_coaches():
    """Every coach link of mine, a form to accept a new one, and one click to withdraw."""
    session = get_session()
    form = AcceptForm()
    if form.validate_on_submit() and (link := _accept(session, form)):
        return _linked(link)
    return _coaches_page(session, form, 422 if form.errors else 200)


def _coaches_page(session, form: AcceptForm, status: int):
    links = coaching.my_coaches(session, worker_id=current_user.id)
    reads = audit.about(session, subject_id=current_user.id)
    threads = feedback.my_threads(session, worker_id=current_user.id)
    return render_template(
        "coaches.html", form=form, links=links, reads=reads, threads=threads
    ), status


@pages.route("/coaches/join/<code>", methods=["GET", "POST"])
@access.allow(access.SIGNED_IN)
def accept_coach(code: str):
    """The invite link: who the coach is (and their organisation) and what each choice lets
    them see, before the worker says yes."""
    session = get_session()
    form = AcceptForm(code=code)
    try:
        inviter = coaching.invite_from(session, code=code)
    except NotFound:
        form.code.errors = [_("This code does not work. Ask your coach for a new one.")]
        return _coaches_page(session, form, 404)
    if form.validate_on_submit() and (link := _accept(session, form)):
        return _linked(link)
    return render_template(
        "coach_consent.html", form=form, inviter=inviter
    ), 422 if form.errors else 200


@pages.post("/coaches/<int:link_id>/withdraw")
@access.allow(access.SIGNED_IN)
def withdraw_coach(link_id: int):
    coaching.withdraw(get_session(), worker_id=current_user.id, link_id=link_id)
    flash(_("Your coach can no longer see anything of yours."))
    return redirect(url_for("pages.my_coaches"))


@pages.get("/coach")
@access.allow(COACH)
def coach_home():
    return _dashboard(invite=None)


@pages.post("/coach/invites")
@access.allow(COACH)
def coach_invite():
    invite = coaching.create_invite(get_session(), coach_id=current_user.id)
    return _dashboard(
        invite=invite, invite_url=url_for("pages.accept_coach", code=invite.code, _external=True)
    )


def _dashboard(**extra):
    """The coach's start page: clients with a small radar and their assignments, and the
    live sessions this coach hosted with how many took part."""
    session = get_session()
    clients = coaching.clients(session, catalog(), coach_id=current_user.id)
    return render_template(
        "coach.html",
        clients=clients,
        radars={
            client.id: radar(
                [(str(COMPETENCY_NAMES[c]), level) for c, level in client.levels.items()],
                maximum=len(LEVELS),
            )
            for client in clients
        },
        sessions=live_history.hosted_by(
            session, catalog(), host_id=current_user.id, locale=locale()
        ),
        **extra,
    )


@pages.get("/coach/clients/<int:worker_id>")
@access.allow(COACH)
def coach_client(worker_id: int):
    detail = coaching.client(
        get_session(), catalog(), coach_id=current_user.id, worker_id=worker_id, locale=locale()
    )
    books = catalog()
    return render_template(
        "coach_client.html",
        client=detail,
        quests=sorted(books.find(), key=lambda q: q.title.get(locale())),
        lang=locale(),
        assigned=[
            a
            for a in assignments.by_coach(get_session(), books, coach_id=current_user.id)
            if a.worker_id == worker_id
        ],
        notes=coach_notes.notes(get_session(), coach_id=current_user.id, worker_id=worker_id),
        asked=coach_notes.asked_in_my_sessions(
            get_session(), coach_id=current_user.id, worker_id=worker_id
        ),
        plan_shared=development_plan.shared_with(
            get_session(), coach_id=current_user.id, worker_id=worker_id
        ),
    )


@pages.post("/coach/clients/<int:worker_id>/notes")
@access.allow(COACH)
def add_note(worker_id: int):
    try:
        coach_notes.add(
            get_session(),
            coach_id=current_user.id,
            worker_id=worker_id,
            text=request.form.get("text", ""),
        )
    except InvalidInput:
        flash(_("Write a note of at most 2000 characters."))
    return redirect(url_for("pages.coach_client", worker_id=worker_id) + "#notes")
