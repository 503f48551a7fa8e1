"""Button values: what was pressed and, for step buttons, which run of a flow and which move.

Format: ``verb[:arg][@run.move]``, e.g. ``answer:yes@k3f9.2``. Only the engine reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.vocabulary import Verb

# ASCII only: "²" and "፩" pass ``str.isdigit`` but not ``int``, and forged values carry both.
_WORD = re.compile(r"[A-Za-z_]{1,20}")
_TAIL = re.compile(r"(?P<run>[0-9A-Za-z]{1,16})\.(?P<move>[0-9]{1,4})")
VERBS = frozenset(Verb)


@dataclass(frozen=True)
class Stamp:
    """Which run of a flow (a random id per walk or tour) and which move of it a step button
    was shown at: a press is taken only while both are still current."""

    run: str
    move: int


@dataclass(frozen=True)
class ChoiceValue:
    verb: Verb
    arg: str = ""
    stamp: Stamp | None = None

    def encode(self) -> str:
        text = f"{self.verb}:{self.arg}" if self.arg else str(self.verb)
        if self.stamp is not None:
            text += f"@{self.stamp.run}.{self.stamp.move}"
        return text


def decode(value: str) -> ChoiceValue | None:
    """Parse a button value; ``None`` for anything malformed or unknown (a forged or mangled
    press)."""
    if not value or len(value) > 200:
        return None
    head, _, tail = value.partition("@")
    verb, _, arg = head.partition(":")
    if not _WORD.fullmatch(verb) or verb not in VERBS:
        return None
    if not tail:
        return ChoiceValue(Verb(verb), arg)
    match = _TAIL.fullmatch(tail)
    if match is None:
        return None
    return ChoiceValue(Verb(verb), arg, Stamp(match["run"], int(match["move"])))
