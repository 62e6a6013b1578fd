"""xAPI: a worker's learning record as statements, and their delivery to an admin's LRS.

Statements never carry answer text (reflections are private) and name the worker only as an
account on our site. Delivery goes through an outbox written in the same transaction as the
completion; a background loop sends it with retry and backoff, so an LRS that is slow or down
never slows or breaks play.
"""

import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...models import Answer, BadgeAward, LrsEndpoint, QuestRun, RunStatus, XapiOutbox, utcnow
from ..common.errors import N_, InvalidInput

log = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"
VERBS = {
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "completed", "afgerond"),
    "answered": ("http://adlnet.gov/expapi/verbs/answered", "answered", "beantwoord"),
    "progressed": ("http://adlnet.gov/expapi/verbs/progressed", "progressed", "gevorderd"),
    "earned": ("http://id.tincanapi.com/verb/earned", "earned", "verdiend"),
}
QUEST_TYPE = "http://adlnet.gov/expapi/activities/lesson"
STEP_TYPE = "http://adlnet.gov/expapi/activities/interaction"
BADGE_TYPE = "http://activitystrea.ms/schema/1.0/badge"
PROGRESS_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/progress"
# uuid5 namespace: the same fact always gets the same statement id, so resending is harmless.
NAMESPACE = uuid.UUID("6f2a4f9e-2c53-4c67-9a55-2f0c1d3b8e11")
MAX_ATTEMPTS = 12
BATCH = 50


def _verb(key: str) -> dict:
    iri, en, nl = VERBS[key]
    return {"id": iri, "display": {"en-US": en, "nl-NL": nl}}


def _duration(start: datetime, end: datetime) -> str:
    seconds = max(0, int((end - start).total_seconds()))
    return f"PT{seconds}S"


def _statement(key: str, fact: str, actor: dict, obj: dict, when: datetime, **extra) -> dict:
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"{key}:{fact}")),
        "actor": actor,
        "verb": _verb(key),
        "object": obj,
        "timestamp": when.isoformat(),
        **extra,
    }


class Site(BaseModel):
    root: str = Field(pattern=r"^https?://")

    def url(self, path: str) -> str:
        return self.root.rstrip("/") + "/" + path.lstrip("/")


def actor_for(user_id: int, site: Site) -> dict:
    """The worker as an account on our site: no name, no e-mail address."""
    return {"objectType": "Agent", "account": {"homePage": site.root, "name": f"user-{user_id}"}}


def _quest_object(catalog: Catalog, quest_id: str, site: Site) -> dict:
    quest = catalog.quest(quest_id)
    definition: dict = {"type": QUEST_TYPE}
    if quest:
        definition["name"] = {"nl-NL": quest.title.nl, "en-US": quest.title.en}
    return {
        "objectType": "Activity",
        "id": site.url(f"quests/{quest_id}"),
        "definition": definition,
    }


def _context(catalog: Catalog, quest_id: str, site: Site) -> dict:
    quest = catalog.quest(quest_id)
    competencies = [str(c) for c, xp in quest.competencies.items() if xp] if quest else []
    return {
        "platform": "Loopbaan Quest",
        "contextActivities": {
            "category": [
                {"objectType": "Activity", "id": site.url(f"competencies/{c}")}
                for c in competencies
            ]
        },
    }


def completion_statement(catalog: Catalog, run: QuestRun, site: Site) -> dict:
    return _statement(
        "completed",
        f"run-{run.id}",
        actor_for(run.user_id, site),
        _quest_object(catalog, run.quest_id, site),
        run.completed_at,
        result={"completion": True, "duration": _duration(run.started_at, run.completed_at)},
        context=_context(catalog, run.quest_id, site),
    )


def badge_statement(award: BadgeAward, site: Site) -> dict:
    return _statement(
        "earned",
        f"award-{award.id}",
        actor_for(award.user_id, site),
        {
            "objectType": "Activity",
            "id": site.url(f"badges/{award.id}"),
            "definition": {"type": BADGE_TYPE},
        },
        award.awarded_at,
    )


def statements_for(session: Session, catalog: Catalog, *, user_id: int, site: Site) -> list[dict]:
    """The worker's whole record, oldest first (GET /api/v1/me/xapi)."""
    runs = session.exec(
        select(QuestRun).where(QuestRun.user_id == user_id).order_by(QuestRun.started_at)
    ).all()
    statements = []
    for run in runs:
        answers = session.exec(select(Answer).where(Answer.run_id == run.id)).all()
        for answer in answers:
            step_object = {
                "objectType": "Activity",
                "id": site.url(f"quests/{run.quest_id}/steps/{answer.step_id}"),
                "definition": {"type": STEP_TYPE},
            }
            # Completion only: the answer itself stays with the worker.
            statements.append(
                _statement(
                    "answered",
                    f"answer-{answer.id}",
                    actor_for(user_id, site),
                    step_object,
                    answer.updated_at,
                    result={"completion": True},
                    context=_context(catalog, run.quest_id, site),
                )
            )
        if run.status == RunStatus.COMPLETED:
            statements.append(completion_statement(catalog, run, site))
        elif run.status == RunStatus.ACTIVE and answers:
            total = len(catalog.quest(run.quest_id).steps) if catalog.quest(run.quest_id) else 0
            progress = min(100, round(100 * len(answers) / total)) if total else 0
            statements.append(
                _statement(
                    "progressed",
                    f"run-{run.id}-{len(answers)}",
                    actor_for(user_id, site),
                    _quest_object(catalog, run.quest_id, site),
                    run.updated_at,
                    result={"completion": False, "extensions": {PROGRESS_EXTENSION: progress}},
                    context=_context(catalog, run.quest_id, site),
                )
            )
    awards = session.exec(select(BadgeAward).where(BadgeAward.user_id == user_id)).all()
    statements.extend(badge_statement(award, site) for award in awards)
    return sorted(statements, key=lambda s: s["timestamp"])


# -- delivery to an LRS ---------------------------------------------------------------------


def active_endpoint(session: Session) -> LrsEndpoint | None:
    return session.exec(select(LrsEndpoint).where(LrsEndpoint.active.is_(True))).first()


def configure_lrs(session: Session, *, url: str, key: str, secret: str) -> LrsEndpoint:
    """Connect an LRS (replacing the previous one); statements from now on go there."""
    if not url.startswith(("https://", "http://")):
        raise InvalidInput(N_("Give the LRS address, starting with https://."), field="url")
    for old in session.exec(select(LrsEndpoint).where(LrsEndpoint.active.is_(True))).all():
        old.active = False
        session.add(old)
    endpoint = LrsEndpoint(url=url.rstrip("/"), key=key, secret=secret)
    session.add(endpoint)
    session.commit()
    return endpoint


def enqueue(session: Session, statements: list[dict]) -> None:
    """Queue statements for the LRS, if one is connected (the caller commits)."""
    if not statements or active_endpoint(session) is None:
        return
    for statement in statements:
        if session.get(XapiOutbox, statement["id"]) is None:
            session.add(XapiOutbox(id=statement["id"], statement=json.dumps(statement)))


Sender = Callable[[LrsEndpoint, list[dict]], None]


def send_pending(session: Session, *, send: Sender, now: datetime | None = None) -> int:
    """Send what is due; on failure back off (1 min, 2, 4 … up to a day). Returns the count sent."""
    endpoint = active_endpoint(session)
    now = now or utcnow()
    if endpoint is None:
        return 0
    due = session.exec(
        select(XapiOutbox)
        .where(XapiOutbox.sent_at.is_(None), XapiOutbox.next_attempt_at <= now)
        .where(XapiOutbox.attempts < MAX_ATTEMPTS)
        .order_by(XapiOutbox.next_attempt_at)
        .limit(BATCH)
    ).all()
    if not due:
        return 0
    delivered = _deliver(endpoint, list(due), send=send, now=now)
    session.commit()
    return delivered


class StatementConflict(Exception):
    """The LRS already holds a statement with one of these ids (409 Conflict)."""


def _deliver(endpoint: LrsEndpoint, rows: list[XapiOutbox], *, send: Sender, now) -> int:
    try:
        send(endpoint, [json.loads(row.statement) for row in rows])
    except StatementConflict as conflict:
        if len(rows) > 1:  # which one? Each on its own, so the others still go
            return sum(_deliver(endpoint, [row], send=send, now=now) for row in rows)
        # Our ids are derived from the fact: the store has this fact already (a resend after
        # a lost reply, or an earlier version of the statement). Retrying cannot change
        # that, and must not hold up the statements behind it.
        rows[0].last_error = f"the LRS holds this statement already: {conflict}"[:500]
        log.warning("LRS already holds statement %s; not sent again", rows[0].id)
    except Exception as exc:  # any failure of the LRS: try again later, never raise to play
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = now + min(
                timedelta(minutes=2 ** (row.attempts - 1)), timedelta(days=1)
            )
            row.last_error = str(exc)[:500]
        log.warning("LRS delivery failed (%d statements kept for later): %s", len(rows), exc)
        return 0
    for row in rows:
        row.sent_at = now
    return len(rows)


def http_send(endpoint: LrsEndpoint, statements: list[dict]) -> None:
    """POST statements to the LRS (xAPI 1.0.3, basic auth); raises on any failure."""
    import base64
    import urllib.error
    import urllib.request

    credentials = base64.b64encode(f"{endpoint.key}:{endpoint.secret}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 (an admin-configured http(s) URL)
        f"{endpoint.url}/statements",
        data=json.dumps(statements).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": XAPI_VERSION,
            "Authorization": f"Basic {credentials}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            if response.status >= 300:
                raise RuntimeError(f"LRS answered {response.status}")
    except urllib.error.HTTPError as error:
        detail = error.read(500).decode(errors="replace")
        if error.code == 409:
            raise StatementConflict(detail) from error
        raise RuntimeError(f"LRS answered {error.code}: {detail}") from error
