"""The language checks of Dutch content texts: each check on its own, and in the validator."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from game_server.content import language
from game_server.content.language import (
    MAX_SENTENCE_WORDS,
    MIN_READING_EASE,
    MIN_WORDS_FOR_READING_EASE,
    MIN_ZIPF,
    is_everyday,
    read_allowed_words,
    reading_ease,
    sentences,
    syllables,
    text_findings,
)
from game_server.content.loader import load_library, validate_library

ROOT = Path(__file__).resolve().parent.parent.parent
GUIDE = ROOT / "docs" / "content-guide.md"

# Counted by hand, by the spoken syllables. The hard cases: a single vowel split off at the
# start or end (e-ner-gie, ra-di-o), a diaeresis (i-dee-ën), digraphs and trigraphs as one
# sound (ui, ij, ooi), compounds, and English words spoken as English (team).
KNOWN_SYLLABLES = {
    "werk": 1,
    "kies": 1,
    "schrijf": 1,
    "leeuw": 1,
    "één": 1,
    "team": 1,
    "auto": 2,
    "uren": 2,
    "idee": 2,
    "oma": 2,
    "mooie": 2,
    "koeien": 2,
    "café": 2,
    "reëel": 2,
    "e-mail": 2,
    "teams": 1,
    "15": 2,
    "energie": 3,
    "ideeën": 3,
    "radio": 3,
    "bioscoop": 3,
    "agenda": 3,
    "overleg": 3,
    "huismeester": 3,
    "bedrijfsarts": 3,
    "teamleider": 3,
    "collega's": 3,
    "belangrijk": 3,
    "ruïne": 3,
    "poëzie": 3,
    "opleiding": 3,
    "vacature": 4,
    "situatie": 4,
    "januari": 4,
    "financieel": 4,
    "vaardigheden": 4,
    "mbo-niveau": 4,
    "uitnodiging": 4,
    "vrachtwagenchauffeur": 5,
    "zorgmedewerker": 5,
    "organisatie": 5,
    "geïnteresseerd": 5,
    "coöperatie": 5,
}


@pytest.mark.parametrize(("word", "count"), sorted(KNOWN_SYLLABLES.items()))
def test_dutch_syllables_are_counted_as_spoken(word, count):
    assert syllables(word) == count


def test_sentences_end_at_stops_quotes_and_new_lines_but_not_abbreviations():
    text = "Vraag het, bijv. aan je baas. Hij zegt: 'Prima!' Dan weet je het.\n- Een lijst\n- Twee"
    assert sentences(text) == [
        "Vraag het, bijv aan je baas.",
        "Hij zegt: 'Prima!",
        "Dan weet je het.",
        "Een lijst",
        "Twee",
    ]


def test_a_sentence_over_the_bar_gets_advice_to_split_it():
    long = "Ik werk al twintig jaar als chauffeur en ik rij elke dag dezelfde route door de stad."
    (finding,) = text_findings(long)
    assert finding.message.startswith(f"this sentence has 17 words, more than {MAX_SENTENCE_WORDS}")
    assert "split it after about 15 words" in finding.message
    assert "“Ik werk al twintig jaar als chauffeur en …”" in finding.message


def test_a_sentence_at_the_bar_is_fine():
    at_bar = "Ik werk al twintig jaar als chauffeur en rij elke dag door de hele stad."
    assert len(at_bar.split()) == MAX_SENTENCE_WORDS
    assert text_findings(at_bar) == []


def test_reading_ease_is_the_flesch_douma_formula():
    # 21 words in 4 sentences, 23 syllables (an-der, kof-fie, the rest one each)
    text = (
        "Ik werk op de bouw. Ik til veel zand. Mijn rug doet pijn. "
        "Ik zoek ander werk, met koffie en rust."
    )
    assert len(language.words(text)) == 21
    assert sum(syllables(w) for w in language.words(text)) == 23
    assert reading_ease(text) == pytest.approx(206.835 - 0.93 * 21 / 4 - 77 * 23 / 21)


def test_a_short_text_gets_no_reading_ease_score():
    title = "Waardenkaarten voor arbeidsmarktoriëntatie"
    assert len(language.words(title)) < MIN_WORDS_FOR_READING_EASE
    assert reading_ease(title) is None


def test_a_hard_text_gets_advice_naming_its_longest_words():
    hard = (
        "Kwaliteitscontroleurs beoordelen productieprocessen. Onderhoudsmonteurs repareren "
        "installaties. Administratief medewerkers verwerken informatie. Voorraadbeheerders "
        "registreren leveringen. Planningsmedewerkers organiseren werkzaamheden. "
        "Leidinggevenden coördineren afdelingen. Beleidsmedewerkers analyseren ontwikkelingen."
    )
    assert len(language.words(hard)) >= MIN_WORDS_FOR_READING_EASE
    assert reading_ease(hard) < MIN_READING_EASE
    messages = [f.message for f in text_findings(hard)]
    (advice,) = [m for m in messages if "hard to read" in m]
    assert f"at least {MIN_READING_EASE}" in advice
    assert "“Kwaliteitscontroleurs”" in advice


def test_an_easy_text_of_the_same_length_passes():
    easy = (
        "Je werkt al lang in de bouw. Je bent goed met je handen. Je weet veel van hout. "
        "Wat wil je nog leren? Kies er één."
    )
    assert reading_ease(easy) >= MIN_READING_EASE
    assert text_findings(easy) == []


@pytest.mark.parametrize("word", ["werk", "chauffeur", "collega's", "bijvoorbeeld", "mbo"])
def test_common_words_are_everyday(word):
    assert language.zipf(word) >= MIN_ZIPF
    assert is_everyday(word)


@pytest.mark.parametrize(
    "word", ["exploreren", "ordenend", "synergie", "introspectie", "intervisie", "proactief"]
)
def test_rare_words_are_not_everyday(word):
    assert not is_everyday(word)


@pytest.mark.parametrize(
    "word", ["informatiegesprek", "bedrijfsarts", "leerbudget", "koffiepauze", "vacatureteksten"]
)
def test_a_compound_of_common_words_is_everyday(word):
    assert language.zipf(word) < MIN_ZIPF  # rare as a whole: the compound rule lets it pass
    assert is_everyday(word)


def test_a_compound_with_a_rare_part_is_not_everyday():
    assert not is_everyday("sudokupauze")


def test_a_rare_word_is_not_excused_by_short_fragments():
    # intro+s+pec+tie: each fragment is on the list (a name, an abbreviation), none is a word
    assert language.zipf("tie") >= MIN_ZIPF
    assert not is_everyday("introspectie")


@pytest.mark.parametrize(
    "word", ["planningen", "repareert", "appje", "teamleiders", "ontdekker", "indelen", "quizzen"]
)
def test_a_form_of_a_common_word_is_everyday(word):
    assert language.zipf(word) < MIN_ZIPF
    assert is_everyday(word)


@pytest.mark.parametrize(
    "word",
    [
        "makkelijkst",
        "lastigst",
        "lastigste",
        "moeilijkst",
        "spannendst",
        "kortst",
        "zuiniger",
        "zuinige",
    ],
)
def test_a_comparative_or_superlative_of_a_common_adjective_is_everyday(word):
    assert language.zipf(word) < MIN_ZIPF
    assert is_everyday(word)


@pytest.mark.parametrize("word", ["opgespaarde", "gerepareerde", "gestapelde", "gereisde"])
def test_a_past_participle_used_as_an_adjective_is_everyday(word):
    # op + gespaarde (sparen), gerepareerde (repareren), gestapelde (stapelen), gereisde (reizen)
    assert language.zipf(word) < MIN_ZIPF
    assert is_everyday(word)


@pytest.mark.parametrize(
    "word",
    [
        "ordenendste",  # the most "ordenend": the base is rare, so its forms are too
        "proactiefste",
        "synergieste",
        "geformaliseerd",  # formaliseren is rare
        "tiest",  # "tie" is on the list, but a 3-letter fragment is no base
    ],
)
def test_adjective_and_participle_forms_of_rare_words_are_not_everyday(word):
    assert not is_everyday(word)


def test_a_rare_word_gets_advice_once_per_text():
    findings = text_findings("Ordenend werk. Echt ordenend.")
    assert [f.message for f in findings] == [
        "“Ordenend” is not an everyday Dutch word: write a more common word instead of "
        "“Ordenend”, or explain it in other words; only a word players need (a job, a name) "
        "goes in quests/allowed-words.txt"
    ]


def test_the_allow_list_lets_a_needed_word_pass(tmp_path):
    listed = tmp_path / "allowed-words.txt"
    listed.write_text("# jobs\nInstallateur  # a job players look at\n\n", encoding="utf-8")
    allowed = read_allowed_words(listed)
    assert allowed == {"installateur"}
    assert text_findings("Word installateur.") != []
    assert text_findings("Word installateur.", allowed) == []
    assert is_everyday("installateursbus", allowed)


def test_the_project_allow_list_holds_the_domains_words():
    allowed = read_allowed_words(ROOT / "quests" / language.ALLOWED_WORDS_FILE)
    assert "esco" in allowed
    assert is_everyday("ESCO-beroep", allowed)


QUEST = """\
kind: quest
schema_version: 1
id: long-words
title: {nl: "Lange zinnen", en: "Long sentences"}
summary: {nl: "Een quest om te testen.", en: "A quest to test."}
competencies: {reflecting: 10}
minutes: 5
steps:
  - id: think
    type: reflection
    prompt:
      nl: "Denk aan je werk."
      en: "Think of your work."
    hint:
      nl: "Ik werk al twintig jaar als chauffeur en ik rij elke dag dezelfde route door de stad."
      en: "I have been a driver for twenty years and drive the same route through town every day."
"""


def _library_with(tmp_path, text: str) -> Path:
    root = tmp_path / "quests"
    (root / "reflecting").mkdir(parents=True)
    (root / "reflecting" / "long-words.yaml").write_text(text, encoding="utf-8")
    return root


def test_language_advice_is_placed_at_its_text(tmp_path):
    root = _library_with(tmp_path, QUEST)
    validation = validate_library(root, display_root=tmp_path, allowed_words=frozenset())
    assert validation.problems == []
    (advice,) = validation.language
    assert str(advice).startswith(
        "quests/reflecting/long-words.yaml:15:11: steps[0].hint.nl: this sentence has 17 words"
    )


def test_the_server_load_does_not_check_language(tmp_path):
    root = _library_with(tmp_path, QUEST)
    assert "long-words" in load_library(root).quests
    assert validate_library(root).language == []


def _validate(tmp_path, *options: str) -> subprocess.CompletedProcess:
    root = _library_with(tmp_path, QUEST)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "game_server",
            "quests",
            "validate",
            str(root),
            *options,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_validate_reports_language_as_warnings_and_exits_0(tmp_path):
    result = _validate(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "quests/reflecting/long-words.yaml:15:11: warning: steps[0].hint.nl: "
        "this sentence has 17 words"
    )
    assert lines[-1] == (
        "1 quests, 0 tracks, 0 badges: no problems, "
        "1 language warning (--strict makes them errors)."
    )


def test_validate_strict_makes_language_warnings_errors(tmp_path):
    result = _validate(tmp_path, "--strict")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "quests/reflecting/long-words.yaml:15:11: steps[0].hint.nl: this sentence has 17 words, "
        "more than 15: split it after about 15 words, or leave out what is not needed: "
        "“Ik werk al twintig jaar als chauffeur en …”"
    ]
    assert "1 problem found (1 of them about language)." in result.stderr


def test_a_structural_problem_stays_an_error_beside_warnings(tmp_path):
    root = _library_with(tmp_path, QUEST)
    (root / "reflecting" / "broken.yaml").write_text(
        QUEST.replace("id: long-words", "id: broken").replace("minutes: 5", "minutes: 50"),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "game_server", "quests", "validate", str(root)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    error, warning = result.stdout.splitlines()
    assert error.startswith("quests/reflecting/broken.yaml:7:10: minutes: a quest takes 5 to 20")
    assert ": warning: " in warning and "long-words.yaml" in warning
    assert "1 problem found, and 1 language warning." in result.stderr


def _guide_section() -> str:
    guide = GUIDE.read_text(encoding="utf-8")
    return guide.split("### What the validator checks in your Dutch", 1)[1].split("\n## ", 1)[0]


def test_the_bars_in_the_guide_are_the_ones_the_checks_use():
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| ([a-z ]+) \| ([^|]+) \|", _guide_section(), re.MULTILINE)
    }
    assert rows["sentence length"] == f"at most {MAX_SENTENCE_WORDS} words in a sentence"
    assert rows["reading ease"] == (
        f"Flesch-Douma {MIN_READING_EASE} or higher, for a text of "
        f"{MIN_WORDS_FOR_READING_EASE} words or more"
    )
    assert rows["everyday words"] == f"Zipf {MIN_ZIPF:.1f} or higher on wordfreq's Dutch list"
    assert "`quests/allowed-words.txt`" in _guide_section()


def test_the_warning_shown_in_the_guide_is_what_the_check_says():
    (example,) = re.findall(r"^quests/\S+: warning: .*$", _guide_section(), re.MULTILINE)
    message = example.split(".body.nl: ", 1)[1]
    sentence = (
        "Vraag je leidinggevende of je in de winter een cursus mag doen, in je eigen werktijd "
        "en betaald."
    )
    assert [finding.message for finding in text_findings(sentence)] == [message]
