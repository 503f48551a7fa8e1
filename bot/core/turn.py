"""One turn in progress: what it has produced so far, for the engine to save and apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.lifecycle import DeskRecord
from bot.core.messages import DecisionRecord, Escalation, Incoming, InductionRecord, Reply


@dataclass
class Turn:
    """Collects replies and side effects; the engine applies effects only after the state
    has been saved, so a retried turn never sends a record or logs a question twice. The
    conversation's state is not here: each flow is handed its own."""

    incoming: Incoming
    now: datetime
    replies: list[Reply] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # FAQ entry ids only, never the question
    outcome_logged: str | None = None
    alarm: str | None = None  # the kind of risk the safety net saw (logged; the text never is)
    alerted: str | None = None  # the message that raised the alert last turn (``ConversationState``)
    induction: InductionRecord | None = None
    attempts: list[InductionRecord] = field(default_factory=list)  # loaded when the tour may start
    refused: bool = False  # a button press that was not taken (expired, forged, lost a race)
    policy_reply: bool = False  # a policy question was answered, offered close entries or declined
    sent: list[DeskRecord] = field(default_factory=list)  # loaded when the officer asks after their records
    signature: str | None = None  # the officer's remembered sign-off, loaded where a draft may need it
    keep_signature: str | None = None  # to remember once the turn is saved ("" forgets it)

    def say(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def send_record(self, record: DecisionRecord, message: Reply) -> None:
        self.escalations.append(Escalation(record=record, message=message))
