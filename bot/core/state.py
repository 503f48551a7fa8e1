"""What is stored per conversation: plain values, from which each turn rebuilds its machine."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = 1


@dataclass
class ConversationState:
    """One officer's place in one conversation.

    ``flow`` is ``None`` when idle, ``"flowchart"`` during and after a walk (``node`` is the
    pending question, ``outcome`` the final state), ``"record"`` while the bot waits for an
    optional note before sending a record. ``walk`` and ``len(path)`` identify the step, so a
    button from an older message can be recognised and refused.
    """

    flow: str | None = None
    node: str | None = None
    outcome: str | None = None
    path: list[tuple[str, str]] = field(default_factory=list)
    walk: str | None = None
    awaiting: str | None = None
    updated_at: float = 0.0
    version: int = 0

    @property
    def step(self) -> int:
        return len(self.path)

    def clear(self) -> None:
        """Back to idle, keeping the version for the optimistic save."""
        self.flow = self.node = self.outcome = self.walk = self.awaiting = None
        self.path = []

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("version")
        data["schema"] = SCHEMA
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, version: int) -> ConversationState:
        data: dict[str, Any] = json.loads(text)
        data.pop("schema", None)
        data["path"] = [(str(node), str(answer)) for node, answer in data.get("path", [])]
        return cls(**data, version=version)
