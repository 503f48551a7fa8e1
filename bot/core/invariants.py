"""What a stored conversation state may look like: each flow's own rules, checked by the fuzzer
(``app.py fuzz``) after every turn. A state that breaks one is a bug, whatever caused it."""

from __future__ import annotations

from bot.core.content.models import Content
from bot.core.state import ConversationState
from dialogs.flowchart import ANSWERS, NOTE, WalkState
from dialogs.induction import PAUSED, InductionTour, TourState

# The tour's phases a stored tour may be at (a finished tour is no longer stored).
TOUR_PHASES = frozenset(str(s.value) for s in InductionTour.states) - {str(InductionTour.done.value)}


class Invariants:
    """The rules, built once from content."""

    def __init__(self, content: Content) -> None:
        chart = content.flowchart
        self.start = chart.start
        self.next = {(q.id, answer): getattr(q, answer) for q in chart.questions for answer in ANSWERS}
        self.next |= {(q.id, "unsure"): getattr(q, q.unsure.branch) for q in chart.questions}
        self.questions = {q.id for q in chart.questions}
        self.outcomes = {o.id for o in chart.outcomes}
        self.escalating = {o.id for o in chart.outcomes if o.escalate != "no"}
        self.drafting = set(content.drafts.replies)
        self.chapters = [c.id for c in content.induction.chapters]

    def problems(self, state: ConversationState) -> list[str]:
        """Every rule the state breaks; empty for a possible state."""
        found = [] if state.walk is None else self._walk(state.walk)
        if state.tour is not None:
            found += self._tour(state.tour)
            if state.tour.at != PAUSED and state.walk is not None:
                found.append("a tour under way beside a walk")
        return found

    def _walk(self, walk: WalkState) -> list[str]:
        found = [] if walk.run else ["a walk without a run id"]
        if walk.at not in self.questions | self.outcomes | {NOTE}:
            found.append(f"the walk is at {walk.at!r}, not a question, an outcome or the note")
        if walk.at == NOTE and walk.outcome not in self.escalating:
            found.append("waiting for a note where no record is offered")
        if walk.at in self.outcomes and walk.outcome != walk.at:
            found.append(f"at outcome {walk.at!r} but the outcome reached is {walk.outcome!r}")
        if walk.at in self.questions and walk.outcome is not None:
            found.append("at a question with an outcome reached")
        if walk.draft is not None and (walk.at not in self.drafting or walk.outcome != walk.at):
            found.append(f"a draft under way at {walk.at!r}, where none is offered")
        if walk.hinted is not None and walk.hinted != walk.at:
            found.append(f"a hint given at {walk.hinted!r} while the walk is at {walk.at!r}")
        suggested = walk.suggestions or {}
        if not set(suggested) <= self.questions or any(a not in ANSWERS for a, _ in suggested.values()):
            found.append("a suggestion for something other than a question, or other than yes or no")
        return found + self._path(walk)

    def _path(self, walk: WalkState) -> list[str]:
        """The answers must lead from the start question to where the walk is."""
        node = self.start
        for asked, answer in walk.path:
            if (asked, answer) not in self.next or asked != node:
                return [f"path step {asked}={answer} does not follow from {node}"]
            node = self.next[(asked, answer)]
        if node != (walk.outcome or walk.at):
            return [f"path ends at {node}, the walk is at {walk.outcome or walk.at}"]
        return []

    def _tour(self, tour: TourState) -> list[str]:
        found = []
        phase = tour.resume if tour.at == PAUSED else tour.at
        if phase not in TOUR_PHASES - {PAUSED}:
            found.append(f"tour phase {tour.at!r} (resuming {tour.resume!r})")
        if tour.at != PAUSED and tour.resume is not None and tour.resume not in TOUR_PHASES:
            found.append(f"tour would resume at {tour.resume!r}")
        in_range = 0 <= tour.chapter < len(self.chapters)
        if not in_range:
            found.append(f"tour chapter {tour.chapter!r} out of range")
        if not set(tour.results) <= set(self.chapters):
            found.append("tour results name chapters that do not exist")
        if phase == "retrying" and in_range and tour.results.get(self.chapters[tour.chapter], False):
            found.append("a second try at a check answered right first time")
        if not tour.run or not tour.started_at:
            found.append("a tour without its run id or start time")
        return found
