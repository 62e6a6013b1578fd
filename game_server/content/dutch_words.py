"""Dutch words for the language checks: how common a word is, and how many syllables it has.

How common: wordfreq's Dutch list (Zipf scale), with the forms and compounds a frequency list
counts apart read as the common words they are made of. Syllables: the nl_NL hyphenation
patterns (pyphen), with the vowel groups of each part counted too.
"""

import math
import re
from functools import cache

import pyphen
from wordfreq import get_frequency_dict

# Zipf 3 is once per million words: wordfreq's Dutch list above it holds some 29,000 word
# forms (inflections counted apart), which covers the words of daily life, work and the news;
# below it are specialist and rare words. "werkzaamheden" passes at 4.5; "huismeester" (2.7)
# passes only as huis + meester; "laborant" (2.6) is a job players need: the allow-list.
MIN_ZIPF = 3.0
# A part of a compound is at least this long, so that "ver" or "in" cannot excuse a rare word;
# a part this short must be very common (dag, bus, rit: Zipf 4), as many rare 3-letter
# strings are on the list (names, abbreviations: "pec", "tie").
MIN_COMPOUND_PART = 3
MIN_ZIPF_SHORT_PART = 4.0
# Jargon is made with these ("intervisie", "proactief"); they do not make a plain compound.
_JARGON_PREFIXES = frozenset({"pro", "inter", "intro", "anti", "super", "multi", "trans", "co"})
# Separable verbs are a particle and a verb: in+delen, af+wisselen, mee+denken.
_PARTICLES = (
    "aan",
    "af",
    "bij",
    "door",
    "in",
    "mee",
    "na",
    "om",
    "op",
    "over",
    "samen",
    "terug",
    "toe",
    "uit",
    "vast",
    "voor",
    "weg",
)

# Vowel groups that are one sound in Dutch, longest first ("ooi" before "oo").
_NUCLEI = ("aai", "ooi", "oei", "eeu", "ieu")
_NUCLEI += ("aa", "ee", "oo", "uu", "ie", "oe", "eu", "ui", "ei", "ij", "ou", "au", "ai")
_VOWELS = set("aeiouy")
_PLAIN_LETTER = str.maketrans("áàâéèêíìîóòôúùû", "aaaeeeiiiooouuu")
_DIAERESIS = str.maketrans("äëïöü", "aeiou")
# English words in Dutch texts, spoken as English: vowel groups would count them wrong.
_LOANWORD_SYLLABLES = {
    "team": 1,
    "teams": 1,
    "mail": 1,
    "mails": 1,
    "online": 2,
    "app": 1,
    "apps": 1,
    "chat": 1,
    "website": 2,
    "software": 2,
    "coach": 1,
    "coaches": 2,
    "manager": 3,
    "service": 2,
    "baby": 2,
}


# Loaded on first use: the server loads content too, and never runs these checks.
@cache
def _frequencies() -> dict[str, float]:
    return get_frequency_dict("nl")


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nl_NL", left=1, right=1)


def zipf(word: str) -> float:
    """How common a word is in Dutch, on the Zipf scale (0: unknown, 7: "je", "de")."""
    frequency = _frequencies().get(word.lower())
    return math.log10(frequency) + 9 if frequency else 0.0


def _known(word: str, allowed: frozenset[str]) -> bool:
    return word in allowed or zipf(word) >= MIN_ZIPF


def _known_form(word: str, allowed: frozenset[str]) -> bool:
    return _known(word, allowed) or any(_known(form, allowed) for form in _base_forms(word))


@cache
def _common(word: str, allowed: frozenset[str], parts_left: int = 3) -> bool:
    if _known_form(word, allowed):
        return True
    if parts_left <= 1:
        return False
    # A compound of common words is as plain as its parts: informatie+gesprek, bedrijf+s+arts.
    # Dutch inflects only the last part, so only that one may be a form (vacature+teksten).
    for cut in range(2, len(word) - MIN_COMPOUND_PART + 1):
        head, tail = word[:cut], word[cut:]
        if head in _PARTICLES and len(tail) > MIN_COMPOUND_PART and _known_form(tail, allowed):
            return True  # a separable verb: only a particle and a verb, never more parts
        if (
            _common_head(head, allowed)
            and _strong_enough(tail, allowed)
            and _common(tail, allowed, parts_left - 1)
        ):
            return True
    return False


def _strong_enough(part: str, allowed: frozenset[str]) -> bool:
    return len(part) > MIN_COMPOUND_PART or part in allowed or zipf(part) >= MIN_ZIPF_SHORT_PART


def _common_head(head: str, allowed: frozenset[str]) -> bool:
    # The linking sounds of Dutch compounds: bedrijf-s-arts, huiz-en-blok, kind-er-opvang.
    stems = [head] + [
        head.removesuffix(link) for link in ("s", "e", "en", "er") if head.endswith(link)
    ]
    return any(
        len(stem) >= MIN_COMPOUND_PART
        and stem not in _JARGON_PREFIXES
        and _strong_enough(stem, allowed)
        and _known(stem, allowed)
        for stem in stems
    )


def _base_forms(word: str) -> list[str]:
    """Likely base forms of an inflected word: planningen -> planning, repareert -> repareren.

    The frequency list counts each form apart, so a plural, a diminutive or a verb form of a
    common word can be rare on its own; it is as familiar to a reader as the word itself.
    These are guesses, and only a guess that is itself a common word counts.
    """
    forms = []
    for suffix in ("etje", "tje", "pje", "je"):  # diminutives: appje, dingetje, bloempje
        if word.endswith(suffix):
            forms.append(word.removesuffix(suffix))
    if word.endswith("s"):  # chauffeurs, collega's
        forms.append(word.removesuffix("s").removesuffix("'"))
    # Plurals in -en: planningen, uren (uur), quizzen (quiz). Words in -er, -el, -em, -ie take
    # -s instead, so "exploreren" is not read as a plural of the English "explorer".
    stem = word.removesuffix("en")
    if stem != word and not stem.endswith(("er", "el", "em", "ie")):
        forms += [stem, _long_vowel(stem), _single_consonant(stem)]
    if word.endswith("er"):  # who does it: ontdekker (ontdekken), verbinder (verbinden)
        forms += _infinitives(word.removesuffix("er"))
    for suffix in ("ten", "den", "te", "de", "t", "d"):  # verb forms: repareert, werkte
        if word.endswith(suffix):
            forms += _infinitives(word.removesuffix(suffix))
    forms += _adjective_bases(word)
    return [form for form in forms if len(form) >= MIN_COMPOUND_PART]


def _adjective_bases(word: str) -> list[str]:
    """Likely bases of an adjective form: lastigste -> lastig, zuinige -> zuinig.

    An adjective takes -e before a noun (zuinige), -er to compare (lastiger, zwaarder) and
    -st for the most (makkelijkst, kortste); a past participle is used as one (opgespaarde
    is op + gespaarde, from sparen). The base must be more than a short fragment: "tiest"
    is not a form of "tie".
    """
    stems = [word]
    if word.endswith("e") and not word.endswith(("ee", "ie")) and len(word) > 4:
        stems.append(word.removesuffix("e"))  # zuinige, kortste, opgespaarde
    bases = []
    for stem in stems:
        if stem != word:
            bases.append(stem)
        if stem.endswith("st"):  # makkelijkst, kortst(e)
            bases.append(stem.removesuffix("st"))
        if stem.endswith("rder"):  # an adjective in -r compares with -der: zwaarder, duurder
            bases.append(stem.removesuffix("der"))
        elif stem.endswith("er"):  # lastiger, lastigere
            bases.append(stem.removesuffix("er"))
        bases += _participle_bases(stem)
    spelled = [spelling for base in bases for spelling in _adjective_spellings(base)]
    return [base for base in bases + spelled if _long_enough(base)]


def _adjective_spellings(stem: str) -> list[str]:
    # dikke -> dik, grote -> groot, lieve -> lief, boze -> boos: the spelling of the bare word
    devoiced = stem[:-1] + {"v": "f", "z": "s"}.get(stem[-1:], stem[-1:])
    return [_long_vowel(stem), devoiced, _single_consonant(stem)]


def _single_consonant(stem: str) -> str:
    # A short vowel doubles the consonant before an ending: quiz-quizzen, dik-dikke.
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        return stem[:-1]
    return stem


def _participle_bases(word: str) -> list[str]:
    # gespaard -> sparen, gewerkt -> werken, gezet -> zetten, gebakken -> bakken
    rest = word.removeprefix("ge")
    if rest == word or len(rest) < 4:
        return []
    forms = []
    if rest.endswith(("t", "d")):
        forms += _infinitives(rest[:-1]) + _infinitives(rest)
    if rest.endswith("en"):
        forms.append(rest)
    return forms


def _long_enough(base: str) -> bool:
    return len(base) > MIN_COMPOUND_PART or zipf(base) >= MIN_ZIPF_SHORT_PART


def _long_vowel(stem: str) -> str:
    # "uren" is the plural of "uur": an open syllable spells a long vowel with one letter.
    if (
        len(stem) >= 2
        and stem[-1] not in _VOWELS
        and stem[-2] in "aeou"
        and (len(stem) < 3 or stem[-3] not in _VOWELS)
    ):
        return stem[:-1] + stem[-2] + stem[-1]
    return stem


def _infinitives(stem: str) -> list[str]:
    # repareer -> repareren, leef -> leven, reis -> reizen, zet -> zetten, werk -> werken
    voiced = stem[:-1] + {"f": "v", "s": "z"}.get(stem[-1:], stem[-1:])
    short = voiced[:-2] + voiced[-1] if len(voiced) >= 3 and voiced[-2] == voiced[-3] else voiced
    return [stem + "en", voiced + "en", short + "en", stem + stem[-1:] + "en"]


def is_everyday(word: str, allowed: frozenset[str] = frozenset()) -> bool:
    """Whether a word is everyday Dutch: common, a form or compound of common words, or allowed."""
    lowered = word.lower().replace("’", "'")
    if _known(lowered, allowed):
        return True
    pieces = [piece.removesuffix("'s") for piece in lowered.split("-") if piece]
    return all(_common(piece, allowed) for piece in pieces)


def _vowel_groups(part: str) -> int:
    # A diaeresis (ideeën, reëel) starts a new syllable; the letter itself is an ordinary vowel.
    count = 0
    for chunk in re.split(r"(?=[äëïöü])", part.lower().translate(_PLAIN_LETTER)):
        chunk = chunk.translate(_DIAERESIS)
        index = 0
        while index < len(chunk):
            if chunk[index] in _VOWELS:
                nucleus = next((n for n in _NUCLEI if chunk.startswith(n, index)), chunk[index])
                count += 1
                index += len(nucleus)
            else:
                index += 1
    return count


def syllables(word: str) -> int:
    """The syllables of a Dutch word.

    The hyphenation patterns (pyphen, nl_NL) find where compounds and consonant clusters
    split; they never split off a single vowel (ener-gie, ra-dio), so each part's vowel
    groups are counted too, with Dutch digraphs (aa, ij, oe, ui …) as one sound.
    """
    if word.isdigit():
        return min(len(word), 4)  # "3" is drie, "15" vijf-tien; years are rare in quests
    total = 0
    for piece in word.lower().replace("’", "'").split("-"):
        if not piece:
            continue
        if piece in _LOANWORD_SYLLABLES:
            total += _LOANWORD_SYLLABLES[piece]
            continue
        for part in _hyphenator().inserted(piece).split("-"):
            stem = part.removesuffix("'s")
            total += _LOANWORD_SYLLABLES.get(stem) or max(1, _vowel_groups(part))
    return max(1, total)
