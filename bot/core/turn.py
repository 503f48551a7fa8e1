"""One turn in progress: the state it may change and what it has produced so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.messages import DecisionRecord, Escalation, Incoming, InductionRecord, Reply
from bot.core.state import ConversationState


@dataclass
class Turn:
    """Collects replies and side effects; the engine applies effects only after the state
    has been saved, so a retried turn never sends a record or logs a question twice."""

    incoming: Incoming
    state: ConversationState
    now: datetime
    replies: list[Reply] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    outcome_logged: str | None = None
    induction: InductionRecord | None = None
    attempts: list[InductionRecord] = field(default_factory=list)  # loaded when the tour may start
    idle_and_unchanged: bool = False  # the turn left an idle state as it found it
    refused: bool = False  # a button press that was not taken (expired, forged, lost a race)

    def say(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def send_record(self, record: DecisionRecord, message: Reply) -> None:
        self.escalations.append(Escalation(record=record, message=message))
