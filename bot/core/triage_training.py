"""Training the triage suggestions: imported only when the kept weights do not fit the examples.

Each flowchart question gets a linear SVM over the same character n-grams as the FAQ matcher,
yes against no. Its scores are not probabilities, so how far from the boundary a suggestion
must be is measured: each example is scored by a model trained without it (k-fold
cross-validation), and the threshold on each side is the lowest at which the suggestions
shown would have been right at least ``precision`` of the time. The kept weights carry it: a
question has a yes column and a no column, each shifted so that a score of zero or more means
"show this suggestion".
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold

from bot.core.content.models import Matching
from bot.core.faq import Analyzer
from bot.core.model import Normalise, Trained
from bot.core.training import svm, vectorize

FOLDS = 5
MIN_SHOWN = 4  # the fewest held-out examples a threshold must show for its precision to count
NEVER = 1e6  # a shift no score reaches: the side is never suggested
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Side:
    """One side of one question, as cross-validation measured it on the examples."""

    threshold: float
    shown: int  # held-out examples that scored past the threshold
    right: int  # of those, the ones whose answer is this side


@dataclass(frozen=True)
class Examples:
    """One question's examples: texts, 1 for yes and 0 for no, and the weight of each (less
    for one inferred from a later question)."""

    texts: list[str]
    labels: npt.NDArray[np.int64]
    weights: Floats


@dataclass(frozen=True)
class Settings:
    """What shapes the thresholds, read from the ``@settings`` class."""

    precision: float = 0.95
    inferred: float = 1.0
    guarded: frozenset[str] = frozenset()  # questions where a wrong "no" costs ``cost`` right ones
    cost: float = 1.0

    @classmethod
    def read(cls, by_class: Mapping[str, Sequence[str]]) -> Settings:
        lines = dict(line.split(" ", 1) for line in by_class.get(SETTINGS, ()))
        return cls(
            precision=float(lines.get("precision", 0.95)),
            inferred=float(lines.get("inferred", 1)),
            guarded=frozenset(lines.get("guarded", "").split()),
            cost=float(lines.get("cost", 1)),
        )


SETTINGS = "@settings"  # the class whose "texts" are the settings, so the digest covers them
INFERRED = ":inferred"  # the suffix of a class of examples inferred from later questions


def train_classes(by_class: Mapping[str, Sequence[str]], matching: Matching, normal: Normalise) -> Trained:
    """``model.load_or_train``'s way in: classes ``<question>:yes`` and ``<question>:no`` of
    examples written for the question, the same with ``:inferred`` for ones inferred from the
    flowchart, and ``@settings`` (lines such as ``precision 0.95``, ``guarded safety unlawful``)."""
    settings = Settings.read(by_class)
    return train(decode(by_class, settings.inferred), matching, normal, settings)[0]


def measure(by_class: Mapping[str, Sequence[str]], matching: Matching) -> dict[str, tuple[Side, Side]]:
    """What cross-validation measures for each question's two sides, for ``app.py eval``."""
    settings = Settings.read(by_class)
    return train(decode(by_class, settings.inferred), matching, Analyzer(matching).normal, settings)[1]


def decode(by_class: Mapping[str, Sequence[str]], inferred: float) -> dict[str, Examples]:
    """Each question's examples from the classes ``train_classes`` reads. A text written for a
    question wins over the same text inferred for it; a question with no examples of its own
    gets no suggestions."""
    found: dict[str, dict[str, tuple[int, float]]] = {}
    own: set[str] = set()
    for name in sorted(by_class, key=lambda n: n.endswith(INFERRED), reverse=True):
        if name == SETTINGS:
            continue
        question, answer = name.removesuffix(INFERRED).rsplit(":", 1)
        weight = inferred if name.endswith(INFERRED) else 1.0
        own |= set() if name.endswith(INFERRED) else {question}
        texts = found.setdefault(question, {})
        texts |= {text: (int(answer == "yes"), weight) for text in by_class[name]}
    return {
        question: Examples(
            texts=list(texts),
            labels=np.asarray([label for label, _ in texts.values()], dtype=np.int64),
            weights=np.asarray([weight for _, weight in texts.values()], dtype=np.float64),
        )
        for question, texts in found.items()
        if question in own
    }


def train(
    questions: Mapping[str, Examples], matching: Matching, normal: Normalise, settings: Settings
) -> tuple[Trained, dict[str, tuple[Side, Side]]]:
    """The kept weights (a yes and a no column per question, shifted by their thresholds) and
    what cross-validation measured for each side."""
    texts = sorted({t for q in questions.values() for t in q.texts})
    tfidf = vectorize(texts, *matching.ngrams, normal, within_words=matching.analyzer == "char_wb")
    rows = {t: i for i, t in enumerate(texts)}
    features = tfidf.matrix.astype(np.float64)
    classes: list[str] = []
    columns: list[Floats] = []
    biases: list[float] = []
    measured: dict[str, tuple[Side, Side]] = {}
    for question, examples in questions.items():
        x = features[[rows[t] for t in examples.texts]]
        cost = settings.cost if question in settings.guarded else 1.0
        yes, no = _sides(x, examples, matching.c, settings.precision, cost)
        w, b = _fit(x, examples, matching.c)
        classes += [f"{question}:yes", f"{question}:no"]
        columns += [w, -w]
        biases += [b - yes.threshold, -b - no.threshold]
        measured[question] = (yes, no)
    trained = Trained(
        classes=tuple(classes),
        vocabulary=tfidf.vocabulary,
        idf=tfidf.idf,
        weights=np.ascontiguousarray(np.stack(columns, axis=1), dtype=np.float32),
        bias=np.asarray(biases, dtype=np.float32),
    )
    return trained, measured


def _fit(x: sp.csr_matrix, examples: Examples, c: float) -> tuple[Floats, float]:
    """The weights and bias of one yes-against-no SVM, each label weighing the same in all."""
    balance = _balanced(examples.labels) * examples.weights
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = svm(c).fit(x, examples.labels, sample_weight=balance)
    return np.asarray(model.coef_[0], dtype=np.float64), float(model.intercept_[0])


def _balanced(labels: npt.NDArray[np.int64]) -> Floats:
    counts = np.bincount(labels, minlength=2).astype(np.float64)
    return len(labels) / (2 * np.maximum(counts[labels], 1))


def held_out_scores(x: sp.csr_matrix, examples: Examples, c: float) -> Floats:
    """Each example's score from a model trained without it (its fold left out)."""
    scores = np.zeros(len(examples.texts))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    for taught, held in folds.split(np.zeros(len(examples.labels)), examples.labels):
        part = Examples(
            texts=[examples.texts[i] for i in taught],
            labels=examples.labels[taught],
            weights=examples.weights[taught],
        )
        w, b = _fit(x[taught], part, c)
        scores[held] = x[held] @ w + b
    return scores


def _sides(
    x: sp.csr_matrix, examples: Examples, c: float, precision: float, cost: float
) -> tuple[Side, Side]:
    """The yes threshold and the no threshold, on every example held out in turn (those
    inferred from later questions too: most posts that reach a question are like them); a
    wrong "no" counts ``cost`` times."""
    if min(np.bincount(examples.labels, minlength=2)) < FOLDS:
        return Side(NEVER, 0, 0), Side(NEVER, 0, 0)
    scores = held_out_scores(x, examples, c)
    yes = examples.labels == 1
    return threshold(scores, yes, precision), threshold(-scores, ~yes, precision, cost=cost)


def threshold(scores: Floats, right: npt.NDArray[np.bool_], precision: float, *, cost: float = 1.0) -> Side:
    """The lowest score (at least zero, the boundary) at which the suggestions scoring as much
    are right at least ``precision`` of the time, each wrong one counting ``cost`` times, over
    at least ``MIN_SHOWN`` examples."""
    order = np.argsort(-scores)
    ranked, correct = scores[order], np.cumsum(right[order])
    weighed = np.cumsum(np.where(right[order], 1.0, cost))
    best = Side(NEVER, 0, 0)
    for n in range(MIN_SHOWN, len(ranked) + 1):
        if ranked[n - 1] < 0:
            break
        if n < len(ranked) and ranked[n] == ranked[n - 1]:
            continue  # ties go together
        if correct[n - 1] >= precision * weighed[n - 1]:
            best = Side(float(ranked[n - 1]), n, int(correct[n - 1]))
    return best
