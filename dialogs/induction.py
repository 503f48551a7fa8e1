"""The induction tour for new starters: chapters, check questions, feedback, the
acknowledgement and the completion record, as a strict state machine.

The phases are states (``paused`` too: a tour put aside by "stop" or by a flowchart check,
resumed where it was); which chapter the officer is on is a value on the model, so one small
machine serves any number of chapters from content. Entering a state says what it shows.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from pydantic import Field
from statemachine import State, StateMachine

from bot.core.choices import ChoiceValue
from bot.core.content.models import Chapter, Content, OptionWords
from bot.core.faq import Analyzer
from bot.core.messages import Choice, InductionRecord, Reply, timestamp
from bot.core.present import Presenter
from bot.core.safety import word
from bot.core.text import phrases, plain, plain_words, says
from bot.core.turn import Turn
from bot.core.vocabulary import Intent, Verb
from dialogs.machine import FlowRun, Runner


class InductionTour(StateMachine):
    reading = State("reading", value="reading", initial=True)
    checking = State("checking", value="checking")
    retrying = State("retrying", value="retrying")  # a second try after a wrong answer
    acknowledging = State("acknowledging", value="acknowledging")
    paused = State("paused", value="paused")
    # Not final: a final state would end the machine, which serves every conversation (see
    # dialogs/machine.py); a finished tour is dropped by the router, or taken again.
    done = State("done", value="done")

    proceed = reading.to(checking)
    wrong = checking.to(retrying, on="say_wrong")
    right = (
        checking.to(reading, cond="more_chapters", on=["say_right", "next_chapter"])
        | checking.to(acknowledging, on="say_right")
        | retrying.to(reading, cond="more_chapters", on=["say_right", "next_chapter"])
        | retrying.to(acknowledging, on="say_right")
    )
    reveal = retrying.to(reading, cond="more_chapters", on=["say_answer", "next_chapter"]) | retrying.to(
        acknowledging, on="say_answer"
    )
    back = (
        reading.to(reading, cond="past_first_chapter", on="previous_chapter")
        | checking.to(reading)
        | retrying.to(reading)
        | acknowledging.to(reading)
    )
    pause = (
        reading.to(paused, on="keep_place")
        | checking.to(paused, on="keep_place")
        | retrying.to(paused, on="keep_place")
        | acknowledging.to(paused, on="keep_place")
    )
    resume = (
        paused.to(reading, cond="returning_to")
        | paused.to(checking, cond="returning_to")
        | paused.to(retrying, cond="returning_to")
        | paused.to(acknowledging, cond="returning_to")
    )
    acknowledge = acknowledging.to(done, on="finish")
    again = done.to(reading)


PAUSED = str(InductionTour.paused.value)
DONE = str(InductionTour.done.value)
BOT_QUESTION_WORDS = 3  # the opening words in which "do i", "can i" mark a question at a check
ATTEMPT_WORDS = 3  # a statement this long at a check is an attempt at an answer
CHECKS = frozenset({str(InductionTour.checking.value), str(InductionTour.retrying.value)})
# Which tour buttons each phase offers; any other is an expired (or forged) button.
MOVES = {
    "reading": frozenset({"next", "back", "stop"}),
    "checking": frozenset({"back", "stop"}),
    "retrying": frozenset({"back", "stop"}),
    "acknowledging": frozenset({"acknowledge", "back", "stop"}),
}


class TourState(FlowRun):
    """One attempt at the tour, as stored; its machine reads and writes ``at``."""

    LAST = DONE

    at: str = str(InductionTour.reading.value)
    chapter: int = 0
    results: dict[str, bool] = Field(default_factory=dict)  # chapter id: right first time
    started_at: str
    resume: str | None = None  # the phase a paused tour returns to


class TourDialog:
    """Moves the officer through the tour; the phase changes only through the machine."""

    def __init__(self, content: Content, present: Presenter) -> None:
        self.chapters = content.induction.chapters
        self.texts = content.messages.texts
        self.labels = content.messages.labels
        self.option_words = content.messages.options
        self.analyzer = Analyzer(content.matching)  # "communications team" reads "comms"
        self.bot_questions = phrases(content.messages.bot_questions)
        self.present = present
        self.version = content.about.version
        self.runner = Runner(InductionTour, self)

    # --- the machine ------------------------------------------------------------------

    def _send(self, turn: Turn, state: TourState, event: str, **values: Any) -> bool:
        return self.runner.send(state, event, turn=turn, **values)

    def more_chapters(self, flow: TourState) -> bool:
        return flow.chapter + 1 < len(self.chapters)

    def past_first_chapter(self, flow: TourState) -> bool:
        return flow.chapter > 0

    def returning_to(self, flow: TourState, target: State) -> bool:
        return flow.resume == target.id

    def next_chapter(self, flow: TourState) -> None:
        flow.chapter += 1

    def previous_chapter(self, flow: TourState) -> None:
        flow.chapter -= 1

    def keep_place(self, flow: TourState, source: State) -> None:
        flow.resume = source.id

    def before_transition(self, flow: TourState) -> None:
        flow.moves += 1

    def on_enter_state(self, flow: TourState | None = None, turn: Turn | None = None) -> None:
        if flow is not None and turn is not None:  # not when the machine is first built
            self.where_now(turn, flow)

    def say_right(self, flow: TourState, source: State, turn: Turn, option: int) -> None:
        flow.results.setdefault(self._chapter(flow).id, source.id == "checking")
        feedback = self._chapter(flow).check.options[option].feedback
        turn.say(Reply(text=self.texts.induction_right.format(feedback=feedback)))

    def say_wrong(self, flow: TourState, turn: Turn, option: int) -> None:
        flow.results[self._chapter(flow).id] = False
        feedback = self._chapter(flow).check.options[option].feedback
        turn.say(Reply(text=self.texts.induction_wrong.format(feedback=feedback)))

    def say_answer(self, flow: TourState, turn: Turn) -> None:
        chapter = self._chapter(flow)
        check = chapter.check
        text = self.texts.induction_reveal.format(answer=check.answer.text, explanation=check.explanation)
        turn.say(Reply(text=text, quotes=tuple(self.present.cite(c) for c in chapter.cites)))

    def finish(self, flow: TourState, turn: Turn) -> None:
        right = sum(flow.results.get(c.id, False) for c in self.chapters)
        turn.induction = record = self._record(turn, flow, finished=True, score=right)
        text = self.texts.induction_done.format(
            comms_team=self.present.about.comms_team,
            date=(record.finished_at or "")[:10],
            score=right,
            total=len(self.chapters),
        )
        turn.say(Reply(text=text, choices=self.present.menu()))

    # --- entry and position ------------------------------------------------------------

    def start(self, turn: Turn, state: TourState | None, *, again: bool = False) -> TourState | None:
        """Resume where the officer left off; or, if they have completed the tour before,
        offer to go through it again (a new attempt, beside the completed one); or start.
        Returns the tour now under way, or ``None`` when only the offer was made."""
        if state is not None and not state.finished:
            turn.say(Reply(text=self.texts.induction_resume))
            if state.at == PAUSED:
                self._send(turn, state, "resume")
            else:
                self.where_now(turn, state)
            return state
        done = [a for a in turn.attempts if a.finished_at]
        if done and not again:
            self._already_done(turn, max(done, key=lambda a: a.finished_at or ""))
            return None
        state = TourState(run=secrets.token_hex(3), started_at=timestamp(turn.now))
        turn.induction = self._record(turn, state)
        turn.say(Reply(text=self.texts.induction_intro))
        self.where_now(turn, state)
        return state

    def _already_done(self, turn: Turn, done: InductionRecord) -> None:
        text = self.texts.induction_already_done.format(
            date=(done.finished_at or "")[:10], score=done.score or 0, total=done.out_of
        )
        again = Choice(self.labels.take_again, ChoiceValue(Verb.INDUCTION, "again").encode())
        menu = ChoiceValue(Verb.INDUCTION).encode()
        others = tuple(c for c in self.present.menu() if c.value != menu)
        turn.say(Reply(text=text, choices=(again, *others)))

    def in_progress(self, state: TourState) -> bool:
        return state.at not in (PAUSED, DONE)

    def pause(self, turn: Turn, state: TourState) -> None:
        """Put the tour aside (for a flowchart check): ``start`` resumes it."""
        self._send(turn, state, "pause")

    # --- typed words and buttons --------------------------------------------------------

    def typed(self, turn: Turn, state: TourState, intent: Intent | None, text: str) -> bool:
        """Act on typed text; False when it is not for the tour (a question, say)."""
        if intent is Intent.BACK:
            self.back(turn, state)
        elif intent is Intent.STOP:
            self.stop(turn, state)
        elif intent is Intent.INDUCTION:  # "induction", "how am I doing", "my record"
            turn.say(self._progress(state))
            self.where_now(turn, state)
        elif intent in (Intent.NEXT, Intent.YES) and state.at in ("reading", "acknowledging"):
            self._send(turn, state, "proceed" if state.at == "reading" else "acknowledge")
        elif state.at in CHECKS and (option := self.option_named(text, state)) is not None:
            self.answer(turn, state, option)
        elif state.at in CHECKS and intent is None and self.attempts_an_answer(text):
            turn.say(Reply(text=self.texts.induction_unmatched))  # neither marked nor looked up
            self.where_now(turn, state)
        else:
            return False
        return True

    def pressed(self, turn: Turn, state: TourState, value: ChoiceValue) -> bool:
        """Act on a current tour button; False for one the tour cannot take here (stale)."""
        if value.verb is Verb.OPTION:
            number = small_number(value.arg)
            if state.at not in CHECKS or number is None:
                return False
            self.answer(turn, state, number)
            return True
        if value.arg not in MOVES.get(state.at, frozenset()):
            return False
        moves = {"next": "proceed", "acknowledge": "acknowledge"}
        if value.arg == "back":
            self.back(turn, state)
        elif value.arg == "stop":
            self.stop(turn, state)
        else:
            self._send(turn, state, moves[value.arg])
        return True

    def option_named(self, text: str, state: TourState) -> int | None:
        """The option (from 0) a typed answer names: its number ("2", "option 2", "the 2nd
        one", "b") or its own words, whole or nearly, so an answer typed instead of pressed
        is taken as one rather than read as a policy question."""
        options = [o.text for o in self._chapter(state).check.options]
        words = plain_words(text)
        opening = plain_words(_CLAUSE_END.split(text, maxsplit=1)[0])  # "the second one - ..."
        for part in (words, opening):
            if (number := named_number(part, self.option_words)) is not None:
                return number - 1
        found = option_in_words(words, options)
        if found is None and not self._asks(text):  # a question typed at a check is answered instead
            found = option_like(self._stems(text), [self._stems(o) for o in options])
        return found

    def attempts_an_answer(self, text: str) -> bool:
        """A statement of a few words that asks nothing ("theyd have to sue the council not
        me"): the starter's answer in their own words, though it names no option."""
        return len(plain_words(text)) >= ATTEMPT_WORDS and not self._asks(text)

    def _asks(self, text: str) -> bool:
        """A question typed at a check: a question mark, or a way of asking the bot in its
        opening words ("do i need...", "can i..."); "do it from home" and "dont log in, im not
        authorised" are answers."""
        opening = " ".join(plain(text).split()[:BOT_QUESTION_WORDS])
        return "?" in text or says(opening, self.bot_questions)

    def _stems(self, text: str) -> set[str]:
        return {word(w) for w in self.analyzer.words(text)}

    def answer(self, turn: Turn, state: TourState, option: int) -> None:
        """An answer to the chapter's check: right, wrong (one more try), or the answer shown."""
        options = self._chapter(state).check.options
        if not 0 <= option < len(options):
            self.where_now(turn, state)
        elif options[option].correct:
            self._send(turn, state, "right", option=option)
        else:
            self._send(turn, state, "wrong" if state.at == "checking" else "reveal", option=option)

    def back(self, turn: Turn, state: TourState) -> None:
        if not self._send(turn, state, "back"):
            turn.say(Reply(text=self.texts.induction_first_chapter))
            self.where_now(turn, state)

    def stop(self, turn: Turn, state: TourState) -> None:
        self._send(turn, state, "pause")
        turn.say(Reply(text=self.texts.induction_paused))

    def _chapter(self, state: TourState) -> Chapter:
        return self.chapters[state.chapter]

    def _record(
        self, turn: Turn, state: TourState, *, finished: bool = False, score: int | None = None
    ) -> InductionRecord:
        incoming = turn.incoming
        return InductionRecord(
            user=incoming.user,
            user_name=incoming.user_name,
            channel=incoming.channel,
            started_at=state.started_at,
            finished_at=timestamp(turn.now) if finished else None,
            score=score,
            out_of=len(self.chapters),
            acknowledged=finished,
            content_version=self.version,
        )

    # --- what the officer sees ----------------------------------------------------------

    def where_now(self, turn: Turn, state: TourState) -> None:
        if state.at == "reading":
            turn.say(self._reading(state))
        elif state.at in CHECKS:
            turn.say(self._check(state))
        elif state.at == "acknowledging":
            turn.say(self._summary(state))

    def _button(self, label: str, verb: Verb, state: TourState, arg: str = "") -> Choice:
        return self.present.step_choice(label, verb, state.stamp, arg)

    def _reading(self, state: TourState) -> Reply:
        chapter = self._chapter(state)
        title = self.texts.induction_chapter.format(
            number=state.chapter + 1, total=len(self.chapters), title=chapter.title
        )
        choices = [self._button(self.labels.continue_, Verb.TOUR, state, "next")]
        if state.chapter:
            choices.append(self._button(self.labels.back, Verb.TOUR, state, "back"))
        choices.append(self._button(self.labels.stop, Verb.TOUR, state, "stop"))
        quotes = tuple(self.present.cite(c) for c in chapter.cites)
        return Reply(title=title, text=chapter.text, quotes=quotes, choices=tuple(choices))

    def _check(self, state: TourState) -> Reply:
        check = self._chapter(state).check
        choices = [self._button(o.text, Verb.OPTION, state, str(n)) for n, o in enumerate(check.options)]
        choices.append(self._button(self.labels.back, Verb.TOUR, state, "back"))
        text = f"{self.texts.induction_check}\n{check.question}"
        lines = [f"{n}. {o.text}" for n, o in enumerate(check.options, 1)]
        return Reply(text="\n".join([text, *lines]), choices=tuple(choices))

    def _progress(self, state: TourState) -> Reply:
        """How far the officer has got, and that the record is kept for their manager."""
        done = [c for c in self.chapters if c.id in state.results]
        right = sum(state.results[c.id] for c in done)
        if not done:
            text = self.texts.induction_progress_start.format(
                number=state.chapter + 1, total=len(self.chapters)
            )
            return Reply(text=text)
        text = self.texts.induction_progress.format(
            number=state.chapter + 1, total=len(self.chapters), right=right, answered=len(done)
        )
        return Reply(text=text)

    def _summary(self, state: TourState) -> Reply:
        results = state.results
        right = sum(results.get(c.id, False) for c in self.chapters)
        parts = [self.texts.induction_score.format(right=right, total=len(self.chapters))]
        reread = [f"• {c.title}" for c in self.chapters if not results.get(c.id, False)]
        parts += [self.texts.induction_reread, *reread] if reread else [self.texts.induction_all_right]
        parts += ["", self.texts.induction_ack_prompt]
        choices = (
            self._button(self.labels.acknowledge, Verb.TOUR, state, "acknowledge"),
            self._button(self.labels.back, Verb.TOUR, state, "back"),
        )
        return Reply(text="\n".join(parts), choices=choices)


_CLAUSE_END = re.compile(r"[,;:.!?(\u2013\u2014]|\s-\s|\s+because\s")


def named_number(words: list[str], names: OptionWords) -> int | None:
    """The one option number the words name, every other word a filler; "one" counts only
    when nothing else names a number ("the second one")."""
    ordinals = {w: n for n, ws in enumerate(names.ordinals, 1) for w in ws}
    fillers = set(names.fillers)
    named: set[int] = set()
    for w in words:
        if w.isascii() and w.isdigit() and len(w) <= 2:
            named.add(int(w))
        elif w in ordinals and not (w in fillers and len(words) > 1):
            named.add(ordinals[w])
        elif w not in fillers:
            return None
    if not named and "one" in words and ordinals.get("one"):
        named.add(ordinals["one"])
    return named.pop() if len(named) == 1 else None


def option_in_words(words: list[str], options: list[str]) -> int | None:
    """The option whose words hold nearly all of a typed answer of three words or more (four
    in five), when exactly one does: "deleted quickly so nothing to worry about"."""
    if len(words) < 3:
        return None
    typed = set(words)
    fits = [n for n, o in enumerate(options) if len(typed & set(plain_words(o))) * 5 >= len(typed) * 4]
    return fits[0] if len(fits) == 1 else None


LIKE_ENOUGH = 1.5  # the weight of the words an answer shares with an option to be taken as it
LIKE_LEAD = 2.0  # how many times the next option's weight the best must have
FUZZY = 5  # words of at least this many letters that start alike are taken as one ("personaly")


def option_like(words: set[str], options: list[set[str]]) -> int | None:
    """The option an answer in the new starter's own words says, when one clearly does
    ("defamation law applies online so they could sue me personaly"): each word shared with an
    option weighs one over the number of options holding it, so words every option has ("the",
    "it") count for little and the words that tell the options apart count most."""

    def holds(option: set[str], w: str) -> bool:
        alike = len(w) >= FUZZY and any(len(o) >= FUZZY and o[:FUZZY] == w[:FUZZY] for o in option)
        return w in option or alike

    held = {w: [n for n, o in enumerate(options) if holds(o, w)] for w in words}
    weights = [sum(1 / len(held[w]) for w in words if n in held[w]) for n in range(len(options))]
    ranked = sorted(range(len(options)), key=lambda n: -weights[n])
    best = ranked[0] if ranked else None
    if best is None or weights[best] < LIKE_ENOUGH:
        return None
    second = weights[ranked[1]] if len(ranked) > 1 else 0.0
    return best if weights[best] >= LIKE_LEAD * second else None


def small_number(text: str) -> int | None:
    """An option number typed or pressed: ASCII digits only ("²" or "፩" are digits to
    ``str.isdigit`` but not to ``int``), and short."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 3:
        return int(text)
    return None
