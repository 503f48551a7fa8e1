"""Button values: what was pressed and, for walk buttons, which walk and step it belongs to.

Format: ``verb[:arg][@walk.step]``, e.g. ``answer:yes@k3f9.2``. Only the engine reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ASCII only: "²" and "፩" pass ``str.isdigit`` but not ``int``, and forged values carry both.
_WORD = re.compile(r"[A-Za-z_]{1,20}")
_TAIL = re.compile(r"(?P<walk>[0-9A-Za-z]{1,16})\.(?P<step>[0-9]{1,4})")


@dataclass(frozen=True)
class ChoiceValue:
    verb: str
    arg: str = ""
    walk: str | None = None
    step: int | None = None

    def encode(self) -> str:
        text = f"{self.verb}:{self.arg}" if self.arg else self.verb
        if self.walk is not None:
            text += f"@{self.walk}.{self.step}"
        return text


def decode(value: str) -> ChoiceValue | None:
    """Parse a button value; ``None`` for anything malformed (a forged or mangled press)."""
    if not value or len(value) > 200:
        return None
    head, _, tail = value.partition("@")
    verb, _, arg = head.partition(":")
    if not _WORD.fullmatch(verb):
        return None
    if not tail:
        return ChoiceValue(verb, arg)
    match = _TAIL.fullmatch(tail)
    if match is None:
        return None
    return ChoiceValue(verb, arg, match["walk"], int(match["step"]))
