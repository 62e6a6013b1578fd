"""Language checks of the Dutch content texts, for players who read at B1 on a phone.

Three checks, each on every Dutch text (`nl`) of a quest, track or badge:

- a sentence has at most MAX_SENTENCE_WORDS words;
- a text of at least MIN_WORDS_FOR_READING_EASE words reads at Flesch-Douma reading ease
  MIN_READING_EASE or higher (the Dutch Flesch formula);
- every word is everyday Dutch: at least MIN_ZIPF on wordfreq's Dutch list, a compound of
  such words, or in the allow-list (`quests/allowed-words.txt`).

The findings are Problems like the loader's, so they read the same (`file:line:col: field:
advice`); the command decides whether they are warnings or errors. docs/content-guide.md,
section 10, states these numbers, and a test keeps the two in line.
"""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyphen
from pydantic import BaseModel
from wordfreq import get_frequency_dict

from .problems import Problem, field_path
from .step_base import StepText
from .yaml_source import Source

MAX_SENTENCE_WORDS = 15
# Douma's scale: 60-70 is "normal", what a newspaper for everyone reaches; B1 texts score
# above it. Below 60 a text reads as "fairly difficult".
MIN_READING_EASE = 60
# The formula averages over sentences and words, and over few words it is noise: "Sommige
# dingen in je werk geven energie. Andere dingen kosten energie." scores 41 on its eleven
# words. From about two sentences on it means something; shorter texts (titles, options,
# most prompts) are judged by the other two checks.
MIN_WORDS_FOR_READING_EASE = 20
# Zipf 3 is once per million words: wordfreq's Dutch list above it holds some 29,000 word
# forms (inflections counted apart), which covers the words of daily life, work and the news;
# below it are specialist and rare words ("werkzaamheden" passes at 4.5, "huismeester" does not
# at 2.7, so job words like it go in the allow-list).
MIN_ZIPF = 3.0
# A part of a compound is at least this long, so that "ver" or "in" cannot excuse a rare word.
MIN_COMPOUND_PART = 3

ALLOWED_WORDS_FILE = "allowed-words.txt"

# A word: letters, with inner apostrophes and hyphens ("collega's", "e-mail", "mbo-niveau").
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*")
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = re.compile(r"\b(?:bijv|bv|bijvoorbeeld|ca|enz|etc|nr|o\.a|d\.w\.z|m\.a\.w|z\.o\.z|a\.u\.b)\.", re.IGNORECASE)
# A sentence ends at . ! ? or … (with a closing quote after it, in quoted speech) and a space,
# or at a new line.
_SENTENCE_END = re.compile(r"(?<=[.!?…])['\"’”»)]*\s+|\n+")

# Vowel groups that are one sound in Dutch, longest first ("ooi" before "oo").
_NUCLEI = ("aai", "ooi", "oei", "eeu", "ieu", "aa", "ee", "oo", "uu", "ie", "oe", "eu", "ui",
           "ei", "ij", "ou", "au", "ai")
_VOWELS = set("aeiouy")
_PLAIN_LETTER = str.maketrans("áàâéèêíìîóòôúùû", "aaaeeeiiiooouuu")
_DIAERESIS = str.maketrans("äëïöü", "aeiou")
# English words in Dutch texts, spoken as English: vowel groups would count them wrong.
_LOANWORD_SYLLABLES = {"team": 1, "teams": 1, "mail": 1, "mails": 1, "online": 2, "app": 1,
                       "apps": 1, "chat": 1, "website": 2, "software": 2, "coach": 1, "coaches": 2,
                       "manager": 3, "service": 2, "baby": 2}


@dataclass(frozen=True)
class TextFinding:
    """One piece of advice about one text."""

    message: str


def sentences(text: str) -> list[str]:
    """The sentences of a text: ended by . ! ? … or a new line (a list in a body)."""
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0)[:-1], text)
    parts = (part.strip().lstrip("-*• ").strip() for part in _SENTENCE_END.split(protected))
    return [part for part in parts if _WORD.search(part)]


def words(text: str) -> list[str]:
    """The words of a text, numbers included (they count for a sentence's length)."""
    return _WORD.findall(text)


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


def reading_ease(text: str) -> float | None:
    """Flesch-Douma reading ease of a text, or None for a text too short to score."""
    found = sentences(text)
    counted = [word for sentence in found for word in words(sentence)]
    if len(counted) < MIN_WORDS_FOR_READING_EASE:
        return None
    syllable_count = sum(syllables(word) for word in counted)
    return 206.835 - 0.93 * len(counted) / len(found) - 77 * syllable_count / len(counted)


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
    for cut in range(MIN_COMPOUND_PART, len(word) - MIN_COMPOUND_PART + 1):
        head, tail = word[:cut], word[cut:]
        if _common_head(head, allowed) and _common(tail, allowed, parts_left - 1):
            return True
    return False


def _common_head(head: str, allowed: frozenset[str]) -> bool:
    if _known(head, allowed):
        return True
    # The linking sounds of Dutch compounds: bedrijf-s-arts, huiz-en-blok, kind-er-opvang.
    for link in ("s", "e", "en", "er"):
        stem = head.removesuffix(link)
        if stem != head and len(stem) >= MIN_COMPOUND_PART and _known(stem, allowed):
            return True
    return False


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
    # Plurals in -en: planningen, uren (uur). Words in -er, -el, -em, -ie take -s instead, so
    # "exploreren" is not read as a plural of the English "explorer".
    stem = word.removesuffix("en")
    if stem != word and not stem.endswith(("er", "el", "em", "ie")):
        forms += [stem, _long_vowel(stem)]
    for suffix in ("ten", "den", "te", "de", "t", "d"):  # verb forms: repareert, werkte
        if word.endswith(suffix):
            forms += _infinitives(word.removesuffix(suffix))
    return [form for form in forms if len(form) >= MIN_COMPOUND_PART]


def _long_vowel(stem: str) -> str:
    # "uren" is the plural of "uur": an open syllable spells a long vowel with one letter.
    if len(stem) >= 2 and stem[-1] not in _VOWELS and stem[-2] in "aeou" and (
        len(stem) < 3 or stem[-3] not in _VOWELS
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


def text_findings(text: str, allowed: frozenset[str] = frozenset()) -> list[TextFinding]:
    """Everything the three checks advise about one Dutch text."""
    findings = []
    for sentence in sentences(text):
        count = len(words(sentence))
        if count > MAX_SENTENCE_WORDS:
            findings.append(
                TextFinding(
                    f"this sentence has {count} words, more than {MAX_SENTENCE_WORDS}: "
                    f"split it after about {MAX_SENTENCE_WORDS} words, or leave out what is not "
                    f"needed: “{_opening(sentence)}”"
                )
            )
    ease = reading_ease(text)
    if ease is not None and ease < MIN_READING_EASE:
        longest = sorted({w for w in words(text) if not w.isdigit()}, key=syllables, reverse=True)
        findings.append(
            TextFinding(
                f"this text is hard to read (reading ease {ease:.0f}, at least {MIN_READING_EASE}): "
                "use shorter words and shorter sentences; the longest words are "
                + ", ".join(f"“{w}”" for w in longest[:3])
            )
        )
    seen: set[str] = set()
    for word in words(text):
        key = word.lower()
        if word.isdigit() or len(word) < 2 or key in seen:
            continue
        seen.add(key)
        if not is_everyday(word, allowed):
            findings.append(
                TextFinding(
                    f"“{word}” is not an everyday Dutch word: write a more common word instead "
                    f"of “{word}”, or explain it in other words; only a word players need (a job, "
                    f"a name) goes in quests/{ALLOWED_WORDS_FILE}"
                )
            )
    return findings


def _opening(sentence: str, size: int = 8) -> str:
    found = sentence.split()
    return " ".join(found[:size]) + (" …" if len(found) > size else "")


def dutch_texts(value: object, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every Dutch text in a content model, with its place in the file (`steps, 0, prompt, nl`)."""
    if isinstance(value, StepText):
        yield (*loc, "nl"), value.nl
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from dutch_texts(getattr(value, name), (*loc, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from dutch_texts(item, (*loc, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from dutch_texts(item, (*loc, str(key)))


def language_problems(model: BaseModel, source: Source, allowed: frozenset[str]) -> list[Problem]:
    """The language advice for one loaded file, placed at each text."""
    problems = []
    for loc, text in dutch_texts(model):
        line, column = source.position(loc)
        for finding in text_findings(text, allowed):
            problems.append(Problem(source.file, line, column, field_path(loc), finding.message))
    return problems


def read_allowed_words(path: Path) -> frozenset[str]:
    """The allow-list: one word a line, `#` starts a comment; a missing file allows nothing."""
    if not path.is_file():
        return frozenset()
    entries = (line.split("#", 1)[0].strip().lower() for line in path.read_text("utf-8").splitlines())
    return frozenset(entry for entry in entries if entry)
