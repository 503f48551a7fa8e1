"""What is stored per conversation: each flow's own typed state, from which each turn rebuilds
its machine, under a schema version that is checked on every read."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.core.errors import StateError
from bot.core.storage.port import Saved
from bot.core.vocabulary import FlowId
from dialogs.flowchart import NOTE, WalkState
from dialogs.induction import PAUSED, TourState

SCHEMA = 2


class ConversationState(BaseModel):
    """One officer's place in one conversation: a walk (under way, or at its outcome), a tour
    (under way, or paused while a walk runs or the officer does something else), both, or
    neither. ``version`` and ``updated_at`` belong to the store's save, not to the JSON."""

    model_config = ConfigDict(extra="forbid")

    walk: WalkState | None = None
    tour: TourState | None = None
    # The FAQ entry answered last (its id, never the question), so a follow-up ("what about
    # on Instagram?", "where does it say that?") is read with it in mind. Not saved: the engine
    # keeps it in memory, so a question costs no write (see ``ConversationEngine``).
    last_answer: str | None = None
    # The message that raised the safety alert out of any check, held for the next turn only,
    # so that an urgent record sent from the alert's button carries what the officer saw.
    alerted: str | None = None
    updated_at: float = 0.0
    version: int = 0

    @property
    def active(self) -> FlowId | None:
        """The flow that typed words and step buttons go to first."""
        if self.tour is not None and self.tour.at != PAUSED:
            return FlowId.TOUR
        if self.walk is not None:
            return FlowId.WALK
        return None

    @property
    def empty(self) -> bool:
        return self.walk is None and self.tour is None and self.alerted is None

    def saved(self) -> Saved:
        flows = self.model_dump(mode="json", include={"walk", "tour", "alerted"}, exclude_none=True)
        data = json.dumps({"schema": SCHEMA, **flows}, separators=(",", ":"))
        return Saved(data=data, version=self.version, updated_at=self.updated_at)

    @classmethod
    def from_saved(cls, saved: Saved) -> ConversationState:
        """The stored state; ``StateError`` for a schema this release does not know (a newer
        release wrote it) or a state it cannot read, so the turn fails politely and the stored
        state is left as it was."""
        try:
            data = json.loads(saved.data)
        except ValueError:
            raise StateError("stored conversation state is not JSON") from None
        if not isinstance(data, dict):
            raise StateError("stored conversation state is not an object")
        schema = data.pop("schema", 1)
        if schema == 1:
            data = from_first_schema(data)
        elif schema != SCHEMA:
            raise StateError(f"stored conversation state has schema {schema!r}; this release reads {SCHEMA}")
        try:
            return cls.model_validate({**data, "version": saved.version, "updated_at": saved.updated_at})
        except ValidationError as exc:
            where = ".".join(str(p) for p in exc.errors()[0]["loc"])
            raise StateError(f"stored conversation state is not valid at {where}") from None


def from_first_schema(old: dict[str, Any]) -> dict[str, Any]:
    """A state written by the first release (one flat record with ``flow``, ``node`` and a
    ``suspended`` tour), as this schema has it, so an upgrade loses no walk or tour."""
    data: dict[str, Any] = {}
    if old.get("flow") == FlowId.WALK:
        at = NOTE if old.get("awaiting") == NOTE else old.get("node") or old.get("outcome")
        path = old.get("path") or []
        data["walk"] = {
            "run": old.get("walk") or "0",
            "at": at,
            "path": path,
            "outcome": old.get("outcome"),
            "moves": len(path),
        }
    tour = old if old.get("flow") == FlowId.TOUR else old.get("suspended")
    if tour:
        phase = tour.get("node") or "reading"
        data["tour"] = {
            "run": tour.get("walk") or "0",
            "at": phase if tour is old else PAUSED,
            "resume": None if tour is old else phase,
            "chapter": tour.get("chapter", 0),
            "results": tour.get("results", {}),
            "started_at": tour.get("started_at") or "",
        }
    return data
