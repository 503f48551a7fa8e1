"""The induction tour as a strict state machine.

The phases are states; which chapter the officer is on is a plain value stored beside the
state, so the same small machine serves any number of chapters from content.
"""

from __future__ import annotations

from dataclasses import dataclass

from statemachine import State, StateMachine
from statemachine.exceptions import TransitionNotAllowed

from bot.core.errors import FlowError


class InductionTour(StateMachine):
    reading = State("reading", value="reading", initial=True)
    checking = State("checking", value="checking")
    retrying = State("retrying", value="retrying")
    acknowledging = State("acknowledging", value="acknowledging")
    done = State("done", value="done", final=True)

    proceed = reading.to(checking)
    wrong = checking.to(retrying)
    next_chapter = checking.to(reading) | retrying.to(reading)
    finish = checking.to(acknowledging) | retrying.to(acknowledging)
    back = reading.to(reading) | checking.to(reading) | retrying.to(reading) | acknowledging.to(reading)
    acknowledge = acknowledging.to(done)


@dataclass
class _Phase:
    state: str


def step(phase: str, event: str) -> str:
    """The phase after ``event``; FlowError when the tour does not allow it there."""
    machine = InductionTour(model=_Phase(phase), state_field="state")
    try:
        machine.send(event)
    except (TransitionNotAllowed, AttributeError) as exc:
        raise FlowError(f"'{event}' is not allowed in phase '{phase}'") from exc
    return str(machine.current_state_value)


START = str(InductionTour.reading.value)
