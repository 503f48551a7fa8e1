"""Match a question to an FAQ entry, the flowchart, or nothing.

A linear support-vector classifier (scikit-learn) learns every entry's ways of asking, the
flowchart's trigger phrases and a class of questions the policy does not cover, over
character n-grams of the words after content-defined synonyms are applied. Character
n-grams see "posting" in "posted" and survive typos, so no stemmer or spelling fixer is
needed.

Training happens once per version of the examples: the weights are kept in a cache folder
(``model.py``) and every later process loads them in milliseconds and scores with numpy alone,
so scikit-learn and scipy are imported only when content has changed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bot.core.content.models import Content, Matching
from bot.core.model import Trained, char_ngrams, load_or_train

FLOWCHART = "__flowchart__"
NOT_COVERED = "__not_covered__"
_WORD = re.compile(r"[a-z0-9]+")

Kind = Literal["answer", "suggest", "unknown"]
Vector = npt.NDArray[np.floating[Any]]


class Decision(StrEnum):
    ANSWER = "answer"  # an FAQ entry
    WALK = "walk"  # the officer has a post to deal with: the flowchart walk
    SUGGEST = "suggest"  # "did you mean" close matches
    UNKNOWN = "unknown"  # the policy does not say


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

    @property
    def decision(self) -> Decision:
        """What the bot does with it: answer an entry, start the walk, suggest, or decline."""
        if self.kind == "answer" and self.best is not None:
            return Decision.WALK if self.best.id == FLOWCHART else Decision.ANSWER
        return Decision.SUGGEST if self.kind == "suggest" else Decision.UNKNOWN


class Analyzer:
    """Lower-cases, splits into words and replaces synonyms by their canonical form."""

    def __init__(self, matching: Matching) -> None:
        self._phrases: dict[tuple[str, ...], list[str]] = {}
        for canonical, variants in matching.synonyms.items():
            for variant in variants:
                key = tuple(_WORD.findall(variant.lower()))
                self._phrases[key] = _WORD.findall(canonical.lower())
        # The lengths of the phrases each word starts, longest first: most words start none, so
        # reading a word is one look-up (training reads every example, 18,000 of them at 1,000
        # entries).
        sizes: dict[str, set[int]] = {}
        for key in self._phrases:
            if key:
                sizes.setdefault(key[0], set()).add(len(key))
        self._sizes = {word: sorted(found, reverse=True) for word, found in sizes.items()}

    def words(self, text: str) -> list[str]:
        raw = _WORD.findall(text.lower().replace("’", "'").replace("'s ", " ").replace("'", ""))
        out: list[str] = []
        i = 0
        while i < len(raw):
            for size in self._sizes.get(raw[i], ()):
                canonical = self._phrases.get(tuple(raw[i : i + size])) if i + size <= len(raw) else None
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
    """Built from trained weights; ``match`` is a few dictionary look-ups and one small matrix
    product, so it stays well under a millisecond."""

    def __init__(self, trained: Trained, matching: Matching) -> None:
        self._matching = matching
        self._analyzer = Analyzer(matching)
        self.classes: list[str] = list(trained.classes)
        self._low, self._high = matching.ngrams
        self._columns: dict[str, int] = {gram: i for i, gram in enumerate(trained.vocabulary)}
        self._idf: Vector = trained.idf
        self._weights: Vector = trained.weights
        self._bias: Vector = trained.bias

    @classmethod
    def train(cls, examples: Examples, matching: Matching, *, cache: Path | None = None) -> FaqMatcher:
        """Load the weights kept for exactly these examples, or train and keep them."""
        analyzer = Analyzer(matching)
        trained = load_or_train(examples.by_class, matching, analyzer.normal, cache=cache, train=_train)
        return cls(trained, matching)

    @classmethod
    def from_content(cls, content: Content, *, cache: Path | None = None) -> FaqMatcher:
        return cls.train(Examples.from_content(content), content.matching, cache=cache)

    def ngrams(self, text: str) -> list[str]:
        """The character n-grams the classifier reads, as scikit-learn's ``char_wb`` makes them."""
        return char_ngrams(self._analyzer.normal(text), self._low, self._high)

    def scores(self, text: str) -> Vector:
        """The classifier's score for each class, computed as scikit-learn's
        ``decision_function(vectorizer.transform([text]))`` does (a test proves it), without
        its per-call overhead of about half a millisecond."""
        lookup = self._columns.get
        found = [c for c in map(lookup, self.ngrams(text)) if c is not None]
        if not found:
            return self._bias.copy()
        counted = Counter(found)  # cheaper than np.unique for the hundred or so n-grams of a question
        columns = np.fromiter(counted.keys(), dtype=np.int64, count=len(counted))
        counts = np.fromiter(counted.values(), dtype=np.float32, count=len(counted))
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


def _train(
    by_class: Mapping[str, Sequence[str]], matching: Matching, normal: Callable[[str], str]
) -> Trained:
    """Train afresh: ``training.py`` alone imports scikit-learn and scipy, so a process that
    finds kept weights never imports them."""
    from bot.core import training

    return training.train(by_class, matching, normal)
