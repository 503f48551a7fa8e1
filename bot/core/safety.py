"""The safety net: language in a message that means someone may be at risk (self-harm, a
threat, a child or vulnerable adult in danger). It is checked before anything else, in or out
of a walk, because missing it is the worst error the bot can make."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from bot.core.content.models import Safety

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_GAP = r"(?: [0-9a-z@]+){0,3}"  # what "*" stands for: up to three words


# A phrase written about one person reads the same about another: "watch your back" is also
# "watch his back", "hurt myself" also "hurting himself". Both the phrases and the message are
# read with each kind of pronoun as one word. "her" is an object or a possessive: in a message
# it matches phrases written with either.
_CLASSES = {
    "@subject": "i we he she they",
    "@object": "me us you u ya ye him them",
    "@possessive": "my our your ur yer his their mine ours yours hers theirs",
    "@self": "myself ourselves yourself yourselves himself herself themselves themself",
}
_PRONOUNS = {w: name for name, words in _CLASSES.items() for w in words.split()} | {"her": "@her"}
_MATCHES = {"@object": "(?:@object|@her)", "@possessive": "(?:@possessive|@her)", "@her": "(?:@object|@her)"}
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


def normal(text: str) -> str:
    """The message as the net reads it: lower case, apostrophes dropped, anything else that is
    not a letter or digit a space, each word as ``word`` reads it, one space between words and
    at each end."""
    text = text.lower().replace("’", "").replace("'", "").replace("‘", "")
    return " " + " ".join(word(t) for t in _NOT_WORD.sub(" ", text).split()) + " "


def pattern(phrase: str) -> re.Pattern[str]:
    """A phrase as a regular expression over ``normal`` text: whole words, "*" a gap."""
    parts = [_GAP if w == "*" else " " + _as_pattern(word(w)) for w in phrase.split(" ")]
    return re.compile("".join(parts) + "(?= )")


def _as_pattern(token: str) -> str:
    return _MATCHES.get(token) or re.escape(token)


@dataclass(frozen=True)
class Alarm:
    """Which kind of risk the message suggests, and the phrase that showed it."""

    category: str
    name: str
    phrase: str


class SafetyNet:
    """Phrases indexed by their first word, so a message costs one look per word it has."""

    def __init__(self, safety: Safety) -> None:
        self.order = {c.id: n for n, c in enumerate(safety.categories)}
        self.by_first: dict[str, list[tuple[Alarm, re.Pattern[str]]]] = defaultdict(list)
        for category in safety.categories:
            for phrase in category.phrases:
                alarm = Alarm(category.id, category.name, phrase)
                for first in _firsts(word(phrase.split(" ")[0])):
                    self.by_first[first].append((alarm, pattern(phrase)))

    def check(self, text: str) -> Alarm | None:
        """The alarm of the first category (in content order) whose language the text holds."""
        seen = normal(text)
        found = [
            alarm
            for word in set(seen.split())
            for alarm, expression in self.by_first.get(word, ())
            if expression.search(seen)
        ]
        return min(found, key=lambda a: (self.order[a.category], a.phrase), default=None)


def _firsts(token: str) -> tuple[str, ...]:
    """The message words a phrase starting with ``token`` can start at ("her" is two kinds)."""
    return {"@object": ("@object", "@her"), "@possessive": ("@possessive", "@her")}.get(
        token, ("@object", "@her") if token == "@her" else (token,)
    )
