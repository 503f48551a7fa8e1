"""The safety net: language in a message that means someone may be at risk (self-harm, a
threat, a child or vulnerable adult in danger). It is checked before anything else, in or out
of a walk, because missing it is the worst error the bot can make."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.content.models import Content, Safety
from bot.core.faq import Examples, FaqMatcher
from bot.core.text import plain_words

GAP = 3  # the most words a "*" in a phrase stands for
DENIAL_GAP = 3  # the most words between a denial and the risk it denies ("not really a threat")
ORDINARY = "ordinary"  # the classifier's class for messages with no risk in them

# A phrase written about one person reads the same about another: "watch your back" is also
# "watch his back", "hurt myself" also "hurting himself". Both the phrases and the message are
# read with each kind of pronoun as one word. "her" is an object or a possessive: in a message
# it matches phrases written with either. "me" and "us" are a class of their own: a phrase
# written with them is also read of anyone else (a post's "nobody would miss me", reported as
# "she says nobody would miss her"), but one written of someone else is not read of "me":
# "kill her" is a threat, "the queues were killing me" a figure of speech.
_CLASSES = {
    "@first": "i we",
    "@subject": "he she they",
    "@me": "me us",
    "@object": "you u ya ye him them",
    "@possessive": "my our your ur yer his their mine ours yours hers theirs",
    "@self": "myself ourselves yourself yourselves himself herself themselves themself",
}
_PRONOUNS = {w: name for name, words in _CLASSES.items() for w in words.split()} | {"her": "@her"}
# What a pronoun written in a phrase accepts in a message.
_ACCEPTS = {
    "@me": ("@me", "@object", "@her"),  # "nobody would miss me" reported: "...miss her"
    "@object": ("@object", "@her"),
    "@possessive": ("@possessive", "@her"),
    "@her": ("@object", "@her"),
}
_VOWELS = frozenset("aeiouy")


def word(token: str) -> str:
    """One word as the net compares it: a pronoun as its class, and a light stem, so "lives",
    "living" and "lived" all read "live" and "cutting" reads "cut" (the same rule is applied
    to the phrases, so it need only be consistent, not good English)."""
    if token in _PRONOUNS:
        return _PRONOUNS[token]
    for suffix in ("ing", "ed", "es", "s"):
        stem = token[: -len(suffix)]
        if token.endswith(suffix) and len(stem) >= 3 and _VOWELS & set(stem) and not token.endswith("ss"):
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS | {"l", "s"}:
                stem = stem[:-1]  # "cutting", "stopped": the doubled consonant
            return stem.rstrip("e") if suffix == "es" else stem
    return token.rstrip("e") if len(token) > 3 else token


def normal(text: str) -> list[str]:
    """The message as the net reads it: lower case, apostrophes dropped, split at anything else
    that is not a letter or digit, each word as ``word`` reads it."""
    return [word(t) for t in plain_words(text)]


# Ways of asking each FAQ entry that teach the classifier what is ordinary: officers' policy
# questions are far from risky language, and all of them (forty an entry) would outweigh the
# risky examples more each time the FAQ grew.
FAQ_ORDINARY = 12


def tokens(phrase: str) -> tuple[str, ...]:
    """A phrase as the words ``normal`` makes, "*" kept as a gap."""
    return tuple(w if w == "*" else word(w) for w in phrase.split(" "))


def fits(phrase: tuple[str, ...], words: list[str], at: int) -> bool:
    """Whether ``phrase`` matches ``words`` from ``at``: word by word, a gap taking 0 to 3."""
    return reach(phrase, words, at) is not None


def reach(phrase: tuple[str, ...], words: list[str], at: int) -> int | None:
    """Where a match of ``phrase`` in ``words`` from ``at`` ends (the first word after it)."""
    if not phrase:
        return at
    head, rest = phrase[0], phrase[1:]
    if head == "*":
        ends = (reach(rest, words, at + n) for n in range(GAP + 1) if at + n <= len(words))
        return next((end for end in ends if end is not None), None)
    if at < len(words) and words[at] in _ACCEPTS.get(head, (head,)):
        return reach(rest, words, at + 1)
    return None


def _harmless_posts(content: Content) -> list[str]:
    """Triage's example posts that are not at risk: the "no" ones at the safety question (the
    walk's first), and every one written for a later question, which a post at risk never
    reaches. Real posts' wording, angry and rude included, teaches what does not alarm."""
    if content.triage is None:
        return []
    first = content.flowchart.start
    return [
        post
        for question, answers in content.triage.questions.items()
        for post in (answers.no if question == first else [*answers.yes, *answers.no])
    ]


@dataclass(frozen=True)
class Alarm:
    """Which kind of risk the message suggests, and the phrase that showed it."""

    category: str
    name: str
    phrase: str
    sure: bool = True  # False: the classifier thinks it possible, not likely


class SafetyNet:
    """Phrases indexed by the words they can start at, so a message costs one look per word."""

    def __init__(self, safety: Safety, model: FaqMatcher | None = None, denials: Sequence[str] = ()) -> None:
        self.model = model
        self.denials = frozenset(word(w) for d in denials for w in plain_words(d))
        self.deniable = frozenset(c.id for c in safety.categories if c.deniable)
        self.threshold = safety.classifier.threshold if safety.classifier else 0.0
        possible = safety.classifier.possible if safety.classifier else None
        self.possible = self.threshold if possible is None else possible
        self.names = {c.id: c.name for c in safety.categories}
        self.order = {c.id: n for n, c in enumerate(safety.categories)}
        self.by_first: dict[str, list[tuple[Alarm, tuple[str, ...]]]] = defaultdict(list)
        for category in safety.categories:
            for phrase in category.phrases:
                alarm, words = Alarm(category.id, category.name, phrase), tokens(phrase)
                for first in _ACCEPTS.get(words[0], (words[0],)):
                    self.by_first[first].append((alarm, words))

    @classmethod
    def from_content(cls, content: Content, *, cache: Path | None = None) -> SafetyNet:
        """The phrases and, where content gives examples, a classifier trained on them (kept in
        ``cache`` like the FAQ matcher's weights). The FAQ's ways of asking, the out-of-scope
        questions and the walk's triggers are ordinary examples too."""
        classifier = content.safety.classifier
        denials = content.messages.denials
        if classifier is None:
            return cls(content.safety, denials=denials)
        by_class = {kind: tuple(texts) for kind, texts in classifier.examples.items()}
        scope = content.out_of_scope.all_questions()
        ordinary = [*by_class.get(ORDINARY, ()), *scope, *content.flowchart.triggers]
        ordinary += [a for e in content.faq.entries for a in e.asked[:FAQ_ORDINARY]]
        ordinary += _harmless_posts(content)
        by_class[ORDINARY] = (*ordinary, *content.safety.must_not_match)
        model = FaqMatcher.train(Examples(by_class), content.matching, cache=cache)
        return cls(content.safety, model, denials)

    def check(self, text: str) -> Alarm | None:
        """The phrase alarm of the first category (in content order) whose language the text
        holds; failing that, the classifier's kind if it scores at least the threshold."""
        return self.phrases(text) or self.classify(text)

    def classify(self, text: str) -> Alarm | None:
        """The likeliest kind of risk: sure when it outscores ordinary and reaches the
        threshold, possible when it reaches ``possible`` however ordinary scores."""
        if self.model is None:
            return None
        scores = self.model.scores(text)
        risky = [i for i, kind in enumerate(self.model.classes) if kind != ORDINARY]
        best = max(risky, key=lambda i: float(scores[i]), default=None)
        if best is None or float(scores[best]) < self.possible:
            return None
        kind = self.model.classes[best]
        sure = int(scores.argmax()) == best and float(scores[best]) >= self.threshold
        return Alarm(kind, self.names.get(kind, kind), "", sure=sure)

    def phrases(self, text: str) -> Alarm | None:
        """The alarm of the first category (in content order) whose language the text holds."""
        return self._first(alarm for alarm, _, _ in self._found(normal(text)))

    def check_denial(self, text: str) -> Alarm | None:
        """``check`` of a "no" to a walk question: an officer's own word for a risk after a
        denial ("nah, no threat", "no, nobody's in danger") is set aside, and the rest of the
        message read as usual. A resident's words ("no one would miss me") are never set aside."""
        raw = plain_words(text)
        words = [word(t) for t in raw]
        found = list(self._found(words))
        kept = [alarm for alarm, at, _ in found if not self._denied(alarm, words, at)]
        if kept or not found:
            return self._first(kept) or self.classify(text)
        gone = {i for alarm, at, end in found for i in range(max(0, at - DENIAL_GAP), end)}
        return self.classify(" ".join(t for i, t in enumerate(raw) if i not in gone))

    def _found(self, words: list[str]) -> Iterator[tuple[Alarm, int, int]]:
        """Each phrase the words hold: its alarm, where it starts and where it ends."""
        for at, seen in enumerate(words):
            for alarm, phrase in self.by_first.get(seen, ()):
                if (end := reach(phrase, words, at)) is not None:
                    yield alarm, at, end

    def _denied(self, alarm: Alarm, words: list[str], at: int) -> bool:
        before = set(words[max(0, at - DENIAL_GAP) : at])
        return alarm.category in self.deniable and bool(self.denials & before)

    def _first(self, alarms: Iterable[Alarm]) -> Alarm | None:
        return min(alarms, key=lambda a: (self.order[a.category], a.phrase), default=None)
