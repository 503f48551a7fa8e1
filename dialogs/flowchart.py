"""The response-decision flowchart as a strict state machine built from content.

A question is a state, an answer (``yes``/``no``) an event, an outcome a final state. The
machine is rebuilt each turn from the stored state value, so nothing is pickled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from statemachine import State, StateMachine
from statemachine.exceptions import TransitionNotAllowed

from bot.core.content.models import Flowchart
from bot.core.errors import FlowError

ANSWERS = ("yes", "no")


@dataclass
class _Position:
    """The model the machine reads and writes: only a state value."""

    state: str


class FlowchartMachine:
    """Builds the machine class once, then answers questions for any stored position."""

    def __init__(self, chart: Flowchart) -> None:
        self.chart = chart
        self.start = chart.start
        self.outcomes = {o.id for o in chart.outcomes}
        self.questions = {q.id for q in chart.questions}
        self.machine_class = _build_class(chart)

    def instance(self, state: str | None = None) -> StateMachine:
        """A machine positioned at ``state`` (default: the start question)."""
        return self.machine_class(model=_Position(state or self.start), state_field="state")

    def answer(self, state: str, answer: str) -> str:
        """The node reached by answering ``answer`` at ``state``; FlowError if not allowed."""
        if answer not in ANSWERS:
            raise FlowError(f"'{answer}' is not an answer")
        if state not in self.questions:
            raise FlowError(f"'{state}' is not a question")
        machine = self.instance(state)
        try:
            machine.send(answer)
        except TransitionNotAllowed as exc:
            raise FlowError(str(exc)) from exc
        return str(machine.current_state_value)

    def is_outcome(self, node: str) -> bool:
        return node in self.outcomes


def _build_class(chart: Flowchart) -> type[StateMachine]:
    states: dict[str, State] = {}
    for question in chart.questions:
        states[question.id] = State(question.id, value=question.id, initial=question.id == chart.start)
    for outcome in chart.outcomes:
        states[outcome.id] = State(outcome.id, value=outcome.id, final=True)
    events: dict[str, Any] = {}
    for answer in ANSWERS:
        transitions = [states[q.id].to(states[getattr(q, answer)]) for q in chart.questions]
        combined = transitions[0]
        for transition in transitions[1:]:
            combined = combined | transition
        events[answer] = combined
    attributes: dict[str, Any] = {**states, **events}
    return type("ResponseFlowchart", (StateMachine,), attributes)


def mermaid(machine: FlowchartMachine) -> str:
    """The flowchart as a Mermaid state diagram, generated from the machine itself."""
    return format(machine.instance(), "mermaid")
