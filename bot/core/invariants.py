"""What a stored conversation state may look like: each flow's own rules, checked by the fuzzer
(``app.py fuzz``) after every turn. A state that breaks one is a bug, whatever caused it."""

from __future__ import annotations

from typing import Any

from bot.core.content.models import Content
from bot.core.state import ConversationState
from dialogs.flowchart import ANSWERS, FlowchartMachine
from dialogs.induction import InductionTour

# Every phase of the tour's machine but its final one (a finished tour is no longer stored).
TOUR_PHASES = frozenset(
    str(s.value) for s in (InductionTour.reading, InductionTour.checking, InductionTour.retrying)
) | {str(InductionTour.acknowledging.value)}


class Invariants:
    """The rules, built once from content."""

    def __init__(self, content: Content) -> None:
        self.machine = FlowchartMachine(content.flowchart)
        self.chapters = [c.id for c in content.induction.chapters]
        self.escalating = {o.id for o in content.flowchart.outcomes if o.escalate != "no"}

    def problems(self, state: ConversationState) -> list[str]:
        """Every rule the state breaks; empty for a possible state."""
        found = self._suspended(state.suspended)
        if state.flow is None:
            return found + self._idle(state)
        if state.flow == "flowchart":
            return found + self._walk(state)
        if state.flow == "induction":
            return (
                found
                + ([] if state.suspended is None else ["a tour both running and suspended"])
                + (self._tour(state.node, state.chapter, state.tries, state.results, state))
            )
        return [*found, f"unknown flow {state.flow!r}"]

    @staticmethod
    def _idle(state: ConversationState) -> list[str]:
        leftovers = [state.node, state.outcome, state.walk, state.awaiting, state.started_at]
        if (
            any(v is not None for v in leftovers)
            or state.path
            or state.chapter
            or state.tries
            or state.results
        ):
            return ["an idle state keeps a step of a walk or tour"]
        return []

    def _walk(self, state: ConversationState) -> list[str]:
        found = []
        if not state.walk:
            found.append("a walk without a walk id")
        if (state.node is None) == (state.outcome is None):
            found.append("a walk must be at exactly one of a question or an outcome")
        if state.node is not None and state.node not in self.machine.questions:
            found.append(f"node {state.node!r} is not a question of the flowchart")
        if state.outcome is not None and state.outcome not in self.machine.outcomes:
            found.append(f"outcome {state.outcome!r} is not an outcome of the flowchart")
        if state.awaiting not in {None, "note"}:
            found.append(f"awaiting {state.awaiting!r}")
        if state.awaiting == "note" and state.outcome not in self.escalating:
            found.append("waiting for a note where no record is offered")
        if state.chapter or state.tries or state.results or state.started_at:
            found.append("a walk keeps tour fields")
        return found + self._path(state)

    def _path(self, state: ConversationState) -> list[str]:
        """The answers must lead from the start question to where the walk is."""
        node = self.machine.start
        for asked, answer in state.path:
            if asked != node or answer not in ANSWERS:
                return [f"path step {asked}={answer} does not follow from {node}"]
            node = self.machine.answer(node, answer)
        if node != (state.node or state.outcome):
            return [f"path ends at {node}, state is at {state.node or state.outcome}"]
        return []

    def _tour(
        self, phase: Any, chapter: Any, tries: Any, results: Any, state: ConversationState | None
    ) -> list[str]:
        found = []
        if phase not in TOUR_PHASES:
            found.append(f"tour phase {phase!r}")
        if not isinstance(chapter, int) or not 0 <= chapter < len(self.chapters):
            found.append(f"tour chapter {chapter!r} out of range")
        if tries not in (0, 1) or (tries == 1) != (phase == "retrying"):
            found.append(f"tour tries {tries!r} in phase {phase!r}")
        if not isinstance(results, dict) or not set(results) <= set(self.chapters):
            found.append("tour results name chapters that do not exist")
        if state is not None:
            if not state.walk or not state.started_at:
                found.append("a tour without its walk id or start time")
            if state.path or state.outcome or state.awaiting:
                found.append("a tour keeps walk fields")
        return found

    def _suspended(self, suspended: dict[str, Any] | None) -> list[str]:
        if suspended is None:
            return []
        keys = {"node", "chapter", "tries", "results", "started_at", "walk"}
        if set(suspended) != keys:
            return [f"a suspended tour with fields {sorted(suspended)}"]
        return self._tour(
            suspended["node"], suspended["chapter"], suspended["tries"], suspended["results"], None
        )
