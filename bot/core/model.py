"""The classifier's trained numbers, trained once per version of the examples and kept.

Training (``training.py``: scikit-learn, imported only when needed) costs seconds and the import
of scikit-learn and scipy about two more; answering needs only the vocabulary, the idf weights
and the linear weights. They are kept as two files (an ``.npz``, and the weights as ``.npy``)
named by a digest of everything that shapes them, so a process whose content has not changed
loads them in milliseconds, and a change of content, synonyms or settings trains afresh.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from bot.core.content.models import Matching

FORMAT = 2  # bump when the training recipe or the file's layout changes
Vector = npt.NDArray[np.floating[Any]]
Normalise = Callable[[str], str]


@dataclass(frozen=True)
class Trained:
    classes: tuple[str, ...]
    vocabulary: tuple[str, ...]  # the n-gram of each feature column, in column order
    idf: Vector
    weights: Vector  # features x classes
    bias: Vector
    written: Path | None = None  # the .npy file the trainer wrote the weights into, if it did


class Train(Protocol):
    """Trains the weights for the examples. A trainer may write large weights straight into
    ``weights_at`` (an ``.npy`` file beside the kept ones), sparing their copy when kept."""

    def __call__(
        self,
        by_class: Mapping[str, Sequence[str]],
        matching: Matching,
        normal: Normalise,
        *,
        weights_at: Path | None = None,
    ) -> Trained: ...


def char_ngrams(text: str, low: int, high: int, *, within_words: bool = True) -> list[str]:
    """scikit-learn's ``char_wb`` analyzer: n-grams inside each space-padded word, a word
    shorter than ``n`` counting once; or, not ``within_words``, its ``char`` analyzer: n-grams
    across the whole text, so that "my own" and "our page" are features too. Tests prove
    both agree with scikit-learn."""
    if not within_words:
        size = len(text)
        return [text[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1)]
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if size <= n:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return grams


def digest(by_class: Mapping[str, Sequence[str]], matching: Matching) -> str:
    """Names the weights by everything that shapes them."""
    shape = {
        "format": FORMAT,
        "examples": {k: list(v) for k, v in by_class.items()},
        "synonyms": matching.synonyms,
        "ngrams": list(matching.ngrams),
        "analyzer": matching.analyzer,
        "c": matching.c,
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:24]


def load_or_train(
    by_class: Mapping[str, Sequence[str]],
    matching: Matching,
    normal: Normalise,
    *,
    cache: Path | None,
    train: Train,
) -> Trained:
    """The kept weights for these examples, or ones ``train`` makes afresh, kept for next time."""
    if cache is None:
        return train(by_class, matching, normal)
    path = cache / f"matcher-{digest(by_class, matching)}.npz"
    kept = _load(path)
    if kept is not None:
        return kept
    spare = _spare(path)
    if spare is None:  # a folder that cannot be written costs only the next start's training
        return train(by_class, matching, normal)
    try:
        trained = train(by_class, matching, normal, weights_at=spare)
        _save(trained, path, spare)
    finally:
        spare.unlink(missing_ok=True)  # gone already when it was renamed into place
    return trained


def _spare(path: Path) -> Path | None:
    """A fresh file beside the kept ones for the weights, or ``None`` where none can be made."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            return Path(handle.name)
    except OSError:
        return None


IN_MEMORY = 64 * 2**20  # weights up to this size are read into memory; larger ones stay mapped


def _weights_path(path: Path) -> Path:
    return path.with_suffix(".weights.npy")


def _load(path: Path) -> Trained | None:
    """Kept files, or ``None`` when one is missing or unreadable (they are then trained again).
    The weights (140 MB at 1,000 entries) are mapped, not read: a start reads only the pages a
    question touches."""
    try:
        with np.load(path, allow_pickle=False) as data:
            classes = tuple(str(c) for c in data["classes"])
            vocabulary = tuple(str(g) for g in data["vocabulary"])
            idf, bias = data["idf"], data["bias"]
        mapped = np.load(_weights_path(path), mmap_mode="r", allow_pickle=False)
        # small enough to read whole: indexing it is faster; larger, a plain array over the
        # mapping, as np.memmap's own indexing costs a quarter of a millisecond a question
        weights = np.array(mapped) if mapped.nbytes <= IN_MEMORY else mapped.view(np.ndarray)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    if weights.shape != (len(vocabulary), len(classes)):
        return None
    return Trained(classes=classes, vocabulary=vocabulary, idf=idf, weights=weights, bias=bias)


def _save(trained: Trained, path: Path, spare: Path) -> None:
    """The weights into ``spare`` (unless the trainer wrote them there: 470 MB not copied),
    renamed into place, then the rest the same way: servers starting together never read half
    a file. A folder that cannot be written costs only the next start's training."""
    try:
        if trained.written != spare:
            with spare.open("wb") as weights:
                np.save(weights, np.ascontiguousarray(trained.weights), allow_pickle=False)
        spare.replace(_weights_path(path))
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            np.savez(
                handle,
                classes=np.array(trained.classes),
                vocabulary=np.array(trained.vocabulary),
                idf=trained.idf,
                bias=trained.bias,
            )
        Path(handle.name).replace(path)
    except OSError:
        return


Codes = npt.NDArray[np.int64]


def digit_table(alphabet: npt.NDArray[np.uint32]) -> Codes:
    """Each character's digit by its code point: 1 to len(alphabet) for the alphabet's (sorted)
    characters, 0 for any other; ``digits`` reads a text through it."""
    table = np.zeros(int(alphabet.max(initial=0)) + 2, dtype=np.int64)
    table[alphabet] = np.arange(1, len(alphabet) + 1)
    return table


def digits(table: Codes, points: npt.NDArray[np.uint32]) -> Codes:
    """The digits of a text's code points; characters beyond the table are 0, unknown."""
    return table[np.minimum(points, len(table) - 1)]


def windows(
    digits: Codes, base: int, low: int, high: int, *, ends: Codes | None = None, unknown: Codes | None = None
) -> list[tuple[Codes, npt.NDArray[np.intp] | None]]:
    """Every window of ``low`` to ``high`` digits as one number (its digits in ``base``), all
    windows of one length in one pass, with the positions they start at. Kept: windows that
    end by their stretch's end (``ends``, per position) and hold no unknown digit
    (``unknown``: the running count of zeros); with neither given, all, and no positions."""
    found: list[tuple[Codes, npt.NDArray[np.intp] | None]] = []
    code = np.zeros(len(digits), dtype=np.int64)
    for n in range(1, high + 1):
        size = len(digits) - n + 1
        if size <= 0:
            break
        code = code[:size] * base + digits[n - 1 :]
        if n < low:
            continue
        if ends is None and unknown is None:
            found.append((code, None))
            continue
        start = np.arange(size)
        keep = np.ones(size, dtype=bool)
        if ends is not None:
            keep &= start + n <= ends[:size]
        if unknown is not None:
            keep &= unknown[start + n] == unknown[start]
        found.append((code[keep], start[keep]))
    return found


class GramIndex:
    """A vocabulary's n-grams as sorted integers, each character a digit (as training counts
    them), so a question's n-grams are found with a few numpy calls instead of a Python
    look-up each, and a model's vocabulary costs 8 bytes an n-gram rather than a dictionary's
    hundred (three models live in a server)."""

    def __init__(self, vocabulary: Sequence[str], low: int, high: int, *, within_words: bool) -> None:
        self.low, self.high, self.within_words = low, high, within_words
        alphabet = np.asarray(sorted({ord(ch) for ch in "".join(vocabulary)}), dtype=np.uint32)
        self.base = len(alphabet) + 1
        self.digit = digit_table(alphabet)
        codes = self._codes_of(vocabulary)
        self.columns: npt.NDArray[np.intp] = np.argsort(codes, kind="stable")
        self.codes = codes[self.columns]

    def _codes_of(self, vocabulary: Sequence[str]) -> npt.NDArray[np.int64]:
        width = max(self.high, 1)
        points = np.asarray(vocabulary, dtype=f"<U{width}").view(np.uint32).reshape(-1, width)
        read = digits(self.digit, points)
        code = np.zeros(len(points), dtype=np.int64)
        for at in range(width):  # trailing zeros are padding: a shorter n-gram stops there
            code = np.where(points[:, at] > 0, code * self.base + read[:, at], code)
        return code

    def find(self, text: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
        """The columns of the text's n-grams that the vocabulary holds, and how often each
        occurs: the n-grams ``char_ngrams`` makes, without making them."""
        if self.within_words:
            words = text.split()
            stretch = "".join(f" {w} " for w in words)
            sizes = [len(w) + 2 for w in words]
        else:
            stretch, sizes = text, [len(text)]
        points = np.frombuffer(stretch.encode("utf-32-le"), dtype=np.uint32)
        if not len(points) or not len(self.codes):
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
        read = digits(self.digit, points)
        # Windows that cross a word's end (``char_wb``) or hold a character the vocabulary
        # lacks are dropped; a question in the content's alphabet, as most are, across words
        # keeps every window, with no masks to build.
        whole = not self.within_words and bool(read.all())
        unknown = None if whole else np.concatenate(([0], np.cumsum(read == 0)))
        ends = None if whole else np.repeat(np.cumsum(sizes), sizes)
        cut = windows(read, self.base, self.low, self.high, ends=ends, unknown=unknown)
        found = [code for code, _ in cut]
        if self.within_words:  # a word shorter than ``low`` counts whole, as scikit-learn's does
            found += [self._codes_of([f" {w} "]) for w in words if len(w) + 2 < self.low]
        asked = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.codes, asked), len(self.codes) - 1)
        hits = self.columns[at[self.codes[at] == asked]]
        columns, counts = np.unique(hits, return_counts=True)
        return columns, counts
