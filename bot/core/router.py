"""Decides what a turn does: commands, walk steps, button presses and policy questions."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.choices import ChoiceValue, decode
from bot.core.content.models import Content
from bot.core.faq import FLOWCHART, FaqMatcher
from bot.core.messages import Incoming, Reply
from bot.core.present import Presenter
from bot.core.state import ConversationState
from bot.core.text import clean, command_word, looks_unreadable
from bot.core.tour import Tour
from bot.core.turn import Turn
from bot.core.walk import FLOW, NOTE, Walk
from dialogs.flowchart import ANSWERS, FlowchartMachine

INPUT_LIMIT = 4000
TOUR = "induction"
# Which flow each step button belongs to: a button only acts in its own flow, at its own step.
WALK_VERBS = {"answer": FLOW, "back": FLOW, "why": FLOW, "stop": FLOW, "record": FLOW}
WALK_VERBS |= {"tour": TOUR, "option": TOUR}
# The tour moves each phase allows; anything else is an expired (or forged) button.
TOUR_MOVES = {
    "reading": frozenset({"next", "back", "stop"}),
    "checking": frozenset({"back", "stop"}),
    "retrying": frozenset({"back", "stop"}),
    "acknowledging": frozenset({"acknowledge", "back", "stop"}),
}
COMMAND_LENGTH = 100  # longer than any command word: such text is only ever a question


class Router:
    """Channel-independent conversation logic over a ``Turn``; persistence is the engine's."""

    def __init__(self, *, content: Content, matcher: FaqMatcher, machine: FlowchartMachine) -> None:
        self.present = Presenter(content)
        self.tour = Tour(content, self.present)
        self.walk = Walk(self.present, machine)
        self.matcher = matcher
        self.machine = machine
        words = content.messages.words
        self.words = {
            command_word(w): name for name in type(words).model_fields for w in getattr(words, name)
        }
        self.version = content.about.version

    # --- entry ------------------------------------------------------------------------

    def may_start_tour(self, incoming: Incoming, state: ConversationState) -> bool:
        """Whether this turn may start the induction afresh, so the engine loads the officer's
        earlier attempts first (a completion is offered, never overwritten)."""
        if state.flow == TOUR or state.suspended:
            return False
        if incoming.choice is not None:
            value = decode(incoming.choice)
            return value is not None and value.verb == "induction"
        text = clean(incoming.text[: COMMAND_LENGTH * 2], limit=COMMAND_LENGTH)[0]
        return self.words.get(command_word(text)) == "induction"

    def route(self, turn: Turn) -> None:
        if turn.incoming.choice is not None:
            self.press(turn, turn.incoming.choice)
            return
        text, cut = clean(turn.incoming.text, limit=INPUT_LIMIT)
        if not text and turn.incoming.attachments:
            turn.say(self.present.text("attachment_only"))  # a screenshot: ask for words
            self.where_now(turn)
            return
        if looks_unreadable(text) or not text:
            turn.say(self.present.text("unreadable" if text else "empty"))
            self.where_now(turn)
            return
        if cut:
            turn.say(self.present.text("too_long", limit=INPUT_LIMIT))
        self.typed(turn, text)

    def where_now(self, turn: Turn) -> None:
        """Repeat where the officer is, so a walk is never lost behind another reply."""
        state = turn.state
        if state.flow == TOUR:
            self.tour.where_now(turn)
        elif state.flow == FLOW:
            self.walk.where_now(turn)

    def aside(self, turn: Turn, reply: Reply) -> None:
        """Say something that is not a step, then repeat where the officer is."""
        turn.say(reply)
        self.where_now(turn)

    # --- typed text ---------------------------------------------------------------------

    def typed(self, turn: Turn, text: str) -> None:
        head, _, rest = text.partition(" ")
        if rest.strip() and self.words.get(command_word(head)) == "ask":
            text = rest.strip()  # "ask can I ...": the question itself, in any channel
            word = None
        else:
            word = self.words.get(command_word(text))
        state = turn.state
        if state.flow == TOUR:
            self.tour_text(turn, text, word)
        elif state.flow == FLOW and state.awaiting == NOTE:
            self.note_text(turn, text, word)
        elif state.flow == FLOW and state.node:
            self.walk_text(turn, text, word)
        else:
            self.idle_text(turn, text, word)

    def idle_text(self, turn: Turn, text: str, word: str | None) -> None:
        at_outcome = turn.state.flow == FLOW and turn.state.outcome is not None
        actions: dict[str, Callable[[Turn], None]] = {
            "help": lambda t: t.say(self.present.help()),
            "menu": lambda t: t.say(self.present.greeting()),
            "start_walk": self.walk.start,
            "restart": self.walk.start,
            "ask": lambda t: t.say(self.present.text("ask_prompt")),
            "induction": self.tour.start,
        }
        if at_outcome:
            actions |= {"stop": self.walk.stop, "back": self.walk.back, "why": self.where_now}
        if word in actions:
            actions[word](turn)
        elif word in {"stop"}:
            turn.say(self.present.text("nothing_to_stop"))
        elif word in {"back", "why", "yes", "no"}:
            turn.say(self.present.text("not_in_walk"))
        else:
            self.question(turn, text, in_walk=False)

    def walk_text(self, turn: Turn, text: str, word: str | None) -> None:
        actions: dict[str, Callable[[Turn], None]] = {
            "yes": lambda t: self.answer(t, "yes"),
            "no": lambda t: self.answer(t, "no"),
            "back": self.walk.back,
            "restart": self.walk.restart,
            "why": self.walk.why,
            "stop": self.walk.stop,
            "start_walk": self.where_now,
            "help": lambda t: self.aside(t, self.present.help()),
            "menu": lambda t: self.aside(t, self.present.help()),
            "ask": lambda t: self.aside(t, self.present.text("ask_prompt")),
        }
        if word in actions:
            actions[word](turn)
            return
        self.question(turn, text, in_walk=True)
        turn.say(self.present.text("side_answer_back"))
        self.where_now(turn)

    def tour_text(self, turn: Turn, text: str, word: str | None) -> None:
        phase = turn.state.node
        actions: dict[str, Callable[[Turn], None]] = {
            "back": self.tour.back,
            "stop": self.tour.pause,
            "induction": self.tour.where_now,
            "help": lambda t: self.aside(t, self.present.help()),
            "menu": lambda t: self.aside(t, self.present.help()),
            "start_walk": self.walk_from_tour,
        }
        if phase == "reading":
            actions["next"] = self.tour.proceed
        if phase == "acknowledging":
            actions["next"] = self.tour.acknowledge
        if word in actions:
            actions[word](turn)
        elif phase in {"checking", "retrying"} and (number := small_number(text)) is not None:
            self.tour.answer(turn, number - 1)
        else:
            self.question(turn, text, in_walk=True)
            turn.say(self.present.text("side_answer_back"))
            self.where_now(turn)

    def walk_from_tour(self, turn: Turn) -> None:
        """A post needs checking mid-tour: put the tour aside; "induction" resumes it."""
        self.tour.suspend(turn)
        self.walk.start(turn)

    def note_text(self, turn: Turn, text: str, word: str | None) -> None:
        if word == "stop":
            self.walk.cancel_record(turn)
        elif word == "back":
            self.walk.back(turn)
        elif word == "skip":
            self.walk.send_record(turn, None)
        else:
            self.walk.send_record(turn, text)

    def question(self, turn: Turn, text: str, *, in_walk: bool) -> None:
        """Answer a policy question, offer close matches, or say honestly that it's not covered."""
        result = self.matcher.match(text)
        best = result.best
        if result.kind == "answer" and best is not None and best.id == FLOWCHART:
            if in_walk:
                turn.say(self.present.text("not_an_answer"))
            else:
                self.walk.start(turn)
        elif result.kind == "answer" and best is not None:
            turn.say(self.present.answer(self.present.entries[best.id]))
        elif result.kind == "suggest":
            turn.say(self.present.suggestions(result.suggestions))
        else:
            turn.say(self.present.unknown())
            turn.unanswered.append(text)

    # --- buttons ------------------------------------------------------------------------

    def press(self, turn: Turn, raw: str) -> None:
        value = decode(raw)
        if value is None or not self._current(value, turn.state):
            self.stale(turn)
            return
        handler = self._press_handlers().get(value.verb)
        if handler is None:
            self.stale(turn)
        else:
            handler(turn, value)

    @staticmethod
    def _current(value: ChoiceValue, state: ConversationState) -> bool:
        """Walk buttons must name the current flow, walk and step; menu and FAQ buttons never
        expire (and never carry a walk)."""
        flow = WALK_VERBS.get(value.verb)
        if flow is not None:
            here = (value.walk, value.step) == (state.walk, state.step) and value.walk is not None
            return here and flow == state.flow
        return value.walk is None

    def _press_handlers(self) -> dict[str, Callable[[Turn, ChoiceValue], None]]:
        return {
            "walk": self.press_start,
            "ask": lambda t, v: t.say(self.present.text("ask_prompt")),
            "help": lambda t, v: t.say(self.present.help()),
            "faq": self.press_faq,
            "none": lambda t, v: t.say(self.present.unknown()),
            "answer": self.press_answer,
            "back": lambda t, v: self.walk.back(t),
            "why": lambda t, v: self.walk.why(t),
            "stop": lambda t, v: self.walk.stop(t),
            "record": self.press_record,
            "induction": self.press_induction,
            "tour": self.press_tour,
            "option": self.press_option,
        }

    def press_induction(self, turn: Turn, value: ChoiceValue) -> None:
        if value.arg not in {"", "again"}:
            self.stale(turn)
        else:
            self.tour.start(turn, again=value.arg == "again")

    def press_option(self, turn: Turn, value: ChoiceValue) -> None:
        number = small_number(value.arg)
        if turn.state.node in {"checking", "retrying"} and number is not None:
            self.tour.answer(turn, number)
        else:
            self.stale(turn)

    def press_tour(self, turn: Turn, value: ChoiceValue) -> None:
        moves: dict[str, Callable[[Turn], None]] = {
            "next": self.tour.proceed,
            "back": self.tour.back,
            "stop": self.tour.pause,
            "acknowledge": self.tour.acknowledge,
        }
        if value.arg not in TOUR_MOVES.get(turn.state.node or "", frozenset()):
            self.stale(turn)
        else:
            moves[value.arg](turn)

    def answer(self, turn: Turn, answer: str) -> None:
        if not self.walk.answer(turn, answer):
            self.stale(turn)

    def press_answer(self, turn: Turn, value: ChoiceValue) -> None:
        if value.arg in ANSWERS:
            self.answer(turn, value.arg)
        else:
            self.stale(turn)

    def press_start(self, turn: Turn, value: ChoiceValue) -> None:
        if turn.state.flow == FLOW and turn.state.node:
            self.stale(turn)  # a walk is under way: an older menu button must not reset it
        elif turn.state.flow == TOUR:
            self.walk_from_tour(turn)  # the tour is put aside, as when "check" is typed
        else:
            self.walk.start(turn)

    def press_faq(self, turn: Turn, value: ChoiceValue) -> None:
        entry = self.present.entries.get(value.arg)
        if entry is None:
            self.stale(turn)
            return
        turn.say(self.present.answer(entry))
        if turn.state.flow == FLOW and (turn.state.node or turn.state.awaiting):
            turn.say(self.present.text("side_answer_back"))
            self.where_now(turn)

    def press_record(self, turn: Turn, value: ChoiceValue) -> None:
        state = turn.state
        outcome = self.present.outcomes.get(state.outcome or "")
        if state.flow != FLOW or outcome is None or outcome.escalate == "no":
            turn.say(self.present.text("no_record_here"))
        elif value.arg == "send" and state.awaiting == NOTE:
            self.walk.send_record(turn, None)
        elif value.arg == "cancel" and state.awaiting == NOTE:
            self.walk.cancel_record(turn)
        elif not value.arg:
            self.walk.ask_for_note(turn)
        else:
            self.stale(turn)

    def stale(self, turn: Turn) -> None:
        """An expired, mangled or forged button: say so, change nothing, repeat where we are."""
        turn.refused = True
        in_walk = turn.state.flow in {FLOW, TOUR}
        turn.say(self.present.text("stale_button" if in_walk else "stale_no_walk"))
        self.where_now(turn)


def small_number(text: str) -> int | None:
    """An option number typed or pressed: ASCII digits only ("²" or "፩" are digits to
    ``str.isdigit`` but not to ``int``), and short."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 3:
        return int(text)
    return None
