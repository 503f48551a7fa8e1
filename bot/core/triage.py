"""Triage assist: a first read of a pasted post, giving at each flowchart question a suggested
answer and the words of the post behind it, or nothing where the read is not confident.

A yes-against-no classifier per question learns from ``triage.yaml``'s example posts over the
FAQ matcher's character n-grams, with a threshold each side chosen on the examples by
cross-validation (``triage_training.py``), and scored with numpy alone (``FaqMatcher.scores``).
Examples written for a later question teach the earlier ones too: a post that reached "is it
a question?" was answered no at safety, unlawful and political. Safety comes first: a post the
safety net alarms on is always a yes at the safety question, and is never a no at the safety
question or the one after it (the unlawful question).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

from bot.core.content.models import Content, Flowchart, Matching
from bot.core.content.models import Triage as TriageContent
from bot.core.faq import Examples, FaqMatcher, Vector
from bot.core.messages import Suggestion
from bot.core.model import Normalise, Trained
from bot.core.safety import Alarm, SafetyNet, fits, normal, tokens
from bot.core.text import QUOTED, plain_words, quoted

INFERRED_WEIGHT = 0.5  # an example inferred from a later question teaches half as much
# When the thresholds are chosen, a "no" at safety or unlawful that should have been a yes
# counts as this many wrong suggestions: such a "no" is the costliest mistake a read can make.
GUARDED_COST = 30
LEAD_WORDS = 12  # the longest lead-in before the colon or quote that opens a pasted post
SEGMENT_WORDS = 10  # the longest stretch of the post quoted as a reason
PARTS = 32  # the most stretches weighed for a reason (from the start): a read stays a few ms
READ_LIMIT = 1500  # the characters of a post the classifiers read (the safety net reads it all)
# Where a pasted post begins: a colon, or an opening quotation mark after a space.
_OPENING = re.compile(r":|[\"“]|(?:^|\s)['‘]")
_CLAUSE = re.compile(r"[.!?;:\n]+|,\s+|\s+but\s+")
_TOKEN = re.compile(r"[0-9a-z]+(?:['’‘][0-9a-z]*)*")
_QUOTES = "\"'“”‘’ "
QUOTED_WORDS = 6  # the fewest words in quotes that make a message a pasted post on their own
SPAN_WORDS = 3  # the fewest words of a quoted span read as the post in a description
AROUND_WORDS = 12  # the most words of the officer's own around such a post
_ASKERS = frozenset({"i", "we", "you", "me", "us", "it", "they"})  # "can I", "should we"


class Triage:
    """Reads a post once, at the start of a walk; what it suggests is kept in the walk's state."""

    def __init__(
        self,
        *,
        content: TriageContent,
        chart: Flowchart,
        net: SafetyNet,
        model: FaqMatcher | None,
        cues: frozenset[str] = frozenset(),
    ) -> None:
        self.model = model
        self.columns = {c: i for i, c in enumerate(model.classes)} if model is not None else {}
        self.net = net
        self.lead_ins = [tuple(plain_words(p)) for p in content.lead_ins]
        self.cues = cues
        self.safety, self.guarded = chart.start, guarded(chart)  # never "no" once the net alarms
        self.questions = [q.id for q in chart.questions if q.id in content.questions]

    @classmethod
    def from_content(cls, content: Content, *, net: SafetyNet, cache: Path | None = None) -> Triage | None:
        """The trained suggestions (kept in ``cache`` like the matcher's), or ``None`` without
        a ``triage.yaml``."""
        if content.triage is None:
            return None
        by_class = examples(content.triage, content.flowchart)
        model = train(by_class, content.matching, cache=cache)
        cues = frozenset(content.matching.parts.cues)
        return cls(content=content.triage, chart=content.flowchart, net=net, model=model, cues=cues)

    # --- where the post is -----------------------------------------------------------

    def post_in(self, text: str) -> str | None:
        """The post pasted after a lead-in ("someone wrote: ...", 'they posted "..."'), or
        ``None`` when the text does not open that way."""
        opening = _OPENING.search(text)
        if opening is None:
            return None
        lead = plain_words(text[: opening.start()])
        post = text[opening.end() :].strip(_QUOTES)
        if not post or len(lead) > LEAD_WORDS or not any(_holds(lead, p) for p in self.lead_ins):
            return self.quoted(text)
        found = QUOTED.search(text, opening.start())
        if found is not None and not text[opening.end() : found.start()].strip():  # the post is in quotes
            after = plain_words(text[found.end() :])
            return None if self._asks(after) else quoted(found) or None
        return post

    def described(self, text: str) -> str:
        """The post in an officer's description that asks what to do ("someone posted 'the tip
        is shut', should we reply?"): its longest quoted span of three words or more, else what
        follows a colon ("whats the line on this one, elections are in 3 weeks: Cllr Hughes
        ..."), else the whole text, so the read is of the resident's words, not the officer's."""
        spans = [quoted(found) for found in QUOTED.finditer(text)]
        spans = [s for s in spans if len(plain_words(s)) >= SPAN_WORDS]
        if spans:
            return max(spans, key=len)
        _, colon, after = text.partition(":")
        return after.strip() if colon and len(plain_words(after)) >= QUOTED_WORDS else text

    def _asks(self, words: list[str]) -> bool:
        """Whether the officer's own words ask something: a cue before a pronoun ("can I")."""
        return any(w in self.cues and after in _ASKERS for w, after in pairwise(words))

    def quoted(self, text: str) -> str | None:
        """A post pasted in quotes with a few words of the officer's around it but no lead-in
        ("nice one for once: 'massive shout out to the bin crew...'"): the first quoted span
        of ``QUOTED_WORDS`` or more. Not when the words around it are many or ask a question
        ("someone posted '...', can I like it"): the matcher reads those whole."""
        for found in QUOTED.finditer(text):
            span = quoted(found)
            if len(plain_words(span)) < QUOTED_WORDS:
                continue
            around = text[: found.start()] + " " + text[found.end() :]
            words = plain_words(around)
            if "?" in around or len(words) > AROUND_WORDS or self._asks(words):
                return None
            return span
        return None

    # --- the read ----------------------------------------------------------------------

    def read(self, post: str) -> dict[str, Suggestion]:
        """The confident suggestions for this post, by question."""
        return self.read_checked(post, self.net.check(post))

    def read_checked(self, post: str, alarm: Alarm | None) -> dict[str, Suggestion]:
        """``read``, for a post the safety net has already been over (its ``alarm``): the
        message it came in was checked whole before anything else."""
        post = post[:READ_LIMIT]
        found: dict[str, Suggestion] = {}
        if self.model is None:
            scores, reasons = None, _Reasons(post, None)
        else:
            scores, reasons = self.model.scores(post), _Reasons(post, self.model)
        for question in self.questions:
            answer = self._answer(question, scores)
            if alarm is not None and question == self.safety:  # a "possible" alarm too: safety first
                found[question] = Suggestion("yes", self._alarm_reason(post, alarm, reasons))
            elif alarm is not None and question in self.guarded and answer != "yes":
                continue  # risk, even only possible: never a "no" at safety or unlawful
            elif answer is not None:
                found[question] = Suggestion(answer, reasons.best(f"{question}:{answer}"))
        return found

    def _answer(self, question: str, scores: Vector | None) -> str | None:
        if scores is None or self.model is None:
            return None
        for answer in ("yes", "no"):
            column = self.columns.get(f"{question}:{answer}")
            if column is not None and float(scores[column]) >= 0:
                return answer
        return None

    def _alarm_reason(self, post: str, alarm: Alarm, reasons: _Reasons) -> str:
        """The post's own words that the safety phrase matched, or, for the classifier's alarm,
        what weighs most towards yes at the safety question."""
        found = span(post, alarm.phrase) if alarm.phrase else None
        return found or reasons.best(f"{self.safety}:yes")


class _Reasons:
    """The post's stretches, each scored once (every question's columns in one product), so
    the reason for each suggestion is a look-up."""

    def __init__(self, post: str, model: FaqMatcher | None) -> None:
        self.parts = segments(post)
        self.columns = {c: i for i, c in enumerate(model.classes)} if model is not None else {}
        scored = len(self.parts) > 1 and model is not None
        self.scores = np.stack([model.scores(p) for p in self.parts]) if scored and model else None

    def best(self, column: str) -> str:
        """The stretch that weighs most towards ``column``'s suggestion."""
        index = self.columns.get(column)
        if self.scores is None or index is None:
            return self.parts[0]
        return self.parts[int(np.argmax(self.scores[:, index]))]


def _holds(words: Sequence[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(words[i : i + size]) == phrase for i in range(len(words) - size + 1))


def segments(post: str) -> list[str]:
    """The post cut at sentence and clause breaks, long clauses into stretches of at most
    ``SEGMENT_WORDS`` words overlapping by half, each as written (one at least, ``PARTS`` at
    most)."""
    parts: list[str] = []
    for clause in _CLAUSE.split(post):
        words = clause.strip(_QUOTES).split()
        step = SEGMENT_WORDS // 2
        starts = range(0, max(1, len(words) - step), step) if len(words) > SEGMENT_WORDS else [0]
        parts += [" ".join(words[i : i + SEGMENT_WORDS]).strip(_QUOTES + ",") for i in starts if words]
    worded = [p for p in parts if len(plain_words(p)) > 1] or [p for p in parts if plain_words(p)]
    return (worded or [post.strip()])[:PARTS]


def span(post: str, phrase: str) -> str | None:
    """The words of ``post`` that the safety phrase matches, as written."""
    lowered = post.lower()
    found = list(_TOKEN.finditer(lowered)) if len(lowered) == len(post) else []
    words = normal(post)
    if len(found) != len(words):
        return None  # the post's words do not line up with what the net read: no quote
    wanted = tokens(phrase)
    start = next((at for at in range(len(words)) if fits(wanted, words, at)), None)
    if start is None:
        return None
    end = next(end for end in range(start + 1, len(words) + 1) if fits(wanted, words[:end], start))
    return post[found[start].start() : found[end - 1].end()]


def examples(triage: TriageContent, chart: Flowchart) -> dict[str, tuple[str, ...]]:
    """The classes ``triage_training.train_classes`` reads: each question's own examples, and
    those the flowchart implies (a post written for a later question took the answers on the
    way to it)."""
    settings = (f"precision {triage.precision}", f"inferred {INFERRED_WEIGHT}", f"cost {GUARDED_COST}")
    by_class: dict[str, tuple[str, ...]] = {"@settings": (*settings, "guarded " + " ".join(guarded(chart)))}
    for question, answers in triage.questions.items():
        by_class[f"{question}:yes"] = tuple(answers.yes)
        by_class[f"{question}:no"] = tuple(answers.no)
    inferred: dict[str, list[str]] = {}
    for question, answers in triage.questions.items():
        for earlier, answer in way_to(chart, question):
            inferred.setdefault(f"{earlier}:{answer}:inferred", []).extend([*answers.yes, *answers.no])
    by_class |= {name: tuple(texts) for name, texts in sorted(inferred.items())}
    return by_class


def guarded(chart: Flowchart) -> tuple[str, ...]:
    """The safety question (the first: the loader checks its yes is urgent) and the unlawful
    question its no leads to: where a wrong "no" does the most harm."""
    start = next(q for q in chart.questions if q.id == chart.start)
    return (start.id, start.no)


def way_to(chart: Flowchart, target: str) -> list[tuple[str, str]]:
    """The questions and answers on the way from the start to ``target`` (the flowchart is a
    tree of questions: one way to each)."""
    by_id = {q.id: q for q in chart.questions}
    todo: list[tuple[str, list[tuple[str, str]]]] = [(chart.start, [])]
    while todo:
        node, path = todo.pop()
        if node == target:
            return path
        question = by_id.get(node)
        if question is not None and all(node != q for q, _ in path):
            todo += [(question.yes, [*path, (node, "yes")]), (question.no, [*path, (node, "no")])]
    return []


def train(by_class: Mapping[str, Sequence[str]], matching: Matching, *, cache: Path | None) -> FaqMatcher:
    """The kept weights for these examples, or trained and kept (scikit-learn is imported only
    then); scored by the FAQ matcher's own numpy scorer."""
    examples = Examples({k: tuple(v) for k, v in by_class.items()})
    return FaqMatcher.train(examples, matching, cache=cache, trainer=_train)


def _train(
    by_class: Mapping[str, Sequence[str]],
    matching: Matching,
    normal: Normalise,
    *,
    weights_at: Path | None = None,  # a question's two columns are small: kept by copying
) -> Trained:
    from bot.core import triage_training

    return triage_training.train_classes(by_class, matching, normal)
