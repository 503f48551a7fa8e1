"""The flowchart walk: starting, answering, going back, explaining, and sending a record."""

from __future__ import annotations

import secrets

from bot.core.messages import DecisionRecord, timestamp
from bot.core.present import Presenter
from bot.core.text import clean, first_link
from bot.core.turn import Turn
from dialogs.flowchart import FlowchartMachine

FLOW = "flowchart"
NOTE = "note"
NOTE_LIMIT = 2000


class Walk:
    """Moves the officer through the flowchart; the machine decides every transition."""

    def __init__(self, present: Presenter, machine: FlowchartMachine) -> None:
        self.present = present
        self.machine = machine

    def where_now(self, turn: Turn) -> None:
        state = turn.state
        if state.awaiting == NOTE:
            turn.say(self.present.record_prompt(state))
        elif state.node:
            turn.say(self.present.question(state))
        elif state.outcome:
            turn.say(self.present.outcome(state))

    def start(self, turn: Turn) -> None:
        state = turn.state
        state.clear()
        state.flow, state.node, state.walk = FLOW, self.machine.start, secrets.token_hex(3)
        turn.say(self.present.text("walk_intro"), self.present.question(state))

    def restart(self, turn: Turn) -> None:
        turn.say(self.present.text("restarted"))
        self.start(turn)

    def answer(self, turn: Turn, answer: str) -> bool:
        """Move on from the pending question; False if there is none (a stale answer)."""
        state = turn.state
        if state.node is None or state.awaiting:
            return False
        target = self.machine.answer(state.node, answer)
        state.path.append((state.node, answer))
        if self.machine.is_outcome(target):
            state.node, state.outcome = None, target
            turn.outcome_logged = target
        else:
            state.node = target
        self.where_now(turn)
        return True

    def back(self, turn: Turn) -> None:
        state = turn.state
        if state.awaiting == NOTE:
            state.awaiting = None
        elif not state.path:
            turn.say(self.present.text("first_question"))
        else:
            node, _ = state.path.pop()
            state.node, state.outcome = node, None
        self.where_now(turn)

    def why(self, turn: Turn) -> None:
        node = turn.state.node
        if node is None:
            self.where_now(turn)
            return
        turn.say(self.present.why(self.present.questions[node]), self.present.question(turn.state))

    def stop(self, turn: Turn) -> None:
        turn.state.clear()
        turn.say(self.present.text("stopped"))

    def cancel_record(self, turn: Turn) -> None:
        turn.state.awaiting = None
        turn.say(self.present.text("record_cancelled"))
        self.where_now(turn)

    def ask_for_note(self, turn: Turn) -> None:
        turn.state.awaiting = NOTE
        turn.say(self.present.record_prompt(turn.state))

    def send_record(self, turn: Turn, typed: str | None) -> None:
        """Send the record, then close the walk so no old button can send it again."""
        note = clean(typed, limit=NOTE_LIMIT)[0] if typed else None
        state = turn.state
        outcome = self.present.outcomes[state.outcome or ""]
        incoming = turn.incoming
        record = DecisionRecord(
            id=f"R-{secrets.token_hex(4).upper()}",
            created_at=timestamp(turn.now),
            user=incoming.user,
            user_name=incoming.user_name,
            channel=incoming.channel,
            conversation=incoming.conversation,
            outcome=outcome.id,
            outcome_title=outcome.title,
            urgency=outcome.escalate,
            path=tuple(state.path),
            comment=note or None,
            link=first_link(note) if note else None,
        )
        turn.send_record(record, self.present.record_notice(record))
        state.clear()
        turn.say(self.present.record_sent(record))
