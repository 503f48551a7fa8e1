"""What is stored per conversation: plain values, from which each turn rebuilds its machine."""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

SCHEMA = 1
UNTRACKED = frozenset({"updated_at", "version"})


@dataclass
class ConversationState:
    """One officer's place in one conversation.

    ``flow`` is ``None`` when idle; ``"flowchart"`` during and after a walk (``node`` is the
    pending question, ``outcome`` the final state, ``awaiting`` is ``"note"`` while the bot
    waits for an optional note before sending a record); ``"induction"`` during the tour
    (``node`` is its phase, ``chapter`` and ``tries`` where it is, ``results`` the chapters
    answered right first time). ``walk`` and ``step`` identify the step, so a button from an
    older message can be recognised and refused.
    """

    flow: str | None = None
    node: str | None = None
    outcome: str | None = None
    path: list[tuple[str, str]] = field(default_factory=list)
    walk: str | None = None
    awaiting: str | None = None
    chapter: int = 0
    tries: int = 0
    results: dict[str, bool] = field(default_factory=dict)
    started_at: str | None = None
    suspended: dict[str, Any] | None = None  # a paused tour, kept while other things happen
    updated_at: float = 0.0
    version: int = 0

    @property
    def step(self) -> int:
        """Grows with every move, so each message's buttons are distinct from the next's."""
        if self.flow == "induction":
            return self.chapter * 10 + {"reading": 0, "checking": 1, "retrying": 2}.get(self.node or "", 3)
        return len(self.path)

    def position(self) -> tuple[object, ...]:
        """Every field but the time and the version, each copied, to tell whether a turn
        changed anything (lists and dicts are copied, so a change in place still shows)."""
        return tuple(copy.copy(getattr(self, f.name)) for f in fields(self) if f.name not in UNTRACKED)

    def clear(self) -> None:
        """Back to idle, keeping the version for the optimistic save and any paused tour."""
        self.flow = self.node = self.outcome = self.walk = self.awaiting = self.started_at = None
        self.path = []
        self.chapter = self.tries = 0
        self.results = {}

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
