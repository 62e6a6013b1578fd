"""Taking part in a live session: join, answer the open step, see the results, ask for more.

Privacy: counts per option are anonymous aggregates and always shown. Written answers
(reflections, actions, contacts) only reach the screen when the participant chose to share
them, and then as words without a name.
"""

import functools
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ...content.step_base import Reveal
from ...content.steps import BaseStep
from ...models import (
    Answer,
    AnswerShare,
    Audience,
    LiveParticipant,
    LiveSession,
    LiveStatus,
    LiveVote,
    QuestRun,
    QuestVersion,
    RunStatus,
    User,
    utcnow,
)
from ..common.domain_events import LiveAnswered, LiveAnswerRevealed, LiveSeatTaken
from ..common.errors import N_, Conflict, NotFound
from ..common.unit_of_work import raise_event
from ..identity import accounts
from ..play.run_state import quest_by_version
from .live import (
    LiveState,
    controlling,
    current_step,
    find,
    live_steps,
    quest_of_session,
    state,
)

WORD_LIST_SIZE = 40
# Little words that would crowd the word list on the screen.
_STOP_WORDS = (
    "de het een en van ik je dat die in is op te met voor niet zijn er maar ook als bij om "
    "dan wat mijn me mij we wij ze zij hij nog wel aan naar of dit kan heb heeft hebben was "
    "the a an and of to in is it that for on with as at be my me we you they are was this "
    "have has not but or so if do can"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())


class Seat(BaseModel):
    """A participant's view after joining (or coming back): the session and their answers."""

    state: LiveState | None  # None when the caller builds its own (the socket's step event)
    nickname: str
    show_name: bool
    answers: dict[str, Any]
    guest: bool


class Results(BaseModel):
    code: str
    step_id: str
    type: str
    total: int
    counts: dict[str, int] | None = None
    means: dict[str, float] | None = None
    # The word cloud: {"word", "count"} and, for whole phrases, "key" and "votes".
    words: list[dict] | None = None
    # Whole phrases the phones may vote for ("me too").
    votable: bool = False


def _participant(session: Session, live: LiveSession, user_id: int) -> LiveParticipant | None:
    return session.exec(
        select(LiveParticipant).where(
            LiveParticipant.session_id == live.id, LiveParticipant.user_id == user_id
        )
    ).first()


@dataclass
class Taken:
    """A seat taken or come back to, with what the joining phone is shown."""

    live: LiveSession
    nickname: str
    show_name: bool
    answers: dict[str, Any]
    guest: bool
    participants: int  # seats taken, this one included


_OTHER_SEATS = aliased(LiveParticipant)
# One round trip for all a join must know: the session and its quest version's digest,
# this person's seat if they have one, their name and whether they are a guest, and how
# many seats are taken.
_JOINING = (
    select(
        LiveSession,
        QuestVersion.digest,
        LiveParticipant,
        User.display_name,
        User.is_guest,
        sa.select(sa.func.count())
        .where(_OTHER_SEATS.session_id == LiveSession.id)
        .scalar_subquery()
        .label("participants"),
    )
    .select_from(LiveSession)
    .join(QuestVersion, QuestVersion.id == LiveSession.quest_version_id)
    .join(User, User.id == sa.bindparam("user_id"))
    .outerjoin(
        LiveParticipant,
        sa.and_(
            LiveParticipant.session_id == LiveSession.id,
            LiveParticipant.user_id == sa.bindparam("user_id"),
        ),
    )
    .where(LiveSession.code == sa.bindparam("code"))
)
_ANSWERS_OF_RUN = sa.select(Answer.step_id, Answer.value).where(
    Answer.run_id == sa.bindparam("run_id")
)


def take_seat(
    session: Session, *, code: str, user_id: int, nickname: str | None, show_name: bool = False
) -> Taken:
    """Take a seat, or come back to it: the same person always gets the same seat.

    A thousand phones join within seconds, so this reads in one statement and writes the
    seat and its run in one more (two on SQLite). Two tabs of one person joining at once:
    the second write fails on the seat's unique key, and that tab comes back to the seat.
    The live:join event runs it statement by statement on PostgreSQL (one_statement): its
    writes there must stay one statement."""
    found = session.exec(_JOINING, params={"code": code.upper(), "user_id": user_id}).first()
    if found is None:
        raise NotFound(N_("No session with this code. Check the code on the screen."), field="code")
    live, quest_digest, seat, display_name, is_guest, participants = found
    quest_by_version(session, live.quest_version_id, quest_digest)  # what the caller shows
    if seat is not None:
        rows = session.connection().execute(_ANSWERS_OF_RUN, {"run_id": seat.run_id})
        return Taken(
            live=live,
            nickname=seat.nickname,
            show_name=seat.show_name,
            answers={row.step_id: json.loads(row.value) for row in rows},
            guest=is_guest,
            participants=participants,
        )
    if live.status == LiveStatus.ENDED:
        raise Conflict(N_("This session has ended."))
    name = accounts.clean_name(nickname or display_name, field="nickname", max_length=40)
    raise_event(session, LiveSeatTaken(code=live.code))
    try:
        _write_seat(session, live, user_id, name, show_name)
        session.commit()
    except sa.exc.IntegrityError:  # the same person's other tab took the seat meanwhile
        session.rollback()
        return take_seat(
            session, code=code, user_id=user_id, nickname=nickname, show_name=show_name
        )
    return Taken(
        live=live,
        nickname=name,
        show_name=show_name,
        answers={},  # a new seat has answered nothing yet
        guest=is_guest,
        participants=participants + 1,
    )


def _write_seat(session: Session, live: LiveSession, user_id: int, name: str, show: bool) -> None:
    now = utcnow()
    run = {
        "user_id": user_id,
        "quest_id": live.quest_id,
        "quest_version_id": live.quest_version_id,
        "mode": "live",
        "status": RunStatus.ACTIVE.value,
        "started_at": now,
        "updated_at": now,
    }
    seat = {"session_id": live.id, "user_id": user_id, "nickname": name, "show_name": show}
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_pg_seat(), run | {"s_" + k: v for k, v in seat.items()} | {"now": now})
        return
    run_id = connection.execute(_INSERT_RUN, run).inserted_primary_key[0]
    connection.execute(_INSERT_SEAT, seat | {"run_id": run_id, "joined_at": now})


_INSERT_RUN = sa.insert(QuestRun.__table__)
_INSERT_SEAT = sa.insert(LiveParticipant.__table__)


@functools.cache
def _pg_seat():
    """On PostgreSQL the run and the seat as one statement (a CTE feeds the run's id)."""
    p = sa.bindparam
    runs = QuestRun.__table__
    run = (
        sa.insert(runs)
        .values(
            user_id=p("user_id"),
            quest_id=p("quest_id"),
            quest_version_id=p("quest_version_id"),
            mode=p("mode"),
            status=p("status"),
            started_at=p("started_at"),
            updated_at=p("updated_at"),
        )
        .returning(runs.c.id)
        .cte("run")
    )
    seats = LiveParticipant.__table__
    return sa.insert(seats).from_select(
        ["session_id", "user_id", "run_id", "nickname", "show_name", "joined_at"],
        sa.select(
            p("s_session_id", type_=sa.Integer),
            p("s_user_id", type_=sa.Integer),
            run.c.id,
            p("s_nickname", type_=sa.String),
            p("s_show_name", type_=sa.Boolean),
            p("now", type_=seats.c.joined_at.type),
        ),
    )


def join(
    session: Session,
    *,
    code: str,
    user_id: int,
    nickname: str | None,
    show_name: bool = False,
    locale: str = "nl",
) -> Seat:
    """`take_seat`, with the session's state in the player's language (the pages')."""
    taken = take_seat(session, code=code, user_id=user_id, nickname=nickname, show_name=show_name)
    return Seat(
        state=state(session, taken.live, locale, participants=taken.participants),
        nickname=taken.nickname,
        show_name=taken.show_name,
        answers=taken.answers,
        guest=taken.guest,
    )


def seat_of(session: Session, live: LiveSession, user_id: int) -> LiveParticipant:
    seat = _participant(session, live, user_id)
    if seat is None:
        raise NotFound(N_("Join the session first."), field="code")
    return seat


# Built once: every join and every broadcast of results runs it.
_RESULTS = (
    sa.select(Answer.value, AnswerShare.id)
    .join(LiveParticipant, LiveParticipant.run_id == Answer.run_id)
    .outerjoin(
        AnswerShare,
        sa.and_(
            AnswerShare.answer_id == Answer.id,
            AnswerShare.audience == Audience.LIVE.value,
            AnswerShare.audience_id == sa.bindparam("session_id"),
        ),
    )
    .where(
        LiveParticipant.session_id == sa.bindparam("session_id"),
        Answer.step_id == sa.bindparam("step_id"),
    )
)


def results(session: Session, live: LiveSession, step: BaseStep) -> Results:
    """The anonymous picture of one step's answers so far."""
    rows = session.connection().execute(_RESULTS, {"session_id": live.id, "step_id": step.id})
    rows = rows.all()
    found = Results(code=live.code, step_id=step.id, type=step.type, total=len(rows))
    values = [json.loads(value) for value, _share in rows]
    shared = [json.loads(value) for value, share in rows if share is not None]
    summary = step.projector_results(values, shared)
    if "texts" in summary:  # the room sees the words people chose to show, never the texts
        summary["words"] = _word_list(summary.pop("texts"))
    if "phrases" in summary:  # a few words each: kept whole, counted, voted for
        summary["words"] = _phrase_list(summary.pop("phrases"), _votes(session, live, step))
        summary["votable"] = True
    return found.model_copy(update=summary)


def phrase_key(phrase: str) -> str:
    """The same phrase however it was typed (case, spaces), as a digest (see LiveVote)."""
    normal = " ".join(phrase.lower().split())
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


def _phrase_list(phrases, votes: Counter) -> list[dict]:
    counts: Counter = Counter()
    shown: dict[str, str] = {}
    for phrase in phrases:
        key = phrase_key(phrase)
        counts[key] += 1
        shown.setdefault(key, " ".join(phrase.split()))
    ranked = sorted(counts, key=lambda k: (-(counts[k] + votes[k]), shown[k].lower()))
    return [
        {"word": shown[k], "count": counts[k], "key": k, "votes": votes[k]}
        for k in ranked[:WORD_LIST_SIZE]
    ]


def _votes(session: Session, live: LiveSession, step: BaseStep) -> Counter:
    rows = session.exec(
        select(LiveVote.phrase_key, sa.func.count())
        .where(LiveVote.session_id == live.id, LiveVote.step_id == step.id)
        .group_by(LiveVote.phrase_key)
    ).all()
    return Counter(dict(rows))


def vote(session: Session, *, code: str, user_id: int, step_id: str, key: str) -> bool:
    """A participant's "me too" on a phrase of the open step; once each. True when new."""
    live = find(session, code)
    seat_of(session, live, user_id)  # only someone in the room votes
    step = current_step(session, live)
    if step is None or step.id != step_id:
        raise Conflict(N_("This question is closed. Look at the big screen."), field="step_id")
    if key not in {w.get("key") for w in results(session, live, step).words or []}:
        raise NotFound(N_("This answer is not on the screen (any more)."), field="key")
    try:
        with session.begin_nested():  # two taps at once: the unique key lets one in
            session.add(
                LiveVote(session_id=live.id, step_id=step.id, user_id=user_id, phrase_key=key)
            )
    except sa.exc.IntegrityError:
        return False
    raise_event(session, LiveAnswered(code=live.code))
    session.commit()
    return True


def _word_list(texts) -> list[dict]:
    counts = Counter(
        word
        for text in texts
        for word in re.findall(r"[^\W\d_][\w'-]*", text.lower())
        if len(word) > 2 and word not in STOP_WORDS
    )
    return [{"word": w, "count": n} for w, n in counts.most_common(WORD_LIST_SIZE)]


def current_results(session: Session, code: str) -> Results | None:
    live = find(session, code)
    step = current_step(session, live)
    return results(session, live, step) if step is not None else None


def shown_names(session: Session, live: LiveSession) -> list[str]:
    """Nicknames for the host screen: only of participants who chose to be named."""
    return list(
        session.exec(
            select(LiveParticipant.nickname)
            .where(LiveParticipant.session_id == live.id, LiveParticipant.show_name.is_(True))
            .order_by(LiveParticipant.joined_at)
        ).all()
    )


__all__ = ["live_steps", "quest_of_session"]


class Highlight(BaseModel):
    """What the room chose at one step: the option most people picked, the statement scored
    highest, or the words shared most (never a person's answer)."""

    prompt: str
    top: str
    answers: int


class Recap(BaseModel):
    """The end of a session, for the screen and every phone: the room together."""

    joined: int
    took_part: int
    xp: int
    highlights: list[Highlight]


def recap(session: Session, live: LiveSession, locale: str = "nl") -> Recap:
    quest = quest_of_session(session, live)
    joined, took_part = session.exec(
        select(
            sa.func.count(sa.distinct(LiveParticipant.id)),
            sa.func.count(sa.distinct(Answer.run_id)),
        )
        .select_from(LiveParticipant)
        .outerjoin(Answer, Answer.run_id == LiveParticipant.run_id)
        .where(LiveParticipant.session_id == live.id)
    ).one()
    highlights = []
    for step in live_steps(quest):
        found = results(session, live, step)
        top = _top(found, step.view_fields(locale))
        if top:
            highlights.append(
                Highlight(prompt=step.prompt.get(locale), top=top, answers=found.total)
            )
    return Recap(joined=joined, took_part=took_part, xp=quest.total_xp, highlights=highlights)


def _top(found: Results, view: dict[str, Any]) -> str | None:
    """The room's choice in words, from the totals every step type gives the screen."""
    if found.counts and max(found.counts.values()) > 0:
        labels = {o["id"]: o["label"] for o in view.get("options") or []}
        best = max(found.counts, key=lambda option: found.counts[option])
        return labels.get(best, best)
    if found.means:
        texts = {i["id"]: i["text"] for i in view.get("items") or []}
        best = max(found.means, key=lambda item: found.means[item])
        return texts.get(best, best)
    if found.words:
        return ", ".join(w["word"] for w in found.words[:3])
    return None


def reveal(session: Session, *, code: str, host_id: int, sid: str) -> LiveSession:
    """The host shows the right answer of the open question (a quiz) to the room."""
    live = controlling(session, code, host_id, sid)
    step = current_step(session, live)
    if step is None or not step.revealable:
        raise Conflict(N_("This question has no right answer to show."), field="code")
    raise_event(session, LiveAnswerRevealed(session_id=live.id, code=live.code, step_id=step.id))
    session.commit()
    return live


def revealed(session: Session, live: LiveSession, step: BaseStep, locale: str) -> Reveal:
    """The right answer and the room's score: how many got it right, never who."""
    values = session.exec(
        select(Answer.value)
        .join(LiveParticipant, LiveParticipant.run_id == Answer.run_id)
        .where(LiveParticipant.session_id == live.id, Answer.step_id == step.id)
    ).all()
    return step.reveal([json.loads(value) for value in values], locale)
