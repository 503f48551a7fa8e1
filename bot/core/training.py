"""Training the matcher's classifier: imported only when the kept weights do not fit the content.

Two costs made a large FAQ slow to start: every entry learnt against every example of every
other entry, which grows with the square of the FAQ (1,000 entries: 1,000 classifiers x 18,000
examples, over five minutes), and scikit-learn's ``char_wb`` analyzer, pure Python, n-grammed
each word again each time it appeared (4 s). Here each distinct word is cut into n-grams once,
and while the content is small (``EXACT_PAIRS``) training is exactly the one-vs-rest linear SVM
it always was; above that, groups of entries near one another learn against their own
examples, those of the entries most like them and a weighted sample of the rest, so that
training grows in step with the FAQ instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.svm import LinearSVC

from bot.core.content.models import Matching
from bot.core.model import Trained, char_ngrams

# Examples x classes up to which every entry learns against every other example: the real
# content (about 80 entries, 1,700 examples) is a fifth of it, and training it takes about 1 s.
EXACT_PAIRS = 600_000
# Above it, classes are trained in groups of GROUP near one another, against the examples of
# the classes nearest the group (HARD at least) and SAMPLED drawn from the rest. The settings
# were chosen on the real content trained this way: 199/212 questions right, as against 198
# for one-vs-rest (`app.py eval`); with ten passes over the examples, as twenty gave the same.
GROUP = 16
HARD = 300
SAMPLED = 150
GROUP_ITERATIONS = 10
OWN = 24  # examples of each class a group learns from, drawn evenly when it has more
TOP = 64  # n-grams of each class's mean kept to find its neighbours
Normalise = Callable[[str], str]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Tfidf:
    """What scikit-learn's ``TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)`` makes of
    the texts (a test proves they agree): the rows, and the n-gram and idf of each column."""

    matrix: sp.csr_matrix
    vocabulary: tuple[str, ...]
    idf: npt.NDArray[np.float32]


def vectorize(
    texts: Sequence[str], low: int, high: int, normal: Normalise, *, within_words: bool = True
) -> Tfidf:
    """Sublinear tf x smoothed idf, rows of unit length, columns in n-gram order. A text is cut
    into pieces that recur across texts, each cut into n-grams once: its words and, with
    n-grams across words, the few letters either side of each space (``_pieces``)."""
    pieces: dict[tuple[str, int], int] = {}
    tokens: list[int] = []
    per_text: list[int] = []
    for text in texts:
        found = _pieces(normal(text), high, within_words)
        tokens.extend(pieces.setdefault(piece, len(pieces)) for piece in found)
        per_text.append(len(found))
    grams: dict[str, int] = {}
    by_word = [
        [grams.setdefault(g, len(grams)) for g in _piece_grams(p, low, high, within_words)] for p in pieces
    ]
    vocabulary = sorted(grams)
    column = np.empty(len(grams), dtype=np.int64)
    column[[grams[g] for g in vocabulary]] = np.arange(len(vocabulary))
    counts = _counts(by_word, np.asarray(tokens, dtype=np.int64), np.asarray(per_text), column)
    transformer = TfidfTransformer(sublinear_tf=True)
    matrix = transformer.fit_transform(counts)
    return Tfidf(matrix, tuple(vocabulary), np.asarray(transformer.idf_, dtype=np.float32))


Piece = tuple[str, int]  # text, and the place of its space (-1: a whole word)


def _pieces(text: str, high: int, within_words: bool) -> list[Piece]:
    """The words of ``text`` and, across words, each space with up to ``high - 1`` letters
    either side: every n-gram of the text lies inside one word or holds a first space, so the
    pieces' n-grams are exactly the text's."""
    words: list[Piece] = [(word, -1) for word in text.split()]
    if within_words:
        return words
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    return words + [(text[max(0, p - high + 1) : p + high], min(p, high - 1)) for p in spaces]


def _piece_grams(piece: Piece, low: int, high: int, within_words: bool) -> list[str]:
    """A word's n-grams (``char_wb``: padded with spaces), or those holding the piece's space
    as their first."""
    text, space = piece
    if space < 0:
        return char_ngrams(text, low, high, within_words=within_words)
    return [
        text[i : i + n]
        for n in range(low, high + 1)
        for i in range(max(0, space - n + 1), space + 1)
        if i + n <= len(text) and " " not in text[i:space]
    ]


def _counts(by_word: list[list[int]], tokens: Ints, per_text: Ints, column: Ints) -> sp.csr_matrix:
    """How often each n-gram occurs in each text, from each word's n-grams laid end to end."""
    sizes = np.fromiter((len(g) for g in by_word), dtype=np.int64, count=len(by_word))
    flat = np.fromiter((g for gs in by_word for g in gs), dtype=np.int64, count=int(sizes.sum()))
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    lengths = sizes[tokens]
    offsets = np.repeat(starts[tokens] - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    columns = column[flat[offsets + np.arange(int(lengths.sum()))]]
    rows = np.repeat(np.repeat(np.arange(len(per_text)), per_text), lengths)
    ones = np.ones(len(columns), dtype=np.float32)
    counts = sp.csr_matrix((ones, (rows, columns)), shape=(len(per_text), len(column)))
    counts.sort_indices()
    return counts


def train(by_class: Mapping[str, Sequence[str]], matching: Matching, normal: Normalise) -> Trained:
    """The vocabulary, idf and linear weights for these examples."""
    classes = tuple(sorted(by_class))
    index = {c: i for i, c in enumerate(classes)}
    texts = [t for texts in by_class.values() for t in texts]
    labels = np.asarray([index[c] for c, texts in by_class.items() for _ in texts], dtype=np.int64)
    tfidf = vectorize(texts, *matching.ngrams, normal, within_words=matching.analyzer == "char_wb")
    features = tfidf.matrix.astype(np.float64)  # liblinear reads float64; convert once, not per entry
    if len(classes) * len(texts) <= EXACT_PAIRS:
        weights, bias = _one_vs_rest(features, labels, matching.c)
    else:
        weights, bias = _grouped(features, labels, matching.c)
    return Trained(
        classes=classes,
        vocabulary=tfidf.vocabulary,
        idf=tfidf.idf,
        weights=np.ascontiguousarray(weights.T, dtype=np.float32),
        bias=np.asarray(bias, dtype=np.float32),
    )


def svm(c: float, *, iterations: int = 100) -> LinearSVC:
    """The one linear SVM. A loose tolerance and an iteration cap bound training time; on the
    real content they give the same answers as the defaults, so not converging fully is
    expected, not a fault."""
    return LinearSVC(C=c, tol=1e-2, max_iter=iterations, random_state=0)


def _one_vs_rest(features: sp.csr_matrix, labels: Ints, c: float) -> tuple[Floats, Floats]:
    model = svm(c)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features, labels)
    return model.coef_, model.intercept_


def _grouped(features: sp.csr_matrix, labels: Ints, c: float) -> tuple[Floats, Floats]:
    """Classes in groups of ``GROUP`` near one another, each group one-vs-rest among its own
    examples, the nearest other classes' (up to ``HARD``) and ``SAMPLED`` of the rest, each of
    those weighted by how many it stands for: the same loss as one-vs-rest over everything,
    estimated where it matters most, in one scikit-learn call per group."""
    count = int(labels.max()) + 1
    rng = np.random.default_rng(0)
    members = [_at_most(np.flatnonzero(labels == k), OWN, rng) for k in range(count)]
    similarity = _similarity(features, labels, count)
    weights = np.zeros((count, features.shape[1]))
    bias = np.zeros(count)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for group in _groups(similarity):
            rows, y, weight = _examples_for(group, members, similarity, rng)
            model = svm(c, iterations=GROUP_ITERATIONS).fit(features[rows], y, sample_weight=weight)
            found = model.classes_ if len(model.classes_) > 2 else model.classes_[1:]
            for line, k in enumerate(found):
                if k >= 0:
                    weights[k], bias[k] = model.coef_[line], model.intercept_[line]
    return weights, bias


def _at_most(rows: Ints, size: int, rng: np.random.Generator) -> Ints:
    """``size`` of the rows, drawn evenly, in their order: a class with many ways of asking
    costs a large FAQ's training no more than one with ``size``."""
    if len(rows) <= size:
        return rows
    return np.sort(rng.choice(rows, size=size, replace=False))


def _similarity(features: sp.csr_matrix, labels: Ints, count: int) -> npt.NDArray[np.float32]:
    """The cosine of every two classes' mean examples, each mean cut to its ``TOP`` heaviest
    n-grams: enough to rank neighbours, at a thousandth of the cost of the whole means."""
    ones = np.ones(len(labels), dtype=np.float32)
    members = sp.csr_matrix((ones, (labels, np.arange(len(labels)))), shape=(count, len(labels)))
    means = sp.csr_matrix(members @ features, dtype=np.float32)
    for k in range(count):
        row = means.data[means.indptr[k] : means.indptr[k + 1]]
        if len(row) > TOP:
            row[row < np.partition(row, len(row) - TOP)[len(row) - TOP]] = 0
    means.eliminate_zeros()
    norms = np.sqrt(np.asarray(means.multiply(means).sum(axis=1)).ravel())
    cut = sp.csr_matrix(sp.diags(1 / np.maximum(norms, 1e-12)) @ means)
    similarity = np.asarray((cut @ cut.T).todense(), dtype=np.float32)
    np.fill_diagonal(similarity, -np.inf)
    return similarity


def _groups(similarity: npt.NDArray[np.float32]) -> list[list[int]]:
    """Each class not yet in a group, with the nearest classes not yet in one, ``GROUP`` at most."""
    free = np.ones(len(similarity), dtype=bool)
    groups = []
    for k in range(len(similarity)):
        if not free[k]:
            continue
        free[k] = False
        order = np.argsort(-similarity[k])
        group = [k, *order[free[order]][: GROUP - 1].tolist()]
        free[group] = False
        groups.append(group)
    return groups


def _examples_for(
    group: list[int], members: list[Ints], similarity: npt.NDArray[np.float32], rng: np.random.Generator
) -> tuple[Ints, Ints, Floats]:
    """The group's examples (their classes), then others (-1): whole classes nearest the group
    until ``HARD``, and ``SAMPLED`` of the rest, each weighted by how many it stands for."""
    closeness = similarity[group].max(axis=0)
    closeness[group] = -np.inf
    own = np.concatenate([members[k] for k in group])
    hard: list[Ints] = []
    size = 0
    for j in np.argsort(-closeness)[: len(members) - len(group)]:
        if size >= HARD:
            break
        hard.append(members[j])
        size += len(members[j])
    near = np.concatenate(hard) if hard else own[:0]
    every = np.concatenate(members)  # the rows training uses, each class's at most OWN
    left = np.zeros(int(every.max()) + 1, dtype=bool)
    left[every] = True
    left[own] = left[near] = False
    rest = np.flatnonzero(left)
    drawn = rng.choice(rest, size=min(SAMPLED, len(rest)), replace=False)
    rows = np.concatenate([own, near, drawn])
    sizes = [len(members[k]) for k in group]
    y = np.concatenate([np.repeat(group, sizes), np.full(len(near) + len(drawn), -1)])
    weight = np.ones(len(rows))
    weight[len(own) + len(near) :] = len(rest) / max(1, len(drawn))
    return rows, y, weight
