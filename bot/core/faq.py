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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from bot.core.content.models import Content, Matching, Parts
from bot.core.model import GramIndex, Train, Trained, char_ngrams, load_or_train
from bot.core.text import phrases, plain_words, quoted_spans, says, unquoted

FLOWCHART = "__flowchart__"
NOT_COVERED = "__not_covered__"  # another subject altogether
NEAR_MISS = "__near_miss__"  # the policy's words, but a question it does not settle
REFER = "__refer__:"  # + a referral's id: another team's subject (HR, IT service desk...)
SMALL_TALK = "__small_talk__"  # pleasantries and chatter about the bot
INDUCTION = "__induction__"  # a new starter asking for the induction tour
_WORD = re.compile(r"[a-z0-9]+")
CHATTER_WORDS = 12  # the longest message read as small talk by the classifier
# Where a chatty opening ends and the message goes on ("sorry quick one - does this apply to
# WhatsApp?", "hiya! can I ..."): a dash, comma, full stop, colon or exclamation mark.
OPENING_ENDS = re.compile(r"\s+[-–—]+\s+|[,.:;!]+\s+")
STEP_BYTES = 512 * 1024  # weights gathered per step of a question's score (``FaqMatcher._scores``)


def declines(class_id: str) -> bool:
    """Whether winning this class means the policy does not answer the question."""
    return class_id in (NOT_COVERED, NEAR_MISS) or class_id.startswith(REFER)


def offered(class_id: str) -> bool:
    """Whether this class may be offered as "did you mean": an entry or the walk."""
    return not declines(class_id) and class_id not in (SMALL_TALK, INDUCTION)


Kind = Literal["answer", "suggest", "unknown"]
Vector = npt.NDArray[np.floating[Any]]


class Decision(StrEnum):
    ANSWER = "answer"  # an FAQ entry
    WALK = "walk"  # the officer has a post to deal with: the flowchart walk
    SUGGEST = "suggest"  # "did you mean" close matches
    UNKNOWN = "unknown"  # the policy does not say
    SMALL_TALK = "small_talk"  # chatter: a friendly line and the menu
    INDUCTION = "induction"  # a new starter: the induction tour


@dataclass(frozen=True)
class Match:
    id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The decision for one question: answer ``best``, offer ``suggestions``, or say unknown
    (``declined`` names the class that said so: whose subject it is, or a near miss)."""

    kind: Kind
    best: Match | None
    suggestions: tuple[Match, ...]
    declined: str | None = None
    which: bool = False  # the suggestions are two neighbours: "which do you mean?"

    @property
    def decision(self) -> Decision:
        """What the bot does with it: answer an entry, start the walk, suggest, or decline."""
        if self.kind == "answer" and self.best is not None:
            special = {
                FLOWCHART: Decision.WALK,
                SMALL_TALK: Decision.SMALL_TALK,
                INDUCTION: Decision.INDUCTION,
            }
            return special.get(self.best.id, Decision.ANSWER)
        return Decision.SUGGEST if self.kind == "suggest" else Decision.UNKNOWN

    @property
    def answered(self) -> str | None:
        """The FAQ entry answered, if any."""
        return self.best.id if self.decision is Decision.ANSWER and self.best is not None else None


@dataclass(frozen=True)
class Reading:
    """What a message asks: one decision, and a ``second`` when it asks two things ("can I
    post X, and do I need to sign it?"): another answer, or another team's subject."""

    first: MatchResult
    second: MatchResult | None = None


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
        scope = content.out_of_scope
        by_class[NOT_COVERED] = tuple(scope.questions)
        by_class |= {REFER + team: tuple(r.questions) for team, r in scope.referrals.items()}
        if scope.near_misses:
            by_class[NEAR_MISS] = tuple(scope.near_misses)
        if content.messages.small_talk.examples:
            by_class[SMALL_TALK] = tuple(content.messages.small_talk.examples)
        if content.induction.triggers:
            by_class[INDUCTION] = tuple(content.induction.triggers)
        return cls(by_class)


class Facets:
    """Neighbouring entries differ by a side of one axis: a personal account or a Council one,
    your business or your campaign. The words of a question can name a side ("on my own
    Facebook"); ``matching.yaml`` lists the words, each entry its sides."""

    def __init__(self, matching: Matching, sides: Mapping[str, Sequence[str]], analyzer: Analyzer) -> None:
        self._axis = {side: axis for axis, named in matching.facets.items() for side in named}
        self._cues = {
            side: [_cue(cue, analyzer) for cue in cues]
            for named in matching.facets.values()
            for side, cues in named.items()
        }
        self._sides = {entry: {self._axis[s]: s for s in found} for entry, found in sides.items()}

    def named(self, words: Sequence[str]) -> frozenset[str]:
        """The sides the question's words name."""
        padded = f" {' '.join(words)} "
        return frozenset(
            side
            for side, cues in self._cues.items()
            if any(c.search(padded) if isinstance(c, re.Pattern) else c in padded for c in cues)
        )

    def apart(self, a: str, b: str) -> str | None:
        """The axis on which two entries are on different sides, if any."""
        mine, theirs = self._sides.get(a, {}), self._sides.get(b, {})
        return next((axis for axis, side in mine.items() if theirs.get(axis, side) != side), None)

    def side(self, entry: str, axis: str) -> str | None:
        return self._sides.get(entry, {}).get(axis)


FACET_GAP = 3  # the most words a "*" in a facet's cue stands for ("our * account")


def _cue(cue: str, analyzer: Analyzer) -> str | re.Pattern[str]:
    """A cue as the question's words are compared with it: padded words, or, where it has a
    "*" ("our * account": "our waste services twitter account"), a pattern with the gap."""
    pieces = [" ".join(analyzer.words(piece)) for piece in cue.split("*")]
    if len(pieces) == 1:
        return f" {pieces[0]} "
    gap = rf"(?: \S+){{0,{FACET_GAP}}} "
    return re.compile(" " + gap.join(re.escape(p.strip()) for p in pieces) + " ")


class Splitter:
    """Cuts a message into the questions it asks: sentences, and questions joined by "and",
    "also"... Only parts that read as questions (a question mark, or a cue such as "can" or
    "should" first) count, so context ("we had a storm last night.") is never matched alone."""

    def __init__(self, parts: Parts) -> None:
        cues = "|".join(re.escape(c) for c in sorted(parts.cues, key=len, reverse=True)) or "(?!)"
        joins = "|".join(re.escape(j) for j in sorted(parts.joins, key=len, reverse=True)) or "(?!)"
        self._split = re.compile(
            rf"(?<=[.?!])\s+|\n+|\s*;\s*|,?\s+(?:{joins})\s+(?=(?:{cues})\b)", re.IGNORECASE
        )
        self._asks = re.compile(rf"^(?:(?:{joins})\s+)*(?:{cues})\b", re.IGNORECASE)
        self._min_words = parts.min_words

    def questions(self, text: str) -> list[str]:
        """The parts of ``text`` that ask something, in order."""
        pieces = (p.strip() for p in self._split.split(text) if p)
        return [
            p
            for p in pieces
            if len(p.split()) >= self._min_words and (p.endswith("?") or self._asks.match(p))
        ]


class FaqMatcher:
    """Built from trained weights; ``match`` is a binary search for the question's n-grams
    (``GramIndex``) and one small matrix product, so it stays well under a millisecond."""

    def __init__(
        self,
        trained: Trained,
        matching: Matching,
        sides: Mapping[str, Sequence[str]] | None = None,
        walk_asks: Sequence[str] = (),
    ) -> None:
        self._matching = matching
        self._analyzer = Analyzer(matching)
        self._facets = Facets(matching, sides or {}, self._analyzer)
        self._walk_asks = phrases(walk_asks)
        self._splitter = Splitter(matching.parts)
        self.classes: list[str] = list(trained.classes)
        self._low, self._high = matching.ngrams
        self._within_words = matching.analyzer == "char_wb"
        self._index = GramIndex(trained.vocabulary, self._low, self._high, within_words=self._within_words)
        self._idf: Vector = trained.idf
        self._weights: Vector = trained.weights
        self._bias: Vector = trained.bias
        # A long message's rows of weights, gathered all at once at 1,000 entries, were 4 MB
        # copied and then read again; half a megabyte at a time stays in the processor's cache
        # between the copy and the product (a third faster for 1,000 n-grams).
        self._rows_per_step = max(64, STEP_BYTES // (4 * max(1, len(self.classes))))
        self._last: tuple[str, frozenset[str], Reading] | None = None  # the last message read

    @classmethod
    def train(
        cls,
        examples: Examples,
        matching: Matching,
        *,
        cache: Path | None = None,
        sides: Mapping[str, Sequence[str]] | None = None,
        walk_asks: Sequence[str] = (),
        trainer: Train | None = None,
    ) -> FaqMatcher:
        """Load the weights kept for exactly these examples, or train and keep them (with
        ``trainer``: another recipe, such as triage's, scored the same way)."""
        analyzer = Analyzer(matching)
        trained = load_or_train(
            examples.by_class, matching, analyzer.normal, cache=cache, train=trainer or _train
        )
        return cls(trained, matching, sides, walk_asks)

    @classmethod
    def from_content(cls, content: Content, *, cache: Path | None = None) -> FaqMatcher:
        sides = {e.id: e.facets for e in content.faq.entries if e.facets}
        examples = Examples.from_content(content)
        asks = content.flowchart.asks
        return cls.train(examples, content.matching, cache=cache, sides=sides, walk_asks=asks)

    def ngrams(self, text: str) -> list[str]:
        """The character n-grams the classifier reads, as scikit-learn's analyzer makes them."""
        return char_ngrams(
            self._analyzer.normal(text), self._low, self._high, within_words=self._within_words
        )

    def scores(self, text: str) -> Vector:
        """The classifier's score for each class, computed as scikit-learn's
        ``decision_function(vectorizer.transform([text]))`` does (a test proves it), without
        its per-call overhead of about half a millisecond."""
        return self._scores(self._analyzer.words(text))

    def _scores(self, words: list[str]) -> Vector:
        columns, found = self._index.find(" ".join(words))
        if not len(columns):
            return self._bias.copy()
        counts = found.astype(np.float32)
        weights = (1.0 + np.log(counts, dtype=np.float32)) * self._idf[columns]
        weights /= np.linalg.norm(weights)
        result: Vector = self._bias.copy()
        step = self._rows_per_step
        for start in range(0, len(columns), step):  # rows gathered a cache's worth at a time
            result += weights[start : start + step] @ self._weights[columns[start : start + step]]
        return result

    def match(self, text: str, context: frozenset[str] = frozenset()) -> MatchResult:
        """Answer when one class clearly wins; suggest close ones; else unknown. ``context``
        names sides the conversation already implies (a question asked during a check of a
        post on a Council page is about the Council's account)."""
        words = self._analyzer.words(text)
        scores = self._scores(words)
        limit = self._matching.max_suggestions
        ranked = [Match(self.classes[i], float(scores[i])) for i in np.argsort(-scores)[: limit + 4]]
        if len(words) > CHATTER_WORDS:  # chatter is short: a long message is a question or a post
            ranked = [m for m in ranked if m.id != SMALL_TALK]
        best = ranked[0]
        others = [m for m in ranked[1:] if offered(m.id)][:limit]
        if self._asks_for_the_walk(text, [m for m in ranked if offered(m.id)][: limit + 1]):
            # a described post and "what do I do?": the check, even where the post's subject
            # (garden waste, say) is one the policy does not cover
            walk = next(m for m in ranked if m.id == FLOWCHART)
            return MatchResult("answer", walk, tuple(m for m in others if m.id != FLOWCHART))
        if declines(best.id):
            # another team's, or a near miss, only when the classifier is fairly sure of it;
            # otherwise (gibberish, say) it is simply not covered, and logged for the owners
            sure = best.score >= self._matching.thresholds.suggest
            return MatchResult("unknown", None, (), declined=best.id if sure else NOT_COVERED)
        limits = self._matching.thresholds
        if best.id in (SMALL_TALK, INDUCTION):
            return self._small_talk(best, others)
        named = self._facets.named(words) | context
        steered = self._steer(best, others, named)
        if steered is not None:
            return MatchResult("answer", steered, tuple(m for m in [best, *others] if m != steered))
        runner_up = others[0].score if others else -math.inf
        if best.score >= limits.answer and best.score - runner_up >= limits.margin:
            if self._ask_which(best, others, named):
                return MatchResult("suggest", best, (best, others[0]), which=True)
            return MatchResult("answer", best, tuple(others))
        close = tuple(m for m in [best, *others] if m.score >= limits.suggest and offered(m.id))
        if len(close) >= 2 and self._neighbours(best, close[1], named):
            return MatchResult("suggest", best, close[:2], which=True)
        if close:
            return MatchResult("suggest", best, close[:limit])
        return MatchResult("unknown", best, ())

    def _asks_for_the_walk(self, text: str, near: list[Match]) -> bool:
        """A post described and "what do I do?" asked (``flowchart.yaml`` ``asks``), with the
        walk among the closest entries (declining classes, such as another team's subject, do
        not push it out): the check, even when an entry scored a little higher."""
        if not says(text, self._walk_asks):
            return False
        floor = self._matching.thresholds.suggest
        return any(m.id == FLOWCHART and m.score >= floor for m in near)

    def walk_for_quoted_post(self, text: str) -> bool:
        """A post pasted in quotes and "what do I do?" asked of it ("someone commented '...'
        do I reply or delete it?"): the check, whatever entry the officer's words are near."""
        if FLOWCHART not in self.classes:
            return False
        if not quoted_spans(text):
            return False
        return says(text, self._walk_asks)

    def _after_opening(self, text: str, context: frozenset[str]) -> MatchResult | None:
        """What follows a chatty opening, when that is no small talk itself: a message read
        as chatter only because it starts "sorry, quick one" or "hiya!"."""
        for found in OPENING_ENDS.finditer(text):
            rest = text[found.end() :]
            if len(plain_words(rest)) < 3:
                break
            result = self.match(rest, context)
            if result.decision is not Decision.SMALL_TALK:
                return result
        return None

    def _walk(self, text: str) -> MatchResult:
        scores = self.scores(text)
        return MatchResult("answer", Match(FLOWCHART, float(scores[self.classes.index(FLOWCHART)])), ())

    def _small_talk(self, best: Match, others: list[Match]) -> MatchResult:
        """Chatter (or a request for the tour) is answered only when it clearly wins; it is
        never offered as a suggestion.
        When it wins only narrowly ("isn't it ok to have a pop at a troll?"), the entries
        close behind it are offered, as for any uncertain question."""
        limits = self._matching.thresholds
        runner_up = others[0].score if others else -math.inf
        if best.score >= limits.answer and best.score - runner_up >= limits.margin:
            return MatchResult("answer", best, ())
        close = tuple(m for m in others if m.score >= limits.suggest)
        if close:
            return MatchResult("suggest", close[0], close)
        return MatchResult("unknown", best, ())

    def _steer(self, best: Match, others: list[Match], named: frozenset[str]) -> Match | None:
        """A close neighbour on the side the question names, when the best is on the other."""
        floor = self._matching.thresholds.suggest
        for other in others:
            axis = self._facets.apart(best.id, other.id)
            if axis is None or other.score < floor:
                continue
            if self._facets.side(other.id, axis) in named and self._facets.side(best.id, axis) not in named:
                return other
        return None

    def _ask_which(self, best: Match, others: list[Match], named: frozenset[str]) -> bool:
        """Two neighbours nearly tied, and the question names neither side: ask which."""
        if not others or best.score - others[0].score >= self._matching.thresholds.which:
            return False
        return others[0].score >= self._matching.thresholds.suggest and self._neighbours(
            best, others[0], named
        )

    def _neighbours(self, best: Match, other: Match, named: frozenset[str]) -> bool:
        """Two entries on different sides of one axis, neither side named by the question."""
        axis = self._facets.apart(best.id, other.id)
        if axis is None:
            return False
        return not {self._facets.side(best.id, axis), self._facets.side(other.id, axis)} & named

    def read(self, text: str, context: frozenset[str] = frozenset()) -> Reading:
        """The decision for the message; or, when it asks two things that each clearly match a
        different entry ("can I post X, and do I need to sign it?"), both answers, in the order
        asked. The parts are read first: when they settle it, the whole message (at 1,000
        entries the costliest read, a long message's weights read again) need not be."""
        if self._last is not None and self._last[:2] == (text, context):
            return self._last[2]  # read once a turn: the engine asks before routing does
        reading = self._read(text, context)
        self._last = (text, context, reading)
        return reading

    def _read(self, text: str, context: frozenset[str]) -> Reading:
        if self.walk_for_quoted_post(text):
            return Reading(self._walk(unquoted(text)))
        text = unquoted(text)
        asks = self._splitter.questions(text)
        if len(asks) >= 2:
            results = [self.match(a, context) for a in asks]
            sure = [r for r in results if r.answered is not None]
            if len({r.answered for r in sure}) >= 2:
                first = sure[0]
                return Reading(first, next(r for r in sure if r.answered != first.answered))
            referred = [r for r in results if r.answered is None and (r.declined or "").startswith(REFER)]
            if sure and referred:  # "what's the password policy? and who do I ask to be added": both
                return Reading(sure[0], referred[0])
        result = self.match(text, context)
        if result.decision is Decision.SMALL_TALK and (rest := self._after_opening(text, context)):
            return Reading(rest)  # "sorry quick one - does this apply to whatsapp too?"
        if result.decision is Decision.INDUCTION and asks:
            # "I'm new, started Monday... do I need to do anything before I post?": a new
            # starter's own question, when an entry answers it, before the tour
            last = self.match(asks[-1], context)
            if last.answered is not None:
                return Reading(last)
        return Reading(result)


def _train(
    by_class: Mapping[str, Sequence[str]],
    matching: Matching,
    normal: Callable[[str], str],
    *,
    weights_at: Path | None = None,
) -> Trained:
    """Train afresh: ``training.py`` alone imports scikit-learn and scipy, so a process that
    finds kept weights never imports them."""
    from bot.core import training

    return training.train(by_class, matching, normal, weights_at=weights_at)
