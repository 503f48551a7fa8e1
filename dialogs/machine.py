"""One python-statemachine machine per dialog, built once and run on each turn's own state.

Creating a machine resolves every callback of every state and transition, which costs
milliseconds for the flowchart; a turn needs one event. So each dialog builds its machine
once, over a ``Slot`` model that points at the flow state in hand while an event runs.
Callbacks receive that state as ``flow``. Turns run one event at a time (the event loop never
switches inside ``send``), so one machine per dialog is safe.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict
from statemachine import StateMachine
from statemachine.exceptions import TransitionNotAllowed

from bot.core.choices import Stamp


class FlowState(Protocol):
    at: str


class FlowRun(BaseModel):
    """What every flow stores: which run it is, the machine's state and how many moves it has
    made; a step button is stamped with the run and the move, so an older one is refused."""

    model_config = ConfigDict(extra="forbid")
    LAST: ClassVar[str]  # the state in which the run is over and is dropped

    run: str  # a random id per run
    at: str
    moves: int = 0  # grows with every transition, so each message's buttons are distinct

    @property
    def stamp(self) -> Stamp:
        return Stamp(self.run, self.moves)

    @property
    def finished(self) -> bool:
        return self.at == self.LAST


class Slot:
    """The machine's model: its ``at`` is the ``at`` of the flow state being moved."""

    def __init__(self) -> None:
        self.flow: FlowState | None = None
        self._resting: str | None = None  # where the machine stands between events

    @property
    def at(self) -> str | None:
        return self.flow.at if self.flow is not None else self._resting

    @at.setter
    def at(self, value: str) -> None:
        if self.flow is not None:
            self.flow.at = value
        else:
            self._resting = value


class Runner:
    """Sends events to one machine on behalf of many conversations."""

    def __init__(self, machine: type[StateMachine], listener: object) -> None:
        self.slot = Slot()
        self.machine = machine(model=self.slot, state_field="at", listeners=[listener])

    def send(self, flow: FlowState, event: str, **values: Any) -> bool:
        """Send ``event`` on ``flow``; False (and nothing changed) where the machine does not
        allow it there."""
        self.slot.flow = flow
        try:
            self.machine.send(event, flow=flow, **values)
        except TransitionNotAllowed:
            return False
        finally:
            self.slot.flow = None
        return True
