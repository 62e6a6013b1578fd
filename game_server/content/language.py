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

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from .dutch_words import MIN_ZIPF, is_everyday, syllables, zipf
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
ALLOWED_WORDS_FILE = "allowed-words.txt"

# A word: letters, with inner apostrophes and hyphens ("collega's", "e-mail", "mbo-niveau").
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*")
# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = re.compile(
    r"\b(?:bijv|bv|ca|enz|etc|nr|o\.a|d\.w\.z|m\.a\.w|z\.o\.z|a\.u\.b)\.",
    re.IGNORECASE,
)
# A sentence ends at . ! ? or … (with a closing quote after it, in quoted speech) and a space,
# or at a new line.
_SENTENCE_END = re.compile(r"(?<=[.!?…])['\"’”»)]*\s+|\n+")


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


def reading_ease(text: str) -> float | None:
    """Flesch-Douma reading ease of a text, or None for a text too short to score."""
    found = sentences(text)
    counted = [word for sentence in found for word in words(sentence)]
    if len(counted) < MIN_WORDS_FOR_READING_EASE:
        return None
    syllable_count = sum(syllables(word) for word in counted)
    return 206.835 - 0.93 * len(counted) / len(found) - 77 * syllable_count / len(counted)


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
        # dict.fromkeys, not a set: words of equal length keep the order of the text, so the
        # advice is the same on every run (a set's order changes with the hash seed).
        unique = dict.fromkeys(w for w in words(text) if not w.isdigit())
        longest = sorted(unique, key=lambda w: (syllables(w), len(w)), reverse=True)
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
    entries = (
        line.split("#", 1)[0].strip().lower() for line in path.read_text("utf-8").splitlines()
    )
    return frozenset(entry for entry in entries if entry)


__all__ = ["MIN_ZIPF", "is_everyday", "language_problems", "syllables", "text_findings", "zipf"]
