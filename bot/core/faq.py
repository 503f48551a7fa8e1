"""Match a question to an FAQ entry, the flowchart, or nothing.

A linear support-vector classifier (scikit-learn) learns every entry's ways of asking, the
flowchart's trigger phrases and a class of questions the policy does not cover, over
character n-grams of the words after content-defined synonyms are applied. Character
n-grams see "posting" in "posted" and survive typos, so no stemmer or spelling fixer is
needed. Training takes a fraction of a second when content loads.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.core.content.models import Content, Matching

FLOWCHART = "__flowchart__"
NOT_COVERED = "__not_covered__"
_WORD = re.compile(r"[a-z0-9]+")

Kind = Literal["answer", "suggest", "unknown"]
Vector = npt.NDArray[np.floating[Any]]


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


class Analyzer:
    """Lower-cases, splits into words and replaces synonyms by their canonical form."""

    def __init__(self, matching: Matching) -> None:
        self._phrases: dict[tuple[str, ...], list[str]] = {}
        for canonical, variants in matching.synonyms.items():
            for variant in variants:
                key = tuple(_WORD.findall(variant.lower()))
                self._phrases[key] = _WORD.findall(canonical.lower())
        self._longest = max((len(p) for p in self._phrases), default=1)

    def words(self, text: str) -> list[str]:
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

    def normal(self, text: str) -> str:
        """The text as the classifier reads it."""
        return " ".join(self.words(text))


@dataclass(frozen=True)
class Examples:
    """Training text: each class id with the texts that say it."""

    by_class: dict[str, tuple[str, ...]]

    @classmethod
    def from_content(cls, content: Content) -> Examples:
        by_class = {e.id: (e.title, *e.asked, e.answer) for e in content.faq.entries}
        by_class[FLOWCHART] = tuple(content.flowchart.triggers)
        by_class[NOT_COVERED] = tuple(content.out_of_scope.questions)
        return cls(by_class)


class FaqMatcher:
    """Trained once per content load; ``match`` is a few dictionary look-ups and one
    small matrix product, so it stays well under a millisecond."""

    def __init__(self, examples: Examples, matching: Matching) -> None:
        self._matching = matching
        self._analyzer = Analyzer(matching)
        texts = [t for texts in examples.by_class.values() for t in texts]
        labels = [c for c, texts in examples.by_class.items() for _ in texts]
        low, high = matching.ngrams
        vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(low, high),
            sublinear_tf=True,
            preprocessor=self._analyzer.normal,
            dtype=np.float32,
        )
        features = vectorizer.fit_transform(texts)
        # A loose tolerance and an iteration cap bound training time; on this content they give
        # the same answers as the defaults, so not converging fully is expected, not a fault.
        model = LinearSVC(C=matching.c, tol=1e-2, max_iter=100, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(features, labels)
        self.vectorizer, self.model = vectorizer, model
        self.classes: list[str] = [str(c) for c in model.classes_]
        self._ngrams = vectorizer.build_analyzer()
        self._columns: dict[str, int] = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
        self._idf: Vector = np.asarray(vectorizer.idf_, dtype=np.float32)
        self._weights: Vector = np.ascontiguousarray(model.coef_.T, dtype=np.float32)
        self._bias: Vector = np.asarray(model.intercept_, dtype=np.float32)

    @classmethod
    def from_content(cls, content: Content) -> FaqMatcher:
        return cls(Examples.from_content(content), content.matching)

    def scores(self, text: str) -> Vector:
        """The classifier's score for each class, computed as scikit-learn's
        ``decision_function(vectorizer.transform([text]))`` does (a test proves it), without
        its per-call overhead of about half a millisecond."""
        lookup = self._columns.get
        found = [c for c in map(lookup, self._ngrams(text)) if c is not None]
        if not found:
            return self._bias.copy()
        columns, counts = np.unique(np.asarray(found, dtype=np.int64), return_counts=True)
        weights = (1.0 + np.log(counts, dtype=np.float32)) * self._idf[columns]
        weights /= np.linalg.norm(weights)
        result: Vector = weights @ self._weights[columns] + self._bias
        return result

    def match(self, text: str) -> MatchResult:
        """Answer when one class clearly wins; suggest close ones; else unknown."""
        scores = self.scores(text)
        limit = self._matching.max_suggestions
        ranked = [Match(self.classes[i], float(scores[i])) for i in np.argsort(-scores)[: limit + 2]]
        best = ranked[0]
        if best.id == NOT_COVERED:
            return MatchResult("unknown", None, ())
        others = [m for m in ranked[1:] if m.id != NOT_COVERED][:limit]
        limits = self._matching.thresholds
        runner_up = others[0].score if others else -math.inf
        if best.score >= limits.answer and best.score - runner_up >= limits.margin:
            return MatchResult("answer", best, tuple(others))
        close = tuple(m for m in [best, *others] if m.score >= limits.suggest)
        if close:
            return MatchResult("suggest", best, close[:limit])
        return MatchResult("unknown", best, ())
