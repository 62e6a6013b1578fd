"""Writing and sending the outbox's mail (services/outreach/outbox.py decides what and when).

A mail is written when it goes, in the recipient's language at that moment, as plain text
plus simple HTML from `web/templates/mail/`. Mail about something a person can switch off
carries an unsubscribe link that works without logging in (a signed token naming the person
and the kind) and the List-Unsubscribe headers (RFC 2369, one-click per RFC 8058). Without
GAME_SMTP_HOST (the embedded default) mail is not sent: a line in the log says what would
have gone, without the address or any personal text.
"""

import json
import logging
from datetime import date
from typing import Any

from flask import Flask, render_template, url_for
from flask_babel import force_locale, gettext
from flask_mailman import EmailMultiAlternatives
from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session, select

from .models import (
    Assignment,
    Notification,
    NotificationKind,
    OutgoingMail,
    PasswordReset,
    User,
    utcnow,
)
from .services.identity import password_reset
from .services.outreach import preferences
from .services.outreach.outbox import Undeliverable, params_of

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "unsubscribe"

# Mail a person can switch off: which kind of notification it is.
KIND_OF = {kind.value: kind for kind in NotificationKind}


DIGEST = "digest"  # the weekly mail: its own unsubscribe, for every kind in it


def unsubscribe_token(app: Flask, *, user_id: int, kind: NotificationKind | str) -> str:
    value = kind.value if isinstance(kind, NotificationKind) else kind
    return URLSafeSerializer(app.secret_key, salt=UNSUBSCRIBE_SALT).dumps([user_id, value])


def read_unsubscribe_token(app: Flask, token: str) -> tuple[int, str] | None:
    """(user id, kind) from a link we signed; the kind is a NotificationKind value or DIGEST."""
    try:
        user_id, kind = URLSafeSerializer(app.secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
        if kind != DIGEST:
            kind = NotificationKind(kind).value
        return int(user_id), kind
    except (BadSignature, ValueError, TypeError):
        return None


def _subject(message: str, context: dict[str, Any]) -> str:
    subjects = {
        "password_reset": lambda: gettext("Set a new password for Loopbaan Quest"),
        "assignment": lambda: gettext(
            "%(coach)s has a quest for you: %(title)s",
            coach=context["coach"],
            title=context["title"],
        ),
        "reminders": lambda: (
            gettext("Reminder: %(title)s", title=context["title"])
            if context.get("title")
            else gettext("How did your plan go?")
        ),
        "feedback": lambda: gettext("%(author)s reacted to your answer", author=context["author"]),
        "digest": lambda: gettext("Your week on Loopbaan Quest"),
        "challenge": lambda: gettext("“%(title)s” closes soon", title=context["title"]),
        "group": lambda: gettext("News from %(group)s", group=context["group"]),
        "booking": lambda: (
            {
                "booked": gettext("Appointment: %(when)s with %(other)s"),
                "moved": gettext("Appointment moved: %(when)s with %(other)s"),
                "cancelled": gettext("Appointment cancelled: %(when)s with %(other)s"),
            }[context["change"]]
            % {"when": context["when"], "other": context["other"]}
        ),
        "booking_reminder": lambda: gettext(
            "Reminder: your conversation %(when)s with %(other)s",
            when=context["when"],
            other=context["other"],
        ),
    }
    return subjects[message]()


def _context(session: Session, app: Flask, mail: OutgoingMail, user: User) -> dict[str, Any]:
    """What the mail's templates need, read now (a thing gone since means no mail)."""
    params = params_of(mail)
    if mail.message == "password_reset":
        reset = session.get(PasswordReset, params.get("reset_id"))
        if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
            raise Undeliverable("expired")  # a newer link was asked for, or an hour went by
        token = password_reset.token_for(reset, app.secret_key.encode())
        return {"link": url_for("pages.reset_password", token=token, _external=True)}
    if mail.message == "assignment":
        from .services.guidance.assignments import view_of

        row = session.get(Assignment, params.get("assignment_id"))
        if row is None:
            raise Undeliverable("gone")
        catalog = app.extensions["catalog_source"].current()
        view = view_of(session, catalog, row, locale=user.locale)
        return {
            "coach": view.coach,
            "title": view.title,
            "due": view.due,
            "link": url_for("pages.home", _external=True),
        }
    if mail.message == "reminders":
        row = session.get(Notification, params.get("notification_id"))
        if row is None:
            raise Undeliverable("gone")
        data = json.loads(row.payload)
        return {
            "kind": row.kind,
            "title": data.get("title") if row.kind == "assignment_due" else None,
            "due": date.fromisoformat(data["due"]) if data.get("due") else None,
            "link": url_for("pages.home", _external=True),
        }
    if mail.message == "challenge":
        row = session.get(Notification, params.get("notification_id"))
        if row is None:
            raise Undeliverable("gone")
        data = json.loads(row.payload)
        return {
            "title": data["title"],
            "due": date.fromisoformat(data["due"]),
            "link": url_for(
                "pages.challenge_page", challenge_id=data["challenge_id"], _external=True
            ),
        }
    if mail.message == "group":
        from .models import GroupMember, PeerGroup

        group = session.get(PeerGroup, params.get("group_id"))
        member = session.exec(
            select(GroupMember).where(
                GroupMember.group_id == params.get("group_id"), GroupMember.user_id == user.id
            )
        ).first()
        by = session.get(User, params.get("by"))
        if group is None or member is None or by is None:
            raise Undeliverable("gone")  # the group, its member or the other person left
        catalog = app.extensions["catalog_source"].current()
        quest = catalog.quest(params["quest_id"]) if params.get("quest_id") else None
        who, where = by.display_name, group.name
        if params["what"] == "quest_completed":
            title = quest.title.get(user.locale) if quest else ""
            news = gettext(
                "%(who)s finished a quest in %(group)s: %(quest)s.",
                who=who,
                group=where,
                quest=title,
            )
        elif params["what"] == "answer_shared":
            news = gettext("%(who)s shared an answer with %(group)s.", who=who, group=where)
        else:
            news = gettext("%(who)s reacted to your answer in %(group)s.", who=who, group=where)
        return {
            "group": where,
            "news": news,
            "link": url_for("pages.group", group_id=group.id, _external=True),
        }
    if mail.message in ("booking", "booking_reminder"):
        return _booking_context(session, mail, user, params)
    if mail.message == "feedback":
        from .models import AnswerFeedback

        row = session.get(AnswerFeedback, params.get("feedback_id"))
        author = session.get(User, row.author_id) if row is not None else None
        if row is None or author is None:
            raise Undeliverable("gone")
        link = url_for("pages.my_coaches", _external=True) + "#feedback"
        return {"author": author.display_name, "link": link}
    if mail.message == DIGEST:
        from .services.guidance import digest

        catalog = app.extensions["catalog_source"].current()
        week = digest.week_of(
            session,
            catalog,
            user_id=user.id,
            since=date.fromisoformat(params["since"]),
            locale=user.locale,
        )
        quest = week.suggestion_id
        return {
            "week": week,
            "link": url_for("pages.home", _external=True),
            "quest_link": url_for("pages.quest_detail", quest_id=quest, _external=True)
            if quest
            else None,
        }
    raise Undeliverable("unknown")


def _booking_context(session: Session, mail: OutgoingMail, user: User, params) -> dict:
    """An appointment: its invite as an .ics attachment (the newest version only)."""
    from flask_babel import format_datetime

    from .models import Booking, BookingSlot
    from .services.guidance import bookings

    booking = session.get(Booking, params.get("booking_id"))
    slot = session.get(BookingSlot, booking.slot_id) if booking else None
    if booking is None or slot is None:
        raise Undeliverable("gone")
    if mail.message == "booking" and params.get("sequence") != booking.sequence:
        raise Undeliverable("superseded")  # moved or cancelled since: that mail tells it
    if mail.message == "booking_reminder" and booking.cancelled_at is not None:
        raise Undeliverable("cancelled")
    publisher = user.id == slot.publisher_id
    invite = bookings.invite_of(session, booking)
    method = bookings.method_of(invite)
    ics = bookings.invite_ics(invite, locale=user.locale, method=method, for_publisher=publisher)
    where = {
        "phone": gettext("by phone"),
        "video": gettext("by video: %(link)s", link=invite.link or ""),
        "in_person": gettext("at %(place)s", place=invite.place or ""),
    }[invite.channel.value]
    link = (
        url_for("pages.coach_slots", _external=True)
        if publisher
        else url_for("pages.my_appointment", booking_id=booking.id, _external=True)
    )
    return {
        "change": "reminder" if mail.message == "booking_reminder" else params.get("change"),
        "other": invite.attendee_name if publisher else invite.organizer_name,
        "when": format_datetime(invite.starts_at, "EEEE d MMMM, HH:mm"),
        "where": where,
        "link": link,
        "_attachment": ("afspraak.ics", ics, f"text/calendar; method={method}"),
    }


def compose(app: Flask, session: Session, mail: OutgoingMail) -> EmailMultiAlternatives:
    """The message for one outbox row, or Undeliverable when there is nothing to send."""
    user = session.get(User, mail.user_id)
    if user is None or not user.email or user.is_guest or not user.is_active:
        raise Undeliverable("no_address")
    kind = KIND_OF.get(mail.message)
    if mail.message == "group":  # group news, or a reaction in the group
        kind = NotificationKind(params_of(mail).get("kind", "group"))
    if kind is not None and not preferences.mails_to(session, user_id=user.id, kind=kind):
        raise Undeliverable("unsubscribed")  # the choice changed after the mail was queued
    if mail.message == DIGEST:
        from .services.guidance.digest import digest_kinds

        if not digest_kinds(session, user_id=user.id):
            raise Undeliverable("unsubscribed")
        kind = DIGEST
    settings = app.config["GAME_SETTINGS"]
    with app.test_request_context(base_url=settings.site_root), force_locale(user.locale):
        context = _context(session, app, mail, user)
        context.update(name=user.display_name, message=mail.message)
        headers = {}
        if kind is not None:
            token = unsubscribe_token(app, user_id=user.id, kind=kind)
            unsubscribe = url_for("pages.unsubscribe", token=token, _external=True)
            context.update(
                unsubscribe=unsubscribe,
                settings_link=url_for("pages.notification_settings", _external=True),
            )
            headers = {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        subject = _subject(mail.message, context)
        text = render_template(f"mail/{mail.message}.txt", subject=subject, **context)
        html = render_template(f"mail/{mail.message}.html", subject=subject, **context)
    headers["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to us
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    if attachment := context.get("_attachment"):
        message.attach(*attachment)
    return message


def sender(app: Flask):
    """How the outbox hands mail on: SMTP when configured, else a line in the log."""
    settings = app.config["GAME_SETTINGS"]
    if settings.smtp_host is None:

        def log_only(message: EmailMultiAlternatives) -> None:
            log.info("e-mail not sent (no GAME_SMTP_HOST): %s", message.subject)

        return log_only

    def send_smtp(message: EmailMultiAlternatives) -> None:
        with app.app_context():
            if message.send(fail_silently=False) != 1:
                raise RuntimeError("the mail server did not take the message")

    return send_smtp
