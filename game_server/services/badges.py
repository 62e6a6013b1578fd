"""Badges: rule primitives in a registry, evaluated incrementally, awarded exactly once.

Each primitive says which events can change its outcome. An event (a quest completed, later a
group quest, a live session, a shared answer, peer feedback) re-checks only the badges whose
rules use a primitive that depends on it, and only those the worker does not hold yet.
"""

from collections.abc import Callable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlmodel import Session, select

from ..content.catalog import Catalog
from ..content.schema import AllOf, AnyOf, Badge
from ..models import BadgeAward, XpAward
from .progression import PlayerFacts

QUEST_COMPLETED = "quest_completed"
GROUP_QUEST = "group_quest"
LIVE_SESSION = "live_session"
ANSWER_SHARED = "answer_shared"
PEER_FEEDBACK = "peer_feedback"


@dataclass(frozen=True)
class Primitive:
    events: frozenset[str]
    holds: Callable[[object, PlayerFacts], bool]


def _quests_by_competency(facts: PlayerFacts, competency: str) -> set[str]:
    rows = facts.session.exec(
        select(XpAward.quest_id).where(
            XpAward.user_id == facts.user_id, XpAward.competency == competency
        )
    ).all()
    return set(rows)


def _quests_completed(rule, facts: PlayerFacts) -> bool:
    """N distinct quests; of the listed ones, or of those that train the competency."""
    done = facts.completed_quest_ids
    if rule.quests:
        done = done & set(rule.quests)
    if rule.competency:
        done = done & _quests_by_competency(facts, rule.competency)
    return len(done) >= rule.quests_completed


def _xp(rule, facts: PlayerFacts) -> bool:
    total = facts.xp[rule.competency] if rule.competency else sum(facts.xp.values())
    return total >= rule.xp


def _scan_growth(rule, facts: PlayerFacts) -> bool:
    growth = facts.scan_growth
    if growth is None:
        return False
    if rule.competency:
        return growth.get(rule.competency, 0) >= rule.scan_growth
    return sum(growth.values()) / len(growth) >= rule.scan_growth


PRIMITIVES: dict[str, Primitive] = {
    "quests_completed": Primitive(frozenset({QUEST_COMPLETED}), _quests_completed),
    "xp": Primitive(frozenset({QUEST_COMPLETED}), _xp),
    "streak_weeks": Primitive(
        frozenset({QUEST_COMPLETED}), lambda r, f: f.rhythm.weeks >= r.streak_weeks
    ),
    "scan_growth": Primitive(frozenset({QUEST_COMPLETED}), _scan_growth),
    "group_quests": Primitive(
        frozenset({GROUP_QUEST}), lambda r, f: f.group_quests >= r.group_quests
    ),
    "live_sessions": Primitive(
        frozenset({LIVE_SESSION}), lambda r, f: f.live_sessions >= r.live_sessions
    ),
    "shared_reflections": Primitive(
        frozenset({ANSWER_SHARED}), lambda r, f: f.shared_reflections >= r.shared_reflections
    ),
    "peer_feedback": Primitive(
        frozenset({PEER_FEEDBACK}), lambda r, f: f.peer_feedback >= r.peer_feedback
    ),
}


def _primitive_of(rule) -> Primitive:
    return next(PRIMITIVES[key] for key in PRIMITIVES if hasattr(rule, key))


def rule_events(rule) -> frozenset[str]:
    if isinstance(rule, AllOf | AnyOf):
        children = rule.all if isinstance(rule, AllOf) else rule.any
        return frozenset().union(*(rule_events(child) for child in children))
    return _primitive_of(rule).events


def rule_holds(rule, facts: PlayerFacts) -> bool:
    if isinstance(rule, AllOf):
        return all(rule_holds(child, facts) for child in rule.all)
    if isinstance(rule, AnyOf):
        return any(rule_holds(child, facts) for child in rule.any)
    return _primitive_of(rule).holds(rule, facts)


_indexes: "WeakKeyDictionary[Catalog, dict[str, list[Badge]]]" = WeakKeyDictionary()


def badges_for_event(catalog: Catalog, event: str) -> list[Badge]:
    """The badges an event can affect (computed once per loaded catalog)."""
    if catalog not in _indexes:
        index: dict[str, list[Badge]] = {}
        for badge in catalog.library.badges.values():
            for kind in rule_events(badge.criteria):
                index.setdefault(kind, []).append(badge)
        _indexes[catalog] = index
    return _indexes[catalog].get(event, [])


def held_badge_ids(session: Session, *, user_id: int) -> set[str]:
    return set(session.exec(select(BadgeAward.badge_id).where(BadgeAward.user_id == user_id)).all())


def evaluate(
    session: Session, catalog: Catalog, *, user_id: int, event: str, run_id: int | None = None
) -> list[str]:
    """Award every badge this event completes; returns the new badge ids (not yet committed)."""
    candidates = badges_for_event(catalog, event)
    if not candidates:
        return []
    held = held_badge_ids(session, user_id=user_id)
    facts = PlayerFacts(session, user_id)
    awarded = []
    for badge in candidates:
        if badge.id in held or not rule_holds(badge.criteria, facts):
            continue
        try:
            with session.begin_nested():  # a racing completion may have awarded it just now
                session.add(BadgeAward(user_id=user_id, badge_id=badge.id, run_id=run_id))
        except sa.exc.IntegrityError:
            continue
        awarded.append(badge.id)
    return awarded


def awards_of(session: Session, *, user_id: int) -> list[BadgeAward]:
    return list(
        session.exec(
            select(BadgeAward).where(BadgeAward.user_id == user_id).order_by(BadgeAward.awarded_at)
        ).all()
    )
