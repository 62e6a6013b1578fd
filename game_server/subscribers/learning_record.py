"""The xAPI outbox: a completion and a badge earned queue their statements in the same
transaction, so a statement is never lost (stored with the fact) nor sent twice (its id is
derived from the fact). Delivery to the LRS happens later, in the background."""

from flask import current_app, has_app_context
from sqlmodel import Session

from ..models import BadgeAward, QuestRun
from ..services.common.domain_events import BadgeAwarded, QuestCompleted
from ..services.common.unit_of_work import HANDLERS
from ..services.progress import xapi


def _site() -> xapi.Site | None:
    if not has_app_context():  # a script without the app: nobody to say where we are
        return None
    return xapi.Site(root=current_app.config["GAME_SETTINGS"].site_root)


@HANDLERS.during_commit(QuestCompleted)
def queue_completion(session: Session, event: QuestCompleted) -> None:
    site = _site()
    if site is None:
        return
    catalog = current_app.extensions["catalog_source"].current()
    run = session.get(QuestRun, event.run_id)
    xapi.enqueue(session, [xapi.completion_statement(catalog, run, site)])


@HANDLERS.during_commit(BadgeAwarded)
def queue_badge(session: Session, event: BadgeAwarded) -> None:
    site = _site()
    if site is None:
        return
    award = session.get(BadgeAward, event.award_id)
    xapi.enqueue(session, [xapi.badge_statement(award, site)])
