"""Training the matcher's classifier: imported only when the kept weights do not fit the content.

Two costs made a large FAQ slow to start: every entry learnt against every example of every
other entry, which grows with the square of the FAQ (1,000 entries: 1,000 classifiers x 36,000
examples, over five minutes), and scikit-learn's analyzers, pure Python, cutting ten million
n-grams one by one. Here n-grams are counted with numpy, as numbers, and while the content is
small (``EXACT_PAIRS``) training is exactly the one-vs-rest linear SVM it always was; above
that, groups of entries near one another learn against their own examples, those of the
entries most like them and a weighted sample of the rest, so that training grows in step with
the FAQ instead.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.svm import LinearSVC

from bot.core.content.models import Matching
from bot.core.model import Trained, digit_table, digits, windows

# Examples x classes up to which every entry learns against every other example: the real
# content (96 classes, 7,100 examples: 684,000) trains so in about 9 s on two cores, and a
# council's FAQ half as large again still trains exactly.
EXACT_PAIRS = 1_000_000
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
TABLE = 1 << 24  # n-gram codes below this are numbered with a table of them all (16 MB)
Normalise = Callable[[str], str]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Weights = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Tfidf:
    """What scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` with the content's analyzer
    makes of the texts (a test proves they agree): the rows, and the n-gram and idf of each
    column."""

    matrix: sp.csr_matrix
    vocabulary: tuple[str, ...]
    idf: npt.NDArray[np.float32]


def vectorize(
    texts: Sequence[str], low: int, high: int, normal: Normalise, *, within_words: bool = True
) -> Tfidf:
    """Sublinear tf x smoothed idf, rows of unit length, columns in n-gram order. The n-grams
    are counted with numpy (``_grams``) over stretches of text: each text, or each of its words
    padded with a space either side (``char_wb``)."""
    normed = [normal(text) for text in texts]
    if within_words:
        stretches = [f" {word} " for text in normed for word in text.split()]
        per_text = [len(text.split()) for text in normed]
    else:
        stretches, per_text = normed, [1] * len(normed)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), per_text)
    rows, columns, vocabulary = _grams(stretches, owner, low, high, whole_if_short=within_words)
    ones = np.ones(len(rows), dtype=np.float32)
    counts = sp.csr_matrix((ones, (rows, columns)), shape=(len(texts), len(vocabulary)))
    counts.sort_indices()
    transformer = TfidfTransformer(sublinear_tf=True)
    matrix = transformer.fit_transform(counts)
    return Tfidf(matrix, vocabulary, np.asarray(transformer.idf_, dtype=np.float32))


def _grams(
    stretches: Sequence[str], owner: Ints, low: int, high: int, *, whole_if_short: bool
) -> tuple[Ints, Ints, tuple[str, ...]]:
    """Every n-gram of every stretch, as (row, column) pairs, and the n-gram of each column in
    sorted order. An n-gram is a number: its characters are digits in a base one more than the
    number of distinct characters, so all n-grams of one length are found at once, without
    Python's per-n-gram cost (a 1,000-entry FAQ has ten million). ``char_wb`` keeps a stretch
    shorter than ``low`` whole, as scikit-learn does."""
    lengths = np.fromiter(map(len, stretches), dtype=np.int64, count=len(stretches))
    points = np.frombuffer("".join(stretches).encode("utf-32-le"), dtype=np.uint32)
    alphabet = np.unique(points)
    base = len(alphabet) + 1
    if base**high >= 2**62:
        raise ValueError(f"n-grams of {high} characters from {len(alphabet)} distinct ones overflow")
    read = digits(digit_table(alphabet), points)
    stretch = np.repeat(np.arange(len(stretches)), lengths)
    end = np.cumsum(lengths)[stretch]  # where each character's stretch ends
    codes: list[Ints] = []
    rows: list[Ints] = []
    for code, at in windows(read, base, low, high, ends=end):
        assert at is not None  # windows gives positions whenever it keeps only some
        codes.append(code)
        rows.append(owner[stretch[at]])
    if whole_if_short:
        starts = np.cumsum(lengths) - lengths
        short = np.flatnonzero((lengths < low) & (lengths > 0))
        wholes = []
        for k in short:
            whole = 0
            for d in read[starts[k] : starts[k] + lengths[k]]:
                whole = whole * base + int(d)
            wholes.append(whole)
        codes.append(np.asarray(wholes, dtype=np.int64))
        rows.append(owner[short])
    found = [_numbered(code) for code in codes]
    distinct = np.unique(np.concatenate([d for d, _ in found])) if found else np.zeros(0, dtype=np.int64)
    column_of = (
        np.concatenate([np.searchsorted(distinct, d)[at] for d, at in found])
        if found
        else np.zeros(0, dtype=np.int64)
    )
    names = _spelt(distinct, alphabet, base, high)
    order = np.argsort(names, kind="stable")
    column = np.empty(len(order), dtype=np.int64)
    column[order] = np.arange(len(order))
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    return row, column[column_of], tuple(names[order].tolist())


def _numbered(codes: Ints) -> tuple[Ints, Ints]:
    """The distinct codes of one length, sorted, and where each code is among them. Short
    n-grams' codes are small, so a table of every possible code finds them without sorting
    millions (``TABLE``); longer ones are sorted, then searched: a third of an inverse's cost."""
    if not len(codes):
        return codes, codes
    if int(codes.max()) < TABLE:
        seen = np.zeros(int(codes.max()) + 1, dtype=bool)
        seen[codes] = True
        return np.flatnonzero(seen), (np.cumsum(seen) - 1)[codes]
    distinct = np.unique(codes)
    return distinct, np.searchsorted(distinct, codes)


def _spelt(codes: Ints, alphabet: npt.NDArray[np.uint32], base: int, high: int) -> npt.NDArray[np.str_]:
    """The n-gram each code stands for (``_grams``), as numpy strings."""
    rest = codes.copy()
    digits = np.zeros((len(codes), high), dtype=np.int64)  # least significant first
    for k in range(high):
        digits[:, k], rest = rest % base, rest // base
    size = (digits > 0).sum(axis=1)
    chars = np.zeros((len(codes), high), dtype=np.uint32)
    line = np.arange(len(codes))
    for at in range(high):
        place = size - 1 - at
        has = place >= 0
        chars[has, at] = alphabet[digits[line[has], place[has]] - 1]
    return chars.view(f"<U{high}").ravel()


def train(
    by_class: Mapping[str, Sequence[str]],
    matching: Matching,
    normal: Normalise,
    *,
    weights_at: Path | None = None,
) -> Trained:
    """The vocabulary, idf and linear weights for these examples; trained in groups, the
    weights are written straight into ``weights_at`` when given."""
    classes = tuple(sorted(by_class))
    index = {c: i for i, c in enumerate(classes)}
    exact = len(classes) * sum(map(len, by_class.values())) <= EXACT_PAIRS
    if not exact:  # in groups each class learns from OWN of its examples: read only those
        rng = np.random.default_rng(0)
        by_class = {c: [t[i] for i in _at_most(np.arange(len(t)), OWN, rng)] for c, t in by_class.items()}
    texts = [t for texts in by_class.values() for t in texts]
    labels = np.asarray([index[c] for c, texts in by_class.items() for _ in texts], dtype=np.int64)
    tfidf = vectorize(texts, *matching.ngrams, normal, within_words=matching.analyzer == "char_wb")
    features = tfidf.matrix.astype(np.float64)  # liblinear reads float64; convert once, not per entry
    written = None
    if exact:
        weights, bias = _one_vs_rest(features, labels, matching.c)
    else:
        shape = (features.shape[1], len(classes))
        weights = _weights(shape, weights_at)
        bias = _grouped(features, labels, matching.c, weights)
        written = weights_at
    return Trained(
        classes=classes,
        vocabulary=tfidf.vocabulary,
        idf=tfidf.idf,
        weights=weights,
        bias=np.asarray(bias, dtype=np.float32),
        written=written,
    )


def _weights(shape: tuple[int, int], at: Path | None) -> Weights:
    """Zeroed weights: in memory, or mapped onto the ``.npy`` file ``at``, so that keeping
    them (470 MB at 1,000 entries) costs no copy. A plain array over the mapping: np.memmap's
    own indexing is slow to answer with."""
    if at is None:
        return np.zeros(shape, dtype=np.float32)
    mapped = np.lib.format.open_memmap(at, mode="w+", dtype=np.float32, shape=shape)
    return mapped.view(np.ndarray)


def svm(c: float, *, iterations: int = 100) -> LinearSVC:
    """The one linear SVM. A loose tolerance and an iteration cap bound training time; on the
    real content they give the same answers as the defaults, so not converging fully is
    expected, not a fault."""
    return LinearSVC(C=c, tol=1e-2, max_iter=iterations, random_state=0)


def _one_vs_rest(features: sp.csr_matrix, labels: Ints, c: float) -> tuple[Weights, Floats]:
    """Weights as features x classes, the layout answering reads a question's rows from."""
    model = svm(c)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(features, labels)
    return np.ascontiguousarray(model.coef_.T, dtype=np.float32), model.intercept_


def _grouped(
    features: sp.csr_matrix, labels: Ints, c: float, weights: Weights, *, workers: int | None = None
) -> Floats:
    """Classes in groups of ``GROUP`` near one another, each group one-vs-rest among its own
    examples, the nearest other classes' (up to ``HARD``) and ``SAMPLED`` of the rest, each of
    those weighted by how many it stands for: the same loss as one-vs-rest over everything,
    estimated where it matters most, in one scikit-learn call per group. Each group learns
    over the n-grams its examples hold (a quarter of them at 1,000 entries): the others would
    get weight 0 anyway, and liblinear's cost grows with the columns it is given."""
    count = int(labels.max()) + 1
    rng = np.random.default_rng(0)
    members = [np.flatnonzero(labels == k) for k in range(count)]
    similarity = _similarity(features, labels, count)
    bias = np.zeros(count)
    jobs = [_examples_for(group, members, similarity, rng) for group in _groups(similarity)]
    flat = weights.reshape(-1)  # written through flat positions: a third of np.ix_'s time
    for used, found, coef, intercept in _fitted(features, c, jobs, workers):
        flat[(used[:, None] * count + found[None, :]).ravel()] = coef.T.ravel()
        bias[found] = intercept
    return bias


Job = tuple[Ints, Ints, Floats]  # a group's rows, their classes (-1: another group's) and weights
Fitted = tuple[Ints, Ints, Weights, Floats]  # its n-gram columns, classes, weights and biases
_shared: tuple[sp.csr_matrix, float] | None = None  # the features and C, in a training process


def _fitted(features: sp.csr_matrix, c: float, jobs: list[Job], workers: int | None) -> Iterator[Fitted]:
    """Each group's fit, in order, on every core. liblinear lets go of the GIL, but threads
    share its one random-number state, so they would train differently each time; processes
    forked from this one read the features it holds and each train exactly as it would."""
    workers = min(workers or len(os.sched_getaffinity(0)), len(jobs))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (_fit_group(features, c, job) for job in jobs)
        return
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=fork, initializer=_share, initargs=(features, c)) as pool:
        yield from pool.map(_fit_shared, jobs, chunksize=4)


def _share(features: sp.csr_matrix, c: float) -> None:
    global _shared
    _shared = (features, c)


def _fit_shared(job: Job) -> Fitted:
    assert _shared is not None, "set by _share in each training process"
    return _fit_group(*_shared, job)


def _fit_group(features: sp.csr_matrix, c: float, job: Job) -> Fitted:
    """One group's fit over the n-grams its examples hold."""
    rows, y, weight = job
    chosen = features[rows]
    used = np.flatnonzero(np.bincount(chosen.indices, minlength=chosen.shape[1]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = svm(c, iterations=GROUP_ITERATIONS).fit(chosen[:, used], y, sample_weight=weight)
    found = model.classes_ if len(model.classes_) > 2 else model.classes_[1:]
    lines = np.flatnonzero(found >= 0)
    coef = np.asarray(model.coef_[lines], dtype=np.float32)
    return used, found[lines], coef, model.intercept_[lines]


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
