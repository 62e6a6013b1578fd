"""Peer group pages: my groups, create, join by code or link, the group page, leave, manage.

Everything works without JavaScript; group.js adds presence and the live feed.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .. import access
from ..api.groups import limit_group_join
from ..content.schema import Mode
from ..current import catalog, locale
from ..db import get_session
from ..realtime.groups import online_user_ids
from ..services.common.errors import Conflict, NotFound
from ..services.play import group_play, groups
from . import pages


class GroupForm(FlaskForm):
    name = StringField(
        _l("Name of the group"),
        description=_l("For example: Night shift depot Tilburg. Everyone in the group sees it."),
        validators=[InputRequired(_l("Enter a name for the group.")), Length(max=80)],
    )
    sector = StringField(
        _l("Sector (optional)"),
        description=_l("For example: transport, cleaning or retail."),
        validators=[Optional(), Length(max=60)],
    )


class JoinForm(FlaskForm):
    code = StringField(
        _l("Group code"),
        description=_l("8 letters and numbers. You get it from someone in the group."),
        validators=[InputRequired(_l("Enter the group code.")), Length(max=40)],
    )


class GoalForm(FlaskForm):
    quests = IntegerField(
        _l("Quests together this month"),
        description=_l("Leave empty for no goal."),
        validators=[Optional(), NumberRange(min=1, max=500, message=_l("Choose 1 to 500."))],
    )


def _state(group_id: int):
    return groups.group_state(
        get_session(),
        group_id=group_id,
        user_id=current_user.id,
        online_user_ids=online_user_ids(group_id),
        locale=locale(),
    )


@pages.get("/groups")
@access.allow(access.SIGNED_IN)
def my_groups():
    found = groups.my_groups(get_session(), user_id=current_user.id)
    return render_template("groups.html", groups=found, form=JoinForm())


@pages.route("/groups/new", methods=["GET", "POST"])
@access.allow(access.FULL_ACCOUNT)
def new_group():
    form = GroupForm()
    if form.validate_on_submit():
        created = groups.create_group(
            get_session(), user_id=current_user.id, name=form.name.data, sector=form.sector.data
        )
        flash(_("Your group is ready. Invite your colleagues with the code."))
        return redirect(url_for("pages.group", group_id=created.id))
    status = 422 if form.errors else 200
    return render_template("group_new.html", form=form), status


@pages.post("/groups/join")
@access.allow(access.SIGNED_IN)
@limit_group_join
def join_group():
    form = JoinForm()
    if form.validate_on_submit():
        try:
            group = groups.join(get_session(), user_id=current_user.id, code=form.code.data)
        except NotFound:
            form.code.errors = [_("No group has this code. Check the code and try again.")]
        else:
            flash(_("Welcome to %(name)s.", name=group.name))
            return redirect(url_for("pages.group", group_id=group.id))
    found = groups.my_groups(get_session(), user_id=current_user.id)
    return render_template("groups.html", groups=found, form=form), 422


@pages.get("/groups/join/<code>")
@access.allow(access.SIGNED_IN)
def invite(code: str):
    """The invite link: shows which group it is, and a button to join."""
    session = get_session()
    try:
        group = groups.group_for_code(session, code=code)
    except NotFound:
        flash(_("This invite link does not work any more. Ask for a new code."))
        return redirect(url_for("pages.my_groups"))
    if groups.membership(session, group_id=group.id, user_id=current_user.id):
        return redirect(url_for("pages.group", group_id=group.id))
    return render_template("group_invite.html", group=group, form=JoinForm(code=group.invite_code))


@pages.get("/groups/<int:group_id>")
@access.allow(access.SIGNED_IN)
def group(group_id: int):
    state = _state(group_id)
    quests = catalog().find(mode=Mode.GROUP)
    mine = group_play.my_answers(
        get_session(), group_id=group_id, user_id=current_user.id, locale=locale()
    )
    return render_template(
        "group.html",
        group=state,
        quests=quests,
        live_quests=catalog().find(mode=Mode.LIVE) if state.role == "owner" else [],
        my_answers=mine,
        lang=locale(),
        invite_url=url_for("pages.invite", code=state.invite_code, _external=True),
        goal_form=GoalForm(quests=state.goal.quests if state.goal else None),
    )


@pages.get("/groups/<int:group_id>/live")
@access.allow(access.SIGNED_IN)
def group_live(group_id: int):
    """The members, goal and feed as an HTML fragment, for group.js to swap in."""
    return render_template("_group_live.html", group=_state(group_id))


@pages.route("/groups/<int:group_id>/leave", methods=["GET", "POST"])
@access.allow(access.SIGNED_IN)
def leave_group(group_id: int):
    session = get_session()
    if request.method == "GET":
        return render_template("group_leave.html", group=_state(group_id))
    groups.leave(session, group_id=group_id, user_id=current_user.id)
    flash(_("You left the group. What you shared with it is no longer visible."))
    return redirect(url_for("pages.my_groups"))


@pages.post("/groups/<int:group_id>/members/<int:user_id>/remove")
@access.allow(access.SIGNED_IN)
def remove_member(group_id: int, user_id: int):
    groups.remove_member(
        get_session(), group_id=group_id, owner_id=current_user.id, member_id=user_id
    )
    flash(_("You removed this person from the group."))
    return redirect(url_for("pages.group", group_id=group_id))


@pages.post("/groups/<int:group_id>/goal")
@access.allow(access.SIGNED_IN)
def set_goal(group_id: int):
    form = GoalForm()
    if form.validate_on_submit():
        groups.set_goal(
            get_session(), group_id=group_id, user_id=current_user.id, quests=form.quests.data
        )
        flash(_("The group goal is saved."))
    else:
        groups.require_member(get_session(), group_id=group_id, user_id=current_user.id)
        flash(_("Choose a goal from 1 to 500 quests, or leave it empty."))
    return redirect(url_for("pages.group", group_id=group_id))


@pages.post("/groups/<int:group_id>/code")
@access.allow(access.SIGNED_IN)
def new_code(group_id: int):
    groups.new_code(get_session(), group_id=group_id, user_id=current_user.id)
    flash(_("The group has a new code. The old code and link no longer work."))
    return redirect(url_for("pages.group", group_id=group_id))


@pages.post("/groups/<int:group_id>/answers/<int:answer_id>/share")
@access.allow(access.SIGNED_IN)
def share_answer(group_id: int, answer_id: int):
    try:
        group_play.share_answer(
            get_session(),
            catalog(),
            group_id=group_id,
            user_id=current_user.id,
            answer_id=answer_id,
            locale=locale(),
        )
    except Conflict:
        flash(_("This answer cannot be shared."))
    else:
        flash(_("Your group can now read this answer."))
    return redirect(url_for("pages.group", group_id=group_id) + "#my-answers")


@pages.post("/groups/<int:group_id>/answers/<int:answer_id>/unshare")
@access.allow(access.SIGNED_IN)
def unshare_answer(group_id: int, answer_id: int):
    group_play.unshare_answer(
        get_session(), group_id=group_id, user_id=current_user.id, answer_id=answer_id
    )
    flash(_("Only you can see this answer again."))
    return redirect(url_for("pages.group", group_id=group_id) + "#my-answers")


from . import group_play as _group_play_pages  # noqa: E402,F401
