"""Badges: rule primitives in a registry, evaluated incrementally, awarded exactly once.

Each primitive says which events can change its outcome. An event (a quest completed, later a
group quest, a live session, a shared answer, peer feedback) re-checks only the badges whose
rules use a primitive that depends on it, and only those the worker does not hold yet.
"""

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...content.schema import RULES, AllOf, AnyOf, Badge
from ...models import BadgeAward
from ..common.domain_events import BadgeAwarded
from ..common.unit_of_work import raise_event
from .progression import PlayerFacts

QUEST_COMPLETED = "quest_completed"
GROUP_QUEST = "group_quest"
LIVE_SESSION = "live_session"
ANSWER_SHARED = "answer_shared"
PEER_FEEDBACK = "peer_feedback"


@dataclass(frozen=True)
class Primitive:
    events: frozenset[str]
    measure: Callable[[object, PlayerFacts], float]


# Every primitive is "a measure of the worker reaches a threshold". `measure` reads the
# worker's value; `fact` names what is measured, so equal measures are computed once and badges
# can be indexed by threshold (see _ThresholdIndex).


def _quests_done(rule, facts: PlayerFacts) -> float:
    """Distinct quests finished; of the listed ones, or of those that train the competency."""
    done = facts.completed_quest_ids
    if rule.quests:
        done = done & set(rule.quests)
    if rule.competency:
        done = done & facts.quests_by_competency.get(rule.competency, set())
    return len(done)


def _xp_total(rule, facts: PlayerFacts) -> float:
    return facts.xp[rule.competency] if rule.competency else sum(facts.xp.values())


def _growth(rule, facts: PlayerFacts) -> float:
    growth = facts.scan_growth
    if growth is None:
        return float("-inf")
    if rule.competency:
        return growth.get(rule.competency, 0)
    return sum(growth.values()) / len(growth)


PRIMITIVES: dict[str, Primitive] = {
    "quests_completed": Primitive(frozenset({QUEST_COMPLETED}), _quests_done),
    "xp": Primitive(frozenset({QUEST_COMPLETED}), _xp_total),
    "streak_weeks": Primitive(frozenset({QUEST_COMPLETED}), lambda r, f: f.rhythm.weeks),
    "scan_growth": Primitive(frozenset({QUEST_COMPLETED}), _growth),
    "group_quests": Primitive(frozenset({GROUP_QUEST}), lambda r, f: f.group_quests),
    "live_sessions": Primitive(frozenset({LIVE_SESSION}), lambda r, f: f.live_sessions),
    "shared_reflections": Primitive(frozenset({ANSWER_SHARED}), lambda r, f: f.shared_reflections),
    "peer_feedback": Primitive(frozenset({PEER_FEEDBACK}), lambda r, f: f.peer_feedback),
}
RULE_KEY = {model: key for key, model in RULES.items()}


def _key_of(rule) -> str:
    return RULE_KEY[type(rule)]


def _threshold(rule) -> float:
    return getattr(rule, _key_of(rule))


def _fact(rule) -> tuple:
    """What a leaf rule measures, as a hashable key (its threshold left out)."""
    quests = tuple(sorted(getattr(rule, "quests", None) or ()))
    return (_key_of(rule), getattr(rule, "competency", None), quests)


def rule_events(rule) -> frozenset[str]:
    if isinstance(rule, AllOf | AnyOf):
        children = rule.all if isinstance(rule, AllOf) else rule.any
        return frozenset().union(*(rule_events(child) for child in children))
    return PRIMITIVES[_key_of(rule)].events


def rule_holds(rule, facts: PlayerFacts) -> bool:
    if isinstance(rule, AllOf):
        return all(rule_holds(child, facts) for child in rule.all)
    if isinstance(rule, AnyOf):
        return any(rule_holds(child, facts) for child in rule.any)
    return PRIMITIVES[_key_of(rule)].measure(rule, facts) >= _threshold(rule)


def _entry_leaves(rule) -> list:
    """Leaves that must hold before the rule can: one leaf of an `all`, every branch of an `any`."""
    if isinstance(rule, AllOf):
        return _entry_leaves(rule.all[0])
    if isinstance(rule, AnyOf):
        return [leaf for child in rule.any for leaf in _entry_leaves(child)]
    return [rule]


class _ThresholdIndex:
    """Badges by what they measure, sorted by threshold: a completion looks only at the badges
    whose entry threshold the worker has now reached, not at the whole catalog."""

    def __init__(self, found: list[Badge]):
        by_fact: dict[tuple, list[tuple[float, str, Badge, object]]] = {}
        for badge in found:
            for leaf in _entry_leaves(badge.criteria):
                by_fact.setdefault(_fact(leaf), []).append(
                    (_threshold(leaf), badge.id, badge, leaf)
                )
        self.facts = {
            fact: sorted(rows, key=lambda r: (r[0], r[1])) for fact, rows in by_fact.items()
        }
        self.thresholds = {fact: [r[0] for r in rows] for fact, rows in self.facts.items()}

    def reachable(self, facts: PlayerFacts) -> list[Badge]:
        seen: dict[str, Badge] = {}
        for fact, rows in self.facts.items():
            value = PRIMITIVES[fact[0]].measure(rows[0][3], facts)
            reached = bisect_right(self.thresholds[fact], value)
            for row in rows[:reached]:
                seen.setdefault(row[1], row[2])
        return list(seen.values())


_indexes: "WeakKeyDictionary[Catalog, dict[str, _ThresholdIndex]]" = WeakKeyDictionary()


def _index(catalog: Catalog) -> dict[str, _ThresholdIndex]:
    """Per event, the badges it can affect, by threshold (built once per loaded catalog)."""
    if catalog not in _indexes:
        by_event: dict[str, list[Badge]] = {}
        for badge in catalog.library.badges.values():
            for kind in rule_events(badge.criteria):
                by_event.setdefault(kind, []).append(badge)
        _indexes[catalog] = {kind: _ThresholdIndex(found) for kind, found in by_event.items()}
    return _indexes[catalog]


def badges_for_event(catalog: Catalog, event: str) -> list[Badge]:
    """Every badge an event can affect."""
    index = _index(catalog).get(event)
    if index is None:
        return []
    return list({row[1]: row[2] for rows in index.facts.values() for row in rows}.values())


def held_badge_ids(session: Session, *, user_id: int) -> set[str]:
    return set(session.exec(select(BadgeAward.badge_id).where(BadgeAward.user_id == user_id)).all())


def evaluate(
    session: Session,
    catalog: Catalog,
    *,
    user_id: int,
    event: str,
    run_id: int | None = None,
    locale: str = "nl",
) -> list[str]:
    """Award every badge this event completes; returns the new badge ids (not yet committed).

    Each award raises `BadgeAwarded` (announced in `locale` once committed).
    """
    index = _index(catalog).get(event)
    if index is None:
        return []
    facts = PlayerFacts(session, user_id)
    candidates = index.reachable(facts)
    if not candidates:
        return []
    held = held_badge_ids(session, user_id=user_id)
    awarded = []
    for badge in candidates:
        if badge.id in held or not rule_holds(badge.criteria, facts):
            continue
        award = BadgeAward(user_id=user_id, badge_id=badge.id, run_id=run_id)
        try:
            with session.begin_nested():  # a racing completion may have awarded it just now
                session.add(award)
        except sa.exc.IntegrityError:
            continue
        awarded.append(badge.id)
        raise_event(
            session,
            BadgeAwarded(
                user_id=user_id,
                badge_id=badge.id,
                award_id=award.id,
                awarded_at=award.awarded_at,
                locale=locale,
            ),
        )
    return awarded


def awards_of(session: Session, *, user_id: int) -> list[BadgeAward]:
    return list(
        session.exec(
            select(BadgeAward).where(BadgeAward.user_id == user_id).order_by(BadgeAward.awarded_at)
        ).all()
    )


def progress_toward(rule, facts: PlayerFacts) -> float:
    """How far the worker is on the way to `rule`, 0 to 1 (all: the slowest part; any: the
    furthest branch)."""
    if isinstance(rule, AllOf):
        return min(progress_toward(child, facts) for child in rule.all)
    if isinstance(rule, AnyOf):
        return max(progress_toward(child, facts) for child in rule.any)
    threshold = _threshold(rule)
    measured = PRIMITIVES[_key_of(rule)].measure(rule, facts)
    if threshold <= 0:
        return 1.0 if measured >= threshold else 0.0
    return max(0.0, min(1.0, measured / threshold))


def nearest_goal(
    session: Session, catalog: Catalog, *, user_id: int, facts: PlayerFacts | None = None
) -> tuple[Badge, float] | None:
    """The badge not held yet that the worker is closest to, and how far they are (0 to 1)."""
    facts = facts or PlayerFacts(session, user_id)
    held = held_badge_ids(session, user_id=user_id)
    open_badges = [b for b in catalog.library.badges.values() if b.id not in held]
    scored = [(progress_toward(b.criteria, facts), b) for b in open_badges]
    scored = [(p, b) for p, b in scored if p < 1]
    if not scored:
        return None
    fraction, badge = max(scored, key=lambda pair: (pair[0], -len(pair[1].id), pair[1].id))
    return badge, fraction
