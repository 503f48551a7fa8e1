"""Rank FAQ entries for a question: BM25 (bm25s) over stemmed words (PyStemmer), with
content-defined synonyms and stop words, and typo repair by fuzzy matching (RapidFuzz)."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import bm25s
import numpy as np
import Stemmer
from rapidfuzz import fuzz, process

from bot.core.content.models import Content, Matching

FLOWCHART = "__flowchart__"
_WORD = re.compile(r"[a-z0-9]+")

Kind = Literal["answer", "suggest", "unknown"]


@dataclass(frozen=True)
class Match:
    id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The decision for one question: answer ``best``, offer ``suggestions``, or say unknown."""

    kind: Kind
    best: Match | None
    suggestions: tuple[Match, ...]
    coverage: float


class Analyzer:
    """Turns text into the terms the index holds: synonyms, stop words, stems."""

    def __init__(self, matching: Matching) -> None:
        self._stemmer = Stemmer.Stemmer(matching.language)
        self._stop = {w.lower() for w in matching.stopwords}
        self._phrases: dict[tuple[str, ...], list[str]] = {}
        for canonical, variants in matching.synonyms.items():
            for variant in variants:
                self._phrases[tuple(_WORD.findall(variant.lower()))] = _WORD.findall(canonical.lower())
        self._longest = max((len(p) for p in self._phrases), default=1)

    def words(self, text: str) -> list[str]:
        """Lower-cased words with synonyms replaced by their canonical form."""
        raw = _WORD.findall(text.lower().replace("’", "'").replace("'s ", " ").replace("'", ""))
        out: list[str] = []
        i = 0
        while i < len(raw):
            for size in range(min(self._longest, len(raw) - i), 0, -1):
                canonical = self._phrases.get(tuple(raw[i : i + size]))
                if canonical is not None:
                    out += canonical
                    i += size
                    break
            else:
                out.append(raw[i])
                i += 1
        return out

    def terms(self, text: str) -> list[str]:
        """Stemmed content words: what BM25 scores."""
        kept = [w for w in self.words(text) if w not in self._stop]
        return list(self._stemmer.stemWords(kept))


class FaqMatcher:
    """Scores every entry's ways of asking and keeps each entry's best phrasing score."""

    def __init__(self, documents: dict[str, list[str]], matching: Matching) -> None:
        self._matching = matching
        self._analyzer = Analyzer(matching)
        self._ids = list(documents)
        owners: list[int] = []
        corpus: list[list[str]] = []
        for index, texts in enumerate(documents.values()):
            for text in texts:
                corpus.append(self._analyzer.terms(text) or ["_"])
                owners.append(index)
        self._starts = np.flatnonzero(np.r_[True, np.diff(owners) != 0])
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
        self._index = bm25s.BM25()
        self._index.index(corpus, show_progress=False)
        self._vocab = set(self._index.vocab_dict)
        self._vocab_list = sorted(self._vocab)
        self._entry_terms = [set() for _ in self._ids]  # type: list[set[str]]
        for owner, terms in zip(owners, corpus, strict=True):
            self._entry_terms[owner].update(terms)
        self._idf = _entry_idf(self._entry_terms)
        self._unknown_idf = math.log(1 + len(self._ids))
        self._repair = lru_cache(maxsize=4096)(self._repair_uncached)

    @classmethod
    def from_content(cls, content: Content) -> FaqMatcher:
        """Index each FAQ entry's title and ways of asking, plus the flowchart's triggers."""
        docs = {e.id: [e.title, *e.asked] for e in content.faq.entries}
        docs[FLOWCHART] = list(content.flowchart.triggers)
        return cls(docs, content.matching)

    def _repair_uncached(self, term: str) -> str | None:
        if len(term) < self._matching.fuzzy_min_length:
            return None
        found = process.extractOne(
            term, self._vocab_list, scorer=fuzz.ratio, score_cutoff=self._matching.fuzzy_cutoff
        )
        return found[0] if found else None

    def query_terms(self, text: str) -> list[str]:
        """The question's terms, each unknown one repaired to a close indexed term if any."""
        out: list[str] = []
        for term in self._analyzer.terms(text):
            fixed = term if term in self._vocab else self._repair(term)
            out.append(fixed if fixed is not None else term)
        return out

    def scores(self, text: str) -> tuple[np.ndarray, list[str]]:
        """Best phrasing score per entry (in index order) and the query terms used."""
        terms = self.query_terms(text)
        known = [t for t in terms if t in self._vocab]
        if not known:
            return np.zeros(len(self._ids)), terms
        per_doc = np.asarray(self._index.get_scores(known))
        return np.maximum.reduceat(per_doc, self._starts), terms

    def coverage(self, terms: list[str], vocab: set[str]) -> float:
        """The share of the question's meaning the entry knows: matched terms weighted by
        rarity, so an unknown word ("mileage") counts for more than a common one ("post")."""
        weights = [self._idf.get(t, self._unknown_idf) for t in terms]
        matched = sum(w for t, w in zip(terms, weights, strict=True) if t in vocab)
        return matched / sum(weights)

    def match(self, text: str) -> MatchResult:
        """Rank the entries and decide: a confident answer, a few suggestions, or unknown."""
        scores, terms = self.scores(text)
        order = np.argsort(-scores)[: self._matching.max_suggestions + 1]
        ranked = [Match(self._ids[i], float(scores[i])) for i in order if scores[i] > 0]
        if not ranked or not terms:
            return MatchResult("unknown", None, (), 0.0)
        best = ranked[0]
        coverage = self.coverage(terms, self._entry_terms[int(order[0])])
        limits = self._matching.thresholds
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        clear = best.score - runner_up >= limits.margin * best.score
        if best.score >= limits.answer and coverage >= limits.coverage and clear:
            return MatchResult("answer", best, tuple(ranked[1:]), coverage)
        close = tuple(m for m in ranked if m.score >= limits.suggest)
        if close and coverage >= limits.coverage / 2:
            return MatchResult("suggest", best, close[: self._matching.max_suggestions], coverage)
        return MatchResult("unknown", best, (), coverage)


def _entry_idf(entry_terms: list[set[str]]) -> dict[str, float]:
    """Inverse document frequency of each term over entries (not phrasings)."""
    counts = Counter(term for terms in entry_terms for term in terms)
    return {term: math.log(1 + len(entry_terms) / n) for term, n in counts.items()}
