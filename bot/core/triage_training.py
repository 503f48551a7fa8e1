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
    shown: int  # held-out examples written for the question that scored past the threshold
    right: int  # of those, the ones whose answer is this side


@dataclass(frozen=True)
class Examples:
    """One question's examples: texts, 1 for yes and 0 for no, the weight of each, and which
    were written for the question (the others are inferred from later questions)."""

    texts: list[str]
    labels: npt.NDArray[np.int64]
    weights: Floats
    own: npt.NDArray[np.bool_]


SETTINGS = "@settings"  # the class whose "texts" are the settings, so the digest covers them
INFERRED = ":inferred"  # the suffix of a class of examples inferred from later questions


def train_classes(by_class: Mapping[str, Sequence[str]], matching: Matching, normal: Normalise) -> Trained:
    """``model.load_or_train``'s way in: classes ``<question>:yes`` and ``<question>:no`` of
    examples written for the question, the same with ``:inferred`` for ones inferred from the
    flowchart, and ``@settings`` (``precision 0.95``, ``inferred 0.5``)."""
    inferred, precision = _settings(by_class)
    return train(decode(by_class, inferred), matching, normal, precision)[0]


def measure(by_class: Mapping[str, Sequence[str]], matching: Matching) -> dict[str, tuple[Side, Side]]:
    """What cross-validation measures for each question's two sides, for ``app.py eval``."""
    inferred, precision = _settings(by_class)
    return train(decode(by_class, inferred), matching, Analyzer(matching).normal, precision)[1]


def _settings(by_class: Mapping[str, Sequence[str]]) -> tuple[float, float]:
    """The weight of an inferred example and the precision a suggestion needs."""
    settings = dict(line.split(" ", 1) for line in by_class.get(SETTINGS, ()))
    return float(settings.get("inferred", 1)), float(settings.get("precision", 0.95))


def decode(by_class: Mapping[str, Sequence[str]], inferred: float) -> dict[str, Examples]:
    """Each question's examples from the classes ``train_classes`` reads. A text written for a
    question wins over the same text inferred for it."""
    found: dict[str, dict[str, tuple[int, float, bool]]] = {}
    for name in sorted(by_class, key=lambda n: n.endswith(INFERRED), reverse=True):
        if name == SETTINGS:
            continue
        question, answer = name.removesuffix(INFERRED).rsplit(":", 1)
        own = not name.endswith(INFERRED)
        texts = found.setdefault(question, {})
        for text in by_class[name]:
            texts[text] = (int(answer == "yes"), 1.0 if own else inferred, own)
    return {
        question: Examples(
            texts=list(texts),
            labels=np.asarray([v[0] for v in texts.values()], dtype=np.int64),
            weights=np.asarray([v[1] for v in texts.values()], dtype=np.float64),
            own=np.asarray([v[2] for v in texts.values()], dtype=np.bool_),
        )
        for question, texts in found.items()
        if any(v[2] for v in texts.values())  # a question with examples of its own
    }


def train(
    questions: Mapping[str, Examples], matching: Matching, normal: Normalise, precision: float
) -> tuple[Trained, dict[str, tuple[Side, Side]]]:
    """The kept weights (a yes and a no column per question, shifted by their thresholds) and
    what cross-validation measured for each side."""
    texts = sorted({t for q in questions.values() for t in q.texts})
    tfidf = vectorize(texts, *matching.ngrams, normal)
    rows = {t: i for i, t in enumerate(texts)}
    features = tfidf.matrix.astype(np.float64)
    classes: list[str] = []
    columns: list[Floats] = []
    biases: list[float] = []
    measured: dict[str, tuple[Side, Side]] = {}
    for question, examples in questions.items():
        x = features[[rows[t] for t in examples.texts]]
        yes, no = _sides(x, examples, matching.c, precision)
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
            own=examples.own[taught],
        )
        w, b = _fit(x[taught], part, c)
        scores[held] = x[held] @ w + b
    return scores


def _sides(x: sp.csr_matrix, examples: Examples, c: float, precision: float) -> tuple[Side, Side]:
    """The yes threshold and the no threshold, measured on the examples written for the
    question (inferred ones teach, but are not what a suggestion is judged on)."""
    if min(np.bincount(examples.labels, minlength=2)) < FOLDS:
        return Side(NEVER, 0, 0), Side(NEVER, 0, 0)
    scores = held_out_scores(x, examples, c)[examples.own]
    labels = examples.labels[examples.own]
    return threshold(scores, labels == 1, precision), threshold(-scores, labels == 0, precision)


def threshold(scores: Floats, right: npt.NDArray[np.bool_], precision: float) -> Side:
    """The lowest score (at least zero, the boundary) at which everything scoring as much is
    right at least ``precision`` of the time, over at least ``MIN_SHOWN`` examples."""
    order = np.argsort(-scores)
    ranked, correct = scores[order], np.cumsum(right[order])
    best = Side(NEVER, 0, 0)
    for n in range(MIN_SHOWN, len(ranked) + 1):
        if ranked[n - 1] < 0:
            break
        if n < len(ranked) and ranked[n] == ranked[n - 1]:
            continue  # ties go together
        if correct[n - 1] >= precision * n:
            best = Side(float(ranked[n - 1]), n, int(correct[n - 1]))
    return best
