"""SQLModel tables, one module per aggregate; importing this registers them all."""

from .assignments import Assignment
from .audit import AuditEntry
from .bookings import Booking, BookingSlot, CancelledBy, MeetingChannel
from .challenges import (
    Challenge,
    ChallengeParticipant,
    ChallengeReward,
    GoalKind,
    RewardKind,
    VoucherCode,
)
from .coach_notes import CoachNote
from .coaching import CoachInvite, CoachLink, ShareLevel
from .credentials import IssuerKey
from .feedback import AnswerFeedback
from .groups import GroupMember, GroupRole, GroupRun, PeerGroup
from .live import FollowUpRequest, LiveParticipant, LiveSession, LiveStatus, LiveVote
from .notifications import ActionCheckin, CheckinOutcome, Notification
from .offers import Offer, OfferKind, OfferSignup
from .organisations import MemberRole, Membership, Organisation, OrganisationKind
from .outreach import (
    Channel,
    NotificationKind,
    NotificationPreference,
    OutgoingMail,
    PasswordReset,
)
from .plans import DevelopmentPlan, PlanOccupation, PlanOccupationKind
from .play import Answer, IdempotencyRecord, QuestRun, QuestVersion, RunStatus, XpAward
from .progress import BadgeAward, ScanGrowth, ScanScore
from .ratings import QuestRating
from .sharing import AnswerShare, Audience
from .two_factor import RecoveryCode, TwoFactor
from .types import utcnow
from .users import ApiToken, Role, User, UserRole
from .wallet import IssuerKind, WalletItem, WalletKind
from .xapi import LrsEndpoint, XapiOutbox

__all__ = [
    "Channel",
    "NotificationKind",
    "NotificationPreference",
    "OutgoingMail",
    "PasswordReset",
    "Booking",
    "BookingSlot",
    "CancelledBy",
    "MeetingChannel",
    "IssuerKind",
    "WalletItem",
    "WalletKind",
    "DevelopmentPlan",
    "PlanOccupation",
    "PlanOccupationKind",
    "ScanScore",
    "ScanGrowth",
    "Challenge",
    "ChallengeParticipant",
    "ChallengeReward",
    "GoalKind",
    "RewardKind",
    "VoucherCode",
    "Offer",
    "OfferKind",
    "OfferSignup",
    "CoachNote",
    "Notification",
    "ActionCheckin",
    "CheckinOutcome",
    "AnswerFeedback",
    "Assignment",
    "AuditEntry",
    "CoachInvite",
    "CoachLink",
    "ShareLevel",
    "AnswerShare",
    "Audience",
    "FollowUpRequest",
    "GroupMember",
    "GroupRole",
    "GroupRun",
    "PeerGroup",
    "LiveParticipant",
    "LiveSession",
    "LiveStatus",
    "LiveVote",
    "LrsEndpoint",
    "XapiOutbox",
    "BadgeAward",
    "IssuerKey",
    "Answer",
    "IdempotencyRecord",
    "QuestRun",
    "QuestVersion",
    "RunStatus",
    "XpAward",
    "QuestRating",
    "ApiToken",
    "Membership",
    "MemberRole",
    "Organisation",
    "OrganisationKind",
    "Role",
    "User",
    "UserRole",
    "utcnow",
    "RecoveryCode",
    "TwoFactor",
]
