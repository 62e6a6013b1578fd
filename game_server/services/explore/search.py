"""Label search over the occupation catalog: exact and prefix first, then words, then typos.

Labels are normalised once at load (accents stripped, case folded, punctuation to spaces) and
joined into one text, so a substring scan is a single C-level search, not a Python loop.
"""

import bisect
import re
import unicodedata
from collections import defaultdict

from rapidfuzz import fuzz, process

EXACT, PREFIX, WORD, INSIDE, ALL_WORDS, FUZZY = 100.0, 90.0, 80.0, 70.0, 60.0, 30.0
# Preferred names rank above alternative names, which rank above hidden (search-only) ones.
KIND_PENALTY = (0.0, 0.3, 0.6)
FUZZY_MIN_TOKEN = 4
RATIO_CUTOFF = 80.0
PARTIAL_CUTOFF = 87.0


def normalise(text: str) -> str:
    """Lower case without accents, words split by single spaces ("Coördinator" → "coordinator")."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


class LabelIndex:
    """Every searchable label of every occupation, with the occupation's position."""

    def __init__(self, labels: list[tuple[str, int, int]]):
        # labels: (text, occupation index, kind: 0 preferred, 1 alternative, 2 hidden)
        self.texts = [normalise(text) for text, _, _ in labels]
        self.owners = [owner for _, owner, _ in labels]
        self.kinds = [kind for _, _, kind in labels]
        self.originals = [text for text, _, _ in labels]
        self.joined = "\n" + "\n".join(self.texts) + "\n"
        self.starts, offset = [], 1
        for text in self.texts:
            self.starts.append(offset)
            offset += len(text) + 1
        word_labels = defaultdict(list)
        for position, text in enumerate(self.texts):
            for word in set(text.split()):
                word_labels[word].append(position)
        self.word_labels = dict(word_labels)
        self.words = sorted(self.word_labels, key=len)
        self.word_lengths = [len(word) for word in self.words]

    def _label_at(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def _direct(self, query: str, best: dict[int, tuple[float, int]]) -> None:
        # One or two letters: only where a name (two: or a word in it) starts with them.
        lead = {1: "\n", 2: "[\n ]"}.get(len(query), "")
        for found in re.finditer(lead + re.escape(query), self.joined):
            at = found.start() + (1 if lead else 0)  # past the newline or space
            label = self._label_at(at)
            start = self.starts[label]
            text = self.texts[label]
            if at == start and len(text) == len(query):
                self._keep(best, label, EXACT)
                continue
            if at == start:
                base = PREFIX
            elif self.joined[at - 1] == " ":
                base = WORD
            else:
                base = INSIDE
            self._keep(best, label, base + 9 * len(query) / len(text))

    def _all_words(self, tokens: list[str], best: dict[int, tuple[float, int]]) -> None:
        common = None
        for token in tokens:
            having = {self._label_at(m.start()) for m in re.finditer(re.escape(token), self.joined)}
            common = having if common is None else common & having
            if not common:
                return
        for label in common:
            self._keep(best, label, ALL_WORDS + 9 * len(" ".join(tokens)) / len(self.texts[label]))

    def _fuzzy(self, tokens: list[str], best: dict[int, tuple[float, int]]) -> None:
        per_token = []
        for token in tokens:
            scores: dict[int, float] = {}
            if len(token) >= FUZZY_MIN_TOKEN:
                near = process.extract(
                    token, self.words, scorer=fuzz.ratio, score_cutoff=RATIO_CUTOFF, limit=None
                )
                # A typo inside a compound ("chaufeur" in "vrachtwagenchauffeur").
                longer = self.words[bisect.bisect_left(self.word_lengths, len(token) + 3) :]
                near += process.extract(
                    token,
                    longer,
                    scorer=fuzz.partial_ratio,
                    score_cutoff=PARTIAL_CUTOFF,
                    limit=None,
                )
                for word, score, _ in near:
                    for label in self.word_labels[word]:
                        scores[label] = max(scores.get(label, 0.0), score)
            for match in re.finditer(re.escape(token), self.joined):
                scores[self._label_at(match.start())] = 100.0
            per_token.append(scores)
        if not per_token:
            return
        common = set(per_token[0]).intersection(*per_token[1:])
        for label in common:
            mean = sum(scores[label] for scores in per_token) / len(per_token)
            coverage = len(" ".join(tokens)) / max(len(self.texts[label]), 1)
            self._keep(best, label, FUZZY + (mean - RATIO_CUTOFF) * 0.75 + 4 * min(coverage, 1))

    def _keep(self, best: dict[int, tuple[float, int]], label: int, score: float) -> None:
        score -= KIND_PENALTY[self.kinds[label]]
        owner = self.owners[label]
        if owner not in best or best[owner][0] < score:
            best[owner] = (score, label)

    def find(self, query: str, *, wanted: int, allowed=None) -> dict[int, tuple[float, int]]:
        """The best (score, label) per occupation; typos are tried when too few match."""
        query = normalise(query)
        best: dict[int, tuple[float, int]] = {}
        if not query:
            return best
        self._direct(query, best)
        tokens = query.split()
        if len(tokens) > 1:
            self._all_words(tokens, best)
        if allowed is not None:
            best = {owner: hit for owner, hit in best.items() if owner in allowed}
        if len(best) < wanted and len(query) >= FUZZY_MIN_TOKEN:
            fuzzy: dict[int, tuple[float, int]] = {}
            self._fuzzy(tokens, fuzzy)
            for owner, hit in fuzzy.items():
                if (allowed is None or owner in allowed) and owner not in best:
                    best[owner] = hit
        return best
