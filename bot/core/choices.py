"""Button values: what was pressed and, for walk buttons, which walk and step it belongs to.

Format: ``verb[:arg][@walk.step]``, e.g. ``answer:yes@k3f9.2``. Only the engine reads them.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    if not verb.isascii() or not verb.replace("_", "").isalpha():
        return None
    if not tail:
        return ChoiceValue(verb, arg)
    walk, _, step = tail.partition(".")
    if not walk.isalnum() or not step.isdigit():
        return None
    return ChoiceValue(verb, arg, walk, int(step))
