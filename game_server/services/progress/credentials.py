"""Open Badges 3.0: an OpenBadgeCredential for every awarded badge, signed as a VC-JWT.

The credential is built from the award (and the content) whenever it is asked for; nothing
signed is stored. A JWT handed out earlier keeps verifying as long as the award is not revoked,
also after a key rotation (retired keys stay in the JWK set). The recipient appears only as a
salted SHA-256 hash of the e-mail address (a guest: of a stable user URI); evidence names the
completed quests by title and never carries an answer.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey
from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.catalog import Catalog
from ...content.schema import AllOf, AnyOf, Badge
from ...models import BadgeAward, IssuerKey, QuestRun, RunStatus, User
from ...standards import OB_V3P0, VC_V2
from ..common.errors import N_, NotFound
from .issuer_keys import signing_key

CONTEXT = [VC_V2, OB_V3P0]
ISSUER_NAME = "Loopbaan Quest"
MAX_EVIDENCE = 20

COMPETENCIES = {  # the alignment targets: the four career competencies
    "reflecting": ("Reflecteren", "Reflecting", "Weten wat je drijft, wat je belangrijk vindt en "
                   "waar je goed in bent.", "Knowing your motives, values and qualities."),
    "exploring": ("Exploreren", "Exploring", "Onderzoeken welk werk, welke beroepen en "
                  "opleidingen er zijn.", "Looking into work, occupations, courses and the "
                  "labour market."),
    "steering": ("Sturen", "Steering", "Keuzes en plannen maken, en ernaar handelen.",
                 "Making choices and plans, and acting on them."),
    "networking": ("Netwerken", "Networking", "Contacten opbouwen en gebruiken voor je loopbaan.",
                   "Building and using contacts for your career."),
}  # fmt: skip
FRAMEWORK = {"nl": "Loopbaancompetenties", "en": "Career competencies"}
RULE_LABELS = {  # criteria in words, as "label (qualifiers): number"
    "quests_completed": ("Afgeronde quests", "Completed quests"),
    "xp": ("XP", "XP"),
    "streak_weeks": ("Weken op rij gespeeld", "Weeks in a row"),
    "scan_growth": ("Groei in de zelfscan (punten)", "Self-scan growth (points)"),
    "group_quests": ("Quests in een groep", "Quests in a group"),
    "live_sessions": ("Live sessies", "Live sessions"),
    "shared_reflections": ("Gedeelde reflecties", "Shared reflections"),
    "peer_feedback": ("Feedback aan anderen", "Feedback to others"),
}
JOINERS = {"all": (" en ", " and "), "any": (" of ", " or ")}
EVIDENCE_NARRATIVE = ("Quest afgerond in Loopbaan Quest.", "Quest completed in Loopbaan Quest.")


def _pick(pair: tuple, locale: str) -> str:
    return pair[1] if locale == "en" else pair[0]


@dataclass(frozen=True)
class SiteUrls:
    """Our public URLs, from the base URL of the request (the web layer passes it in)."""

    root: str

    def __post_init__(self):
        object.__setattr__(self, "root", self.root.rstrip("/") + "/")

    @property
    def issuer(self) -> str:
        return f"{self.root}api/v1/issuer"

    @property
    def jwks(self) -> str:
        return f"{self.root}.well-known/jwks.json"

    def credential(self, award_id: str) -> str:
        return f"{self.root}api/v1/credentials/{award_id}"

    def jwt(self, award_id: str) -> str:
        return f"{self.credential(award_id)}/jwt"

    def verify(self, award_id: str) -> str:
        return f"{self.root}badges/{award_id}"

    def image(self, badge_id: str) -> str:
        return f"{self.root}badges/{badge_id}/image.svg"


def get_award(session: Session, award_id: str) -> BadgeAward:
    award = session.get(BadgeAward, award_id) if len(award_id) <= 32 else None
    if award is None:
        raise NotFound(N_("No such badge credential."))
    return award


def issuer_profile(urls: SiteUrls) -> dict:
    return {"id": urls.issuer, "type": ["Profile"], "name": ISSUER_NAME, "url": urls.root}


def _identity(user: User, award: BadgeAward) -> dict:
    # One salt per credential, so equal addresses never give equal hashes across credentials.
    # It is published with the hash (as Open Badges intends), so deriving it costs no secrecy.
    salt = hashlib.sha256(f"loopbaan-quest:recipient:{award.id}".encode()).hexdigest()[:32]
    if user.email:
        identity, kind = user.email.lower(), "emailAddress"
    else:
        identity, kind = f"urn:loopbaan-quest:user:{user.id}", "systemId"
    digest = hashlib.sha256((identity + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": kind,
        "hashed": True,
        "salt": salt,
    }


def _rules(rule):
    if isinstance(rule, AllOf | AnyOf):
        for child in rule.all if isinstance(rule, AllOf) else rule.any:
            yield from _rules(child)
    else:
        yield rule


def _narrative(rule, catalog: Catalog, locale: str, nested: bool = False) -> str:
    if isinstance(rule, AllOf | AnyOf):
        kind = "all" if isinstance(rule, AllOf) else "any"
        children = rule.all if kind == "all" else rule.any
        text = _pick(JOINERS[kind], locale).join(
            _narrative(child, catalog, locale, nested=True) for child in children
        )
        return f"({text})" if nested and len(children) > 1 else text
    name = next(key for key in RULE_LABELS if hasattr(rule, key))
    qualifiers = []
    if getattr(rule, "competency", None):
        qualifiers.append(_pick(COMPETENCIES[rule.competency][:2], locale))
    for quest_id in getattr(rule, "quests", None) or []:
        quest = catalog.quest(quest_id)
        qualifiers.append(quest.title.get(locale) if quest else quest_id)
    qualified = f" ({', '.join(qualifiers)})" if qualifiers else ""
    return f"{_pick(RULE_LABELS[name], locale)}{qualified}: {getattr(rule, name):g}"


def competencies_of(badge: Badge) -> list[str]:
    """The competencies the badge's rules name, in order."""
    named = (getattr(rule, "competency", None) for rule in _rules(badge.criteria))
    return list(dict.fromkeys(str(c) for c in named if c))


def _relevant_quests(badge: Badge | None, catalog: Catalog) -> tuple[set[str], list[str]]:
    """The quests and the competencies the badge's rules name."""
    if badge is None:
        return set(), []
    competencies = competencies_of(badge)
    quests = {q for rule in _rules(badge.criteria) for q in getattr(rule, "quests", None) or []}
    for quest_id, quest in catalog.quests.items():
        if any(quest.competencies.get(c) for c in competencies):
            quests.add(quest_id)
    return quests, competencies


def _evidence_runs(session: Session, award: BadgeAward, relevant: set[str]) -> list[QuestRun]:
    runs = session.exec(
        select(QuestRun)
        .where(QuestRun.user_id == award.user_id, QuestRun.status == RunStatus.COMPLETED)
        .order_by(QuestRun.completed_at)
    ).all()
    done = [
        r
        for r in runs
        if r.id == award.run_id or (r.completed_at and r.completed_at <= award.awarded_at)
    ]
    chosen = [r for r in done if r.quest_id in relevant or r.id == award.run_id] or done
    firsts = {}
    for run in chosen:
        firsts.setdefault(run.quest_id, run)
    return list(firsts.values())[:MAX_EVIDENCE]


def _alignment(competencies: list[str], locale: str, urls: SiteUrls) -> list[dict]:
    return [
        {
            "type": ["Alignment"],
            "targetName": _pick(COMPETENCIES[c][:2], locale),
            "targetDescription": _pick(COMPETENCIES[c][2:], locale),
            "targetFramework": FRAMEWORK[locale],
            "targetCode": c,
            "targetType": "ext:Competency",
            "targetUrl": f"{urls.root}quests#group-{c}",
        }
        for c in competencies
        if c in COMPETENCIES
    ]


def credential(session: Session, catalog: Catalog, *, award_id: str, urls: SiteUrls) -> dict:
    """The OpenBadgeCredential (VC data model 2.0) for one award, unsigned."""
    award = get_award(session, award_id)
    user = session.get(User, award.user_id)
    locale = "en" if user.locale == "en" else "nl"
    badge = catalog.library.badges.get(award.badge_id)
    name = badge.title.get(locale) if badge else award.badge_id
    relevant, competencies = _relevant_quests(badge, catalog)
    from_rules = bool(competencies)
    evidence = []
    for run in _evidence_runs(session, award, relevant):
        quest = catalog.quest(run.quest_id)
        item = {"id": f"{urls.root}quests/{run.quest_id}", "type": ["Evidence"]}
        item["name"] = quest.title.get(locale) if quest else run.quest_id
        if quest:
            item["description"] = quest.summary.get(locale)
            if not from_rules:  # no competency in the rules: align with what the quests trained
                competencies += [c for c, xp in quest.competencies.items() if xp]
        item["narrative"] = _pick(EVIDENCE_NARRATIVE, locale)
        evidence.append(item)
    narrative = _narrative(badge.criteria, catalog, locale) + "." if badge else name
    achievement = {
        "id": f"urn:loopbaan-quest:achievement:{award.badge_id}",
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": name,
        "description": badge.description.get(locale) if badge else name,
        "criteria": {"narrative": narrative},
        "image": {"id": urls.image(award.badge_id), "type": "Image", "caption": name},
        "inLanguage": locale,
    }
    alignment = _alignment(list(dict.fromkeys(str(c) for c in competencies)), locale, urls)
    if alignment:
        achievement["alignment"] = alignment
    document = {
        "@context": CONTEXT,
        "id": urls.credential(award.id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(urls),
        "validFrom": _timestamp(award.awarded_at),
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [_identity(user, award)],
            "achievement": achievement,
        },
    }
    if evidence:
        document["evidence"] = evidence
    return document


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- signing and verifying -----------------------------------------------------------------


def credential_jwt(session: Session, catalog: Catalog, *, award_id: str, urls: SiteUrls) -> str:
    """The credential as a compact VC-JWT (the JWT proof format of Open Badges 3.0)."""
    document = credential(session, catalog, award_id=award_id, urls=urls)
    row = signing_key(session)
    header = {"alg": row.algorithm, "typ": "JWT", "kid": row.kid, "jwk": json.loads(row.public_jwk)}
    claims = {
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "nbf": int(datetime.fromisoformat(document["validFrom"]).timestamp()),
        # The subject has no id of its own (privacy): it is known by its salted identity hash.
        "sub": document["credentialSubject"]["identifier"][0]["identityHash"],
        "vc": document,
    }
    key = ECKey.import_key(row.private_key_pem)
    return jwt.encode(header, claims, key, algorithms=[row.algorithm])


Reason = Literal["tampered", "unknown_key", "wrong_issuer", "not_found", "revoked"]


class Verification(BaseModel):
    """What a verifier concludes about a presented VC-JWT."""

    valid: bool
    reason: Reason | None = None
    award_id: str | None = None


def _invalid(reason: Reason, award_id: str | None = None) -> Verification:
    return Verification(valid=False, reason=reason, award_id=award_id)


def verify_jwt(session: Session, token: str, *, urls: SiteUrls) -> Verification:
    """Check the signature against our keys (never a key the token brings), the issuer, and
    that the award exists and is not revoked."""
    try:
        header = jws.extract_compact(token.strip().encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError):
        return _invalid("tampered")
    row = session.get(IssuerKey, header["kid"]) if isinstance(header.get("kid"), str) else None
    if row is None:
        return _invalid("unknown_key")
    if header.get("alg") != row.algorithm:
        return _invalid("tampered")
    try:
        claims = jwt.decode(
            token.strip(), ECKey.import_key(json.loads(row.public_jwk)), algorithms=[row.algorithm]
        ).claims
    except (JoseError, ValueError, UnicodeError):
        return _invalid("tampered")
    vc = claims.get("vc") if isinstance(claims.get("vc"), dict) else {}
    issuer = vc.get("issuer", {})
    if claims.get("iss") != urls.issuer or not isinstance(issuer, dict):
        return _invalid("wrong_issuer")
    if issuer.get("id") != urls.issuer or claims.get("jti") != vc.get("id"):
        return _invalid("tampered")
    jti = claims.get("jti")
    prefix = urls.credential("")
    if not isinstance(jti, str) or not jti.startswith(prefix):
        return _invalid("wrong_issuer")
    award_id = jti.removeprefix(prefix)
    award = session.get(BadgeAward, award_id) if 0 < len(award_id) <= 32 else None
    if award is None:
        return _invalid("not_found", award_id)
    if award.revoked_at is not None:
        return _invalid("revoked", award_id)
    return Verification(valid=True, award_id=award_id)


# -- the worker's badges and revocation ----------------------------------------------------
