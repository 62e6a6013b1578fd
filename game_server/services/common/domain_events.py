"""What happens in the domain, as typed events: raised by services, handled after the commit.

Each event carries what its handlers need, so a handler after the commit never has to read
the database again for it. Raise them with `unit_of_work.raise_event`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class QuestCompleted:
    """A run ended with every step done (solo, group or live)."""

    user_id: int
    run_id: int
    quest_id: str
    mode: str
    started_at: datetime
    completed_at: datetime
    group_id: int | None = None
    xp: Mapping[str, int] = field(default_factory=dict)
    # The open challenges of this worker that count the quest: their goals moved.
    challenge_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class XpGained:
    user_id: int
    run_id: int
    quest_id: str
    xp: Mapping[str, int]


@dataclass(frozen=True)
class BadgeAwarded:
    user_id: int
    badge_id: str
    award_id: str
    awarded_at: datetime
    locale: str = "nl"


@dataclass(frozen=True)
class GroupActivity:
    """Something a group's room hears (a completion, a shared answer, a member leaving …).

    `activity` is the feed item as the room receives it (group_feed.Activity).
    """

    activity: Any


@dataclass(frozen=True)
class CoachLinkWithdrawn:
    coach_id: int
    worker_id: int


@dataclass(frozen=True)
class AssignmentMade:
    """`assignment` is the worker's view of it (assignments.AssignmentView)."""

    worker_id: int
    assignment: Any


@dataclass(frozen=True)
class FeedbackGiven:
    """Feedback on an answer, or a reply to it, for the other side (`item`: its view)."""

    to_user_id: int
    answer_id: int
    item: Any


@dataclass(frozen=True)
class LiveHostReplaced:
    """Another screen took over the session: the old one (`previous_sid`) loses control."""

    code: str
    previous_sid: str


@dataclass(frozen=True)
class LiveStepOpened:
    session_id: int
    code: str


@dataclass(frozen=True)
class LiveAnswerRevealed:
    """The host showed the right answer of the open quiz question to the room."""

    session_id: int
    code: str
    step_id: str


@dataclass(frozen=True)
class LiveSeatTaken:
    """Someone new joined the session (the room's head count changed)."""

    code: str


@dataclass(frozen=True)
class LiveAnswered:
    """An answer in the session was stored (its results changed)."""

    code: str


@dataclass(frozen=True)
class LiveSessionEnded:
    """The host ended the session; its runs are completed afterwards, a batch at a time."""

    session_id: int
    code: str


@dataclass(frozen=True)
class LiveRunsPending:
    """An ended session still has runs to complete (its completion stopped half-way)."""

    session_id: int


@dataclass(frozen=True)
class ChallengeJoined:
    """A new participant: the challenge's collective progress moved."""

    challenge_id: int
    user_id: int


@dataclass(frozen=True)
class LoginsEnded:
    """Every cookie login of the user ended (logout everywhere, a new second factor)."""

    user_id: int


@dataclass(frozen=True)
class TokenRevoked:
    token_id: int


@dataclass(frozen=True)
class UserGone:
    """Every login and token of the user ended (a new password, erasure)."""

    user_id: int


@dataclass(frozen=True)
class PasswordResetRequested:
    """Someone asked for a link to set a new password (the mail goes out from the outbox)."""

    user_id: int
    reset_id: int


@dataclass(frozen=True)
class ReminderDue:
    """A reminder was stored for the worker (`notification_id`: the in-app one)."""

    user_id: int
    notification_id: int
    kind: str


@dataclass(frozen=True)
class BookingChanged:
    """A career conversation was booked, moved or cancelled (`sequence`: its invite's)."""

    booking_id: int
    sequence: int
    change: str  # booked, moved, cancelled


@dataclass(frozen=True)
class BookingReminderDue:
    """A booked conversation begins within a day: both sides hear it once."""

    booking_id: int
    user_ids: tuple[int, ...]
