"""Socket publishing: what each committed event tells which room.

The rooms and payloads are the public socket contract (DESIGN.md): `xp:gained`,
`quest:completed` and `badge:awarded` to `user:<id>`, `client:progress` to a linked coach's
open view, `group:activity` to `group:<id>`, and the live session's events to `live:<code>`.
"""

from flask import current_app

from ..extensions import socketio
from ..realtime import USER_ROOM, notify
from ..realtime import challenges as challenge_rooms
from ..realtime import coaching as coach_rooms
from ..realtime import groups as group_rooms
from ..realtime import live as live_rooms
from ..services.common.domain_events import (
    AssignmentMade,
    BadgeAwarded,
    ChallengeJoined,
    CoachLinkWithdrawn,
    FeedbackGiven,
    GroupActivity,
    LiveAnswered,
    LiveAnswerRevealed,
    LiveHostReplaced,
    LiveRunsPending,
    LiveSeatTaken,
    LiveSessionEnded,
    LiveStepOpened,
    LoginsEnded,
    QuestCompleted,
    TokenRevoked,
    UserGone,
    XpGained,
)
from ..services.common.unit_of_work import HANDLERS

# -- progress -----------------------------------------------------------------------------


@HANDLERS.after_commit(XpGained)
def xp_gained(event: XpGained) -> None:
    socketio.emit(
        "xp:gained",
        {"quest_id": event.quest_id, "xp": dict(event.xp)},
        to=USER_ROOM.format(event.user_id),
    )


@HANDLERS.after_commit(QuestCompleted)
def quest_completed(event: QuestCompleted) -> None:
    socketio.emit(
        "quest:completed",
        {"quest_id": event.quest_id, "run_id": event.run_id},
        to=USER_ROOM.format(event.user_id),
    )
    coach_rooms.publish_client_progress(event.user_id, event.quest_id, dict(event.xp))
    if event.challenge_ids:
        challenge_rooms.goal_moved(event.challenge_ids)


@HANDLERS.after_commit(BadgeAwarded)
def badge_awarded(event: BadgeAwarded) -> None:
    badge = current_app.extensions["catalog_source"].current().library.badges.get(event.badge_id)
    title = badge.title.get(event.locale) if badge else event.badge_id
    socketio.emit(
        "badge:awarded",
        {"badge_id": event.badge_id, "title": title},
        to=USER_ROOM.format(event.user_id),
    )


# -- groups and coaching ------------------------------------------------------------------


@HANDLERS.after_commit(GroupActivity)
def group_activity(event: GroupActivity) -> None:
    group_rooms.publish([event.activity])


@HANDLERS.after_commit(ChallengeJoined)
def challenge_joined(event: ChallengeJoined) -> None:
    challenge_rooms.goal_moved([event.challenge_id])


@HANDLERS.after_commit(CoachLinkWithdrawn)
def coach_link_withdrawn(event: CoachLinkWithdrawn) -> None:
    coach_rooms.publish_link_withdrawn(event.coach_id, event.worker_id)


@HANDLERS.after_commit(AssignmentMade)
def assignment_made(event: AssignmentMade) -> None:
    coach_rooms.publish_assignment(event.assignment)


@HANDLERS.after_commit(FeedbackGiven)
def feedback_given(event: FeedbackGiven) -> None:
    coach_rooms.publish_feedback(event.to_user_id, event.answer_id, event.item)


# -- logins -------------------------------------------------------------------------------


@HANDLERS.after_commit(LoginsEnded)
def logins_ended(event: LoginsEnded) -> None:
    notify.publish_session_ended(event.user_id)


@HANDLERS.after_commit(TokenRevoked)
def token_revoked(event: TokenRevoked) -> None:
    notify.publish_token_revoked(event.token_id)


@HANDLERS.after_commit(UserGone)
def user_gone(event: UserGone) -> None:
    notify.publish_user_gone(event.user_id)


# -- live sessions ------------------------------------------------------------------------


@HANDLERS.after_commit(LiveHostReplaced)
def live_host_replaced(event: LiveHostReplaced) -> None:
    socketio.emit("live:host_replaced", {"code": event.code}, to=event.previous_sid)


def _step_payload(session, event: LiveStepOpened) -> dict:
    return live_rooms.step_event(session, live_rooms.live.find(session, event.code))


@HANDLERS.after_commit(LiveStepOpened, prepare=_step_payload)
def live_step_opened(event: LiveStepOpened, payload: dict) -> None:
    socketio.emit("live:step", payload, to=live_rooms.LIVE_ROOM.format(event.code))
    live_rooms.broadcast_soon("live:results", event.code)


def _reveal_payload(session, event: LiveAnswerRevealed) -> dict:
    return live_rooms.reveal_event(session, live_rooms.live.find(session, event.code))


@HANDLERS.after_commit(LiveAnswerRevealed, prepare=_reveal_payload)
def live_answer_revealed(event: LiveAnswerRevealed, payload: dict) -> None:
    socketio.emit("live:reveal", payload, to=live_rooms.LIVE_ROOM.format(event.code))


@HANDLERS.after_commit(LiveSeatTaken)
def live_seat_taken(event: LiveSeatTaken) -> None:
    live_rooms.broadcast_soon("presence", event.code)


@HANDLERS.after_commit(LiveAnswered)
def live_answered(event: LiveAnswered) -> None:
    live_rooms.broadcast_soon("live:results", event.code)


def _recap_payload(session, event: LiveSessionEnded) -> dict:
    row = live_rooms.live.find(session, event.code)
    return {"code": event.code, "recap": live_rooms.recap_event(session, row)}


@HANDLERS.after_commit(LiveSessionEnded, prepare=_recap_payload)
def live_session_ended(event: LiveSessionEnded, payload: dict) -> None:
    socketio.emit("live:ended", payload, to=live_rooms.LIVE_ROOM.format(event.code))
    live_rooms.complete_runs_soon(event.session_id)


@HANDLERS.after_commit(LiveRunsPending)
def live_runs_pending(event: LiveRunsPending) -> None:
    live_rooms.complete_runs_soon(event.session_id)
