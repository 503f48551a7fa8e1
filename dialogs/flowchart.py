"""The flowchart walk: the response-decision flowchart as a strict state machine, and what the
officer sees at each of its states.

Every question and every outcome of ``content/flowchart.yaml`` is a state; ``note`` (waiting
for the officer's optional note before a record is sent) and ``ended`` are states too. Answers,
going back, asking for a record, sending it and stopping are events; which way "back" goes is a
guard on the path so far. Entering a state says what the officer sees there, so a reply can
never disagree with where the walk is. The machine is rebuilt each turn on the stored
``WalkState``: nothing is pickled.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import Field
from statemachine import State, StateMachine
from statemachine.transition_list import TransitionList

from bot.core.choices import ChoiceValue
from bot.core.content.models import Content, Flowchart
from bot.core.messages import DecisionRecord, Reply, Suggestion, timestamp
from bot.core.present import Presenter
from bot.core.text import clean, first_link, phrases, plain, plain_words, says
from bot.core.turn import Turn
from bot.core.vocabulary import Intent, Verb
from dialogs.draft import DraftState, DraftSteps
from dialogs.machine import FlowRun, Runner

ANSWERS = ("yes", "no")  # the flowchart's own branches
REPLIES = (*ANSWERS, "unsure")  # what an officer may answer: "unsure" means what content says
REQUEST_WITH_DETAILS = 12  # a request for the record this long carries its details: kept as the note
DETAIL_WORDS = 8  # words before a note cue that are details of their own, kept in the note
NOTE_WORDS = 2  # the fewest words after "add a note that" taken as the record's note
ATTEMPT_WORDS = 3  # a shorter message at a question is an attempt at an answer, not a question
NOTE = "note"
ENDED = "ended"
NOTE_LIMIT = 4000  # as long as a message may be, so a pasted post is never cut short in silence
BOT_QUESTION_WORDS = 5  # how far into a message at the note step a way of asking the bot is looked for


class WalkState(FlowRun):
    """One walk, as stored; its machine reads and writes ``at``: a question, an outcome,
    ``note`` or ``ended``."""

    LAST = ENDED

    path: list[tuple[str, str]] = Field(default_factory=list)  # (question, answer) so far
    from_alert: bool = False  # started by the safety alert's button: its first "yes" was never typed
    outcome: str | None = None  # the outcome reached, kept while at ``note``
    hinted: str | None = None  # the question whose "not sure" hint was just given
    draft: DraftState | None = None  # a suggested reply under way at the outcome
    # A first read of the post the walk started from: question -> (answer, the words behind
    # it). Kept only while the walk lasts.
    suggestions: dict[str, tuple[str, str]] | None = None
    # The post the walk started from, as pasted: held only while the walk lasts, so that a
    # record the officer sends carries it (the team cannot weigh a threat they cannot see);
    # dropped at an outcome that sends no record.
    post: str | None = None

    def suggestion(self) -> Suggestion | None:
        """What the first read suggests at the pending question, if anything."""
        found = (self.suggestions or {}).get(self.at)
        return Suggestion(*found) if found else None


def build_machine(chart: Flowchart) -> type[StateMachine]:
    """The machine class for this flowchart; python-statemachine validates it on creation."""
    states = {q.id: State(q.id, value=q.id, initial=q.id == chart.start) for q in chart.questions}
    states |= {o.id: State(o.id, value=o.id) for o in chart.outcomes}
    # (ids from content: a State's own id is given only when the machine class is made)
    escalating = [o.id for o in chart.outcomes if o.escalate != "no"]
    # Not final: a final state would end the machine, which serves every conversation (see
    # dialogs/machine.py); an ended walk is dropped by the router, or can start over.
    ended = State(ENDED, value=ENDED)
    questions = [states[q.id] for q in chart.questions]
    events: dict[str, Any] = {
        answer: _any(states[q.id].to(states[getattr(q, answer)], on="remember") for q in chart.questions)
        for answer in ANSWERS
    }
    back = [
        states[getattr(q, answer)].to(states[q.id], cond=_came_from(q.id), on="forget")
        for q in chart.questions
        for answer in ANSWERS
    ]
    events["unsure"] = _any(_unsure(chart, states))
    events["lean"] = _any(_unsure(chart, states, leaning=True))
    events["stop"] = _any(s.to(ended, on="say_stopped") for s in states.values())
    events["restart"] = _any(q.to(states[chart.start], on="reset") for q in [*questions, ended])
    if escalating:
        note = State(NOTE, value=NOTE)
        back += [note.to(states[o], cond=_reached(o)) for o in escalating]
        events["record"] = _any(states[o].to(note) for o in escalating)
        events["cancel"] = _any(note.to(states[o], cond=_reached(o), on="say_cancelled") for o in escalating)
        events["submit"] = note.to(ended, on="send_record")
        states[NOTE] = note
    events["back"] = _any(back)
    return type("ResponseFlowchart", (StateMachine,), {**states, ENDED: ended, **events})


def _unsure(chart: Flowchart, states: dict[str, State], *, leaning: bool = False) -> list[TransitionList]:
    """ "Not sure" at each question: take its branch at once, or give its hint the first time
    and take the branch at a second "not sure" (both from content). ``leaning``: a hedge that
    leans against the branch ("don't think so" where unsure means yes), which is asked to be
    confirmed first where content says how."""
    transitions = []
    for question in chart.questions:
        here, unsure = states[question.id], question.unsure
        branch = states[getattr(question, unsure.branch)]
        if unsure.hint is not None:
            transitions.append(here.to(here, cond=_not_hinted(question.id), on="give_hint"))
        elif leaning and unsure.leaning is not None:
            transitions.append(here.to(here, cond=_not_hinted(question.id), on="give_leaning"))
        transitions.append(here.to(branch, on=["say_unsure", "remember"]))
    return transitions


def _not_hinted(question: str) -> Callable[[WalkState], bool]:
    def not_hinted(flow: WalkState) -> bool:
        return flow.hinted != question

    not_hinted.__name__ = f"not_hinted_{question}"
    return not_hinted


def _any(transitions: Iterable[TransitionList]) -> TransitionList:
    """One event from several transitions (python-statemachine joins them with ``|``)."""
    listed = list(transitions)
    combined = listed[0]
    for transition in listed[1:]:
        combined = combined | transition
    return combined


def _came_from(question: str) -> Callable[[WalkState], bool]:
    """Guard for "back": it returns to the question answered last, whichever led here."""

    def came_from(flow: WalkState) -> bool:
        return bool(flow.path) and flow.path[-1][0] == question

    came_from.__name__ = f"came_from_{question}"
    return came_from


def _reached(outcome: str) -> Callable[[WalkState], bool]:
    """Guard for leaving the note step: back to the outcome the walk reached."""

    def reached(flow: WalkState) -> bool:
        return flow.outcome == outcome

    reached.__name__ = f"reached_{outcome}"
    return reached


REPLY_WORDS = 8  # the longest reply, or opening clause of one, read as a yes, no or unsure
HEDGED_WORDS = 30  # a longer reply that hedges, and is no question, is still read as unsure
CLOSING_WORDS = 3  # the longest closing clause read as the answer ("checked the account, no")
# where a reply's clauses end: "yes, she says..." / "no - it's..." / "...abusive really so no"
_CLAUSE_END = re.compile(r"[,;:.!?(\u2013\u2014]|\s-\s|\s+but\s|\s+so\s(?=\S+\s*$)")
_REPEATS = re.compile(r"(.)\1+")  # "yesss", "nooo"
# The answer a reply concludes with, after its reason: "... nobody's in danger so no",
# "prob a troll then yeah".
_CONCLUSION = re.compile(
    r"\b(?:so|then|gonna say|going to say|i'?ll say|i'?d say|going with|i'?ll go with)"
    r"\s+((?:\S+\s*){1,3})$",
    re.IGNORECASE,
)


def mermaid(chart: Flowchart) -> str:
    """The questions and outcomes as a Mermaid diagram, read from the machine's own answer
    transitions (back, record and stop are left out: they would hide the decisions)."""
    machine = build_machine(chart)
    lines = ["stateDiagram-v2", "    direction LR", f"    [*] --> {chart.start}"]
    lines += [f"    {o.id} --> [*]" for o in chart.outcomes]
    for state in machine.states:
        for transition in state.transitions:
            for event in transition.events:
                if str(event) in ANSWERS and transition.source is state:
                    lines.append(f"    {state.id} --> {transition.target.id} : {str(event).capitalize()}")
    return "\n".join(lines) + "\n"


class WalkDialog:
    """Walks an officer through the flowchart: the machine decides every move; this class
    turns typed words and buttons into its events and says what each state shows."""

    def __init__(self, content: Content, present: Presenter) -> None:
        self.present = present
        self.chart = content.flowchart
        self.machine = build_machine(content.flowchart)
        self.runner = Runner(self.machine, self)
        self.outcomes = {o.id: o for o in content.flowchart.outcomes}
        self.questions = frozenset(q.id for q in content.flowchart.questions)
        self.chart_questions = {q.id: q for q in content.flowchart.questions}
        self.drafts = DraftSteps(content, present)
        words = content.messages.words
        self.replies = {
            "yes": phrases(words.yes),
            "no": phrases(words.no),
            "unsure": phrases(words.unsure),
        }
        self.bot_questions = phrases(content.messages.bot_questions)
        self.emoji = content.messages.emoji
        self.doubts = phrases(content.messages.doubts)
        corrections = sorted(content.messages.corrections, key=len, reverse=True)
        pattern = "|".join(rf"\b{re.escape(c)}\b" for c in corrections)
        self.correction = re.compile(pattern, re.IGNORECASE) if corrections else None
        cues = sorted(content.messages.note_cues, key=len, reverse=True)
        pattern = "|".join(rf"\b{re.escape(c)}" for c in cues)
        self.note_cue = re.compile(pattern, re.IGNORECASE) if cues else None
        self.note_marker = content.messages.note_marker.strip().lower()
        leaning = content.messages.leaning
        self.leanings = {"no": phrases(leaning.get("no", [])), "yes": phrases(leaning.get("yes", []))}
        self.cues = frozenset(plain(c) for c in content.matching.parts.cues)  # how questions open
        # one-word answers, which a reply may stretch ("nooo")
        self.openers = frozenset(p for a in ANSWERS for p in self.replies[a] if " " not in p)
        fillers = "|".join(
            r"\s+".join(map(re.escape, f.split())) for f in phrases(content.messages.answer_fillers)
        )
        # "honestly, yes": the fillers an answer opens with, set aside before it is read
        self.fillers_at_start = (
            re.compile(rf"^\W*(?:(?:{fillers})\b[\W_]*)+", re.IGNORECASE) if fillers else re.compile("(?!)")
        )

    # --- the machine ------------------------------------------------------------------

    def _send(self, turn: Turn, state: WalkState, event: str, **values: Any) -> bool:
        """Send ``event``; False (and nothing changed) where the flowchart does not allow it."""
        return self.runner.send(state, event, turn=turn, **values)

    def remember(self, flow: WalkState, source: State, target: State, event: str, turn: Turn) -> None:
        flow.path.append((source.id, "unsure" if str(event) == "lean" else str(event)))
        if target.id in self.outcomes:
            flow.outcome = turn.outcome_logged = target.id
            if self.outcomes[target.id].escalate == "no":
                flow.post = None  # no record can carry it: it is not kept

    def forget(self, flow: WalkState) -> None:
        flow.path.pop()
        flow.outcome = None
        flow.from_alert = flow.from_alert and bool(flow.path)  # back to the first question: answer it

    def reset(self, flow: WalkState, turn: Turn) -> None:
        flow.path, flow.outcome, flow.from_alert = [], None, False
        turn.say(self.present.text("restarted"), self.present.text("walk_intro"))

    def say_stopped(self, turn: Turn) -> None:
        turn.say(self.present.text("stopped"))

    def say_cancelled(self, turn: Turn) -> None:
        turn.say(self.present.text("record_cancelled"))

    def before_transition(self, flow: WalkState) -> None:
        flow.moves += 1
        flow.hinted, flow.draft = None, None

    def give_hint(self, flow: WalkState, source: State, turn: Turn) -> None:
        flow.hinted = source.id
        turn.say(Reply(text=self.chart_questions[source.id].unsure.hint or ""))

    def give_leaning(self, flow: WalkState, source: State, turn: Turn) -> None:
        flow.hinted = source.id
        turn.say(Reply(text=self.chart_questions[source.id].unsure.leaning or ""))

    def say_unsure(self, source: State, turn: Turn) -> None:
        turn.say(Reply(text=self.chart_questions[source.id].unsure.say))

    def on_enter_state(self, flow: WalkState | None = None, turn: Turn | None = None) -> None:
        if flow is not None and turn is not None:  # not when the machine is first built
            if flow.at in self.outcomes and (
                overruled := self.present.overruled(flow.path, flow.suggestions)
            ):
                turn.say(overruled)  # before the steps, once, as the outcome is reached
            self.where_now(turn, flow)

    # --- entry and position ------------------------------------------------------------

    def start(
        self, turn: Turn, read: dict[str, Suggestion] | None = None, post: str | None = None
    ) -> WalkState:
        """A new walk at the first question, with its own run id; ``read``: what a first read
        of the officer's ``post`` suggests at each question."""
        state = WalkState(run=secrets.token_hex(3), at=self.chart.start)
        state.post = clean(post, limit=NOTE_LIMIT)[0] if post else None
        if read is not None:
            state.suggestions = {q: (s.answer, s.reason) for q, s in read.items()}
        turn.say(self.present.text("walk_intro" if read is None else "walk_intro_read"))
        self.where_now(turn, state)
        return state

    def start_urgent(self, turn: Turn, post: str | None = None) -> WalkState:
        """A new walk already at the outcome of "yes" to the first (safety) question, for an
        officer the safety net has alerted: the record is one press away (with the ``post`` of
        the walk it replaces)."""
        state = WalkState(run=secrets.token_hex(3), at=self.chart.start, from_alert=True, post=post)
        self._send(turn, state, "yes")
        return state

    def in_progress(self, state: WalkState) -> bool:
        """At a question or the note step; at an outcome the officer is free to move on."""
        return state.at not in self.outcomes and not state.finished

    def at_question(self, state: WalkState) -> bool:
        return state.at in self.questions

    def where_now(self, turn: Turn, state: WalkState) -> None:
        """Say what the officer sees at the walk's state."""
        if state.at == NOTE:
            turn.say(self.present.record_prompt(state.stamp, with_post=state.post is not None))
        elif state.at in self.outcomes:
            turn.say(
                self.present.outcome(
                    state.at, path=state.path, stamp=state.stamp, from_alert=state.from_alert
                )
            )
        elif not state.finished:
            number = len(state.path) + 1
            turn.say(
                self.present.question(state.at, number=number, stamp=state.stamp, hint=state.suggestion())
            )

    # --- typed words and buttons --------------------------------------------------------

    def typed(self, turn: Turn, state: WalkState, intent: Intent | None, text: str) -> bool:
        """Act on typed text; False when it is not for the walk (a question, say)."""
        if state.at == NOTE:
            if intent is None and self.asks_the_bot(text):
                return False  # "does this go to legal too?": answered, and nothing sent yet
            self.typed_note(turn, state, intent, text)
            return True
        if state.at in self.outcomes:
            return self.typed_at_outcome(turn, state, intent, text)
        if (reply := self.answer_in(intent, text, state.at)) is not None:
            leans = reply == "unsure" and intent is None and self._leans_against(state.at, text)
            return self._send(turn, state, "lean" if leans else reply)
        if intent is None and len(text.split()) <= ATTEMPT_WORDS and "?" not in text:
            turn.say(self.present.text("not_an_answer"))  # an attempt at an answer, not a question
            self.where_now(turn, state)
            return True
        if intent is Intent.RECORD:
            turn.say(self.present.text("record_at_outcome"))
            self.where_now(turn, state)
            return True
        if intent is Intent.WHY:
            self.why(turn, state)
        elif intent is Intent.START_WALK:
            self.where_now(turn, state)
        elif intent in (Intent.BACK, Intent.STOP, Intent.RESTART):
            self.move_or_explain(turn, state, str(intent))
        return intent in (Intent.WHY, Intent.START_WALK, Intent.BACK, Intent.STOP, Intent.RESTART)

    def typed_at_outcome(self, turn: Turn, state: WalkState, intent: Intent | None, text: str) -> bool:
        """The sign-off or comment a draft waits for; "policy" (or "why"), "draft", stop and
        back. False for anything else: the officer has moved on."""
        if intent is None and state.draft is not None and state.draft.awaiting:
            self.drafts.typed(turn, state.draft, state.at, text, state.stamp)
            return True
        draft = state.draft
        if (
            intent is None
            and draft is not None
            and draft.site is None
            and (site := self.drafts.site_named(text))
        ):
            # "council fb page" for the button
            state.draft = self.drafts.sited(turn, draft, state.at, site, text, state.stamp)
            return True
        if draft is not None and draft.site is None and intent in (Intent.YES, Intent.NO, Intent.UNSURE):
            self.drafts.where_again(turn, state.stamp)  # "yes" to "where will you post it?"
            return True
        if intent in (Intent.POLICY, Intent.WHY):
            turn.say(self.present.policy(state.at, stamp=state.stamp))
            return True
        if intent is Intent.DRAFT and self.drafts.offers(state.at):
            self._recheck_before_draft(turn, state)
            state.draft = self.drafts.asked(turn, state.draft, state.at, text, state.stamp)
            return True
        if intent is Intent.DRAFT:  # "draft a reply" where the outcome is not to reply
            outcome = self.outcomes[state.at]
            turn.say(self.present.text("no_draft_here", title=outcome.title, summary=outcome.summary))
            self.where_now(turn, state)
            return True
        if intent is Intent.RECORD and (note := self.note_in_request(text)) is not None:
            return self.noted_at_outcome(turn, state, note)  # "send it, add a note that ..."
        if intent is Intent.RECORD:  # "send it", "send the record"
            return self.pressed_record(turn, state, "")
        if intent is None and (note := self.marked_note(text)) is not None:
            return self.noted_at_outcome(turn, state, note)  # "...comms pls - note: 30+ shares"
        moves = {Intent.STOP: "stop", Intent.BACK: "back"}
        return self._move(turn, state, moves.get(intent) if intent is not None else None)

    def note_given(self, text: str) -> str | None:
        """The note in a request for the record: what follows the first note cue ("...add a
        note that the same account had a go at cllr hughes"), when a few words do."""
        found = self.note_cue.search(text) if self.note_cue is not None else None
        note = text[found.end() :].strip(" :,-") if found else ""
        if found is None or len(note.split()) < NOTE_WORDS:
            return None
        return self._with_details(text, found.start(), note)

    def note_in_request(self, text: str) -> str | None:
        """The note a request for the record carries: after a cue or the marker, or, in a
        request long enough to hold details ("ok send it to comms. account is..., posted at
        ..."), the whole message, so nothing the officer wrote is lost."""
        given = self.note_given(text) or self.marked_note(text)
        if given is None and len(plain_words(text)) >= REQUEST_WITH_DETAILS:
            return f"{self.note_marker} {text.strip()}"
        return given

    def marked_note(self, text: str) -> str | None:
        """The note after the note marker anywhere in a message ("flag it to comms - note: 30+
        shares"), or the whole message when it opens with the marker."""
        at = text.lower().find(self.note_marker)
        note = text[at + len(self.note_marker) :].strip() if at >= 0 else ""
        return self._with_details(text, at, note) if note else None

    def _with_details(self, text: str, at: int, note: str) -> str:
        """The note, or the whole message where details come before the cue too ("send the
        record - the tweet is twitter.com/.../1799, reply at 15:02. Note: she is 84"): a link
        or a few words of detail are never dropped from a record."""
        before = text[:at]
        whole = first_link(before) is not None or len(plain_words(before)) >= DETAIL_WORDS
        return f"{self.note_marker} {text.strip() if whole else note}"

    def send_noted(self, turn: Turn, state: WalkState, note: str) -> bool:
        """At the note step, the note the officer already gave with their request."""
        return state.at == NOTE and self._send(turn, state, "submit", note=self._unmarked(note))

    def _recheck_before_draft(self, turn: Turn, state: WalkState) -> None:
        """As a draft starts, the "before you act" line again, where a No was given that the
        first read disagreed with: a friendly draft under "vote for her in May" is the risk."""
        if state.draft is None and (overruled := self.present.overruled(state.path, state.suggestions)):
            turn.say(overruled)

    def noted_at_outcome(self, turn: Turn, state: WalkState, text: str) -> bool:
        """ "note: he has posted twice before" typed at the outcome: the record sent with that
        note, where the outcome sends one; where it does not, said so. Never a new check."""
        outcome = self.outcomes.get(state.outcome or "")
        if outcome is None or outcome.escalate == "no":
            return self.pressed_record(turn, state, "")
        said = len(turn.replies)
        if not self._send(turn, state, "record"):
            return False
        del turn.replies[said:]  # the note step's prompt: the note is already here
        return self._send(turn, state, "submit", note=self._unmarked(text))

    def answer_in(self, intent: Intent | None, text: str, question: str | None = None) -> str | None:
        """The answer typed at a question: a word the officer may type ("yes", "not sure"),
        else the answer in their own words (``read_reply``), else ``None``. ``question``: the
        question waiting, where it matters (where not sure means yes, "not sure, so no" is
        not sure)."""
        if intent in (Intent.YES, Intent.NO, Intent.UNSURE):
            return str(intent)
        return self.read_reply(self._emoji_read(text), question) if intent is None else None

    def _emoji_read(self, text: str) -> str:
        """The reply with its emoji as words ("👎" is "no"), which the reading would drop."""
        for emoji, words in self.emoji.items():
            text = text.replace(emoji, f" {words} ")
        return text

    def read_reply(self, text: str, question: str | None = None) -> str | None:
        """An answer in the officer's own words. A short reply, or the opening clause of a
        longer one ("yes, she says she'll come round"), is read as ``_short_reply`` reads it;
        a longer reply that hedges ("there's a risk but I don't know how serious") is unsure
        unless it is a question; failing both, a short closing clause after the reason
        ("checked, it's a normal account, no"). Anything else is a question or a description."""
        text = self._unfilled(text)
        words = plain(text).split()
        if not words:
            return None
        if (corrected := self._corrected(text, question)) is not None:
            return corrected  # "no wait yes, the graffiti is a slur"
        if (concluded := self._concluded(text, question)) is not None:
            return concluded
        clauses = [c for c in _CLAUSE_END.split(text) if c.strip()]
        opening = plain(clauses[0]).split() if clauses else []
        for part in (words, opening):
            if 0 < len(part) <= REPLY_WORDS and (reply := self._short_reply(part)) is not None:
                return reply
        asks = self.asks(text)
        # "prob just hot air tbh, hes upset. no?": a hedge with a question mark is still a
        # hedge; only a message that opens like a question ("can I...?") is a question
        if len(words) <= HEDGED_WORDS and words[0] not in self.cues and self._hedges(words):
            return "unsure"
        if len(words) <= HEDGED_WORDS and not asks and (reply := self._short_reply(words)) is not None:
            return reply  # a longer reply that opens with the answer, no comma after it
        closing = plain(clauses[-1]).split() if len(clauses) > 1 and not asks else []
        if 0 < len(closing) <= CLOSING_WORDS and (reply := self._short_reply(closing)) is not None:
            return reply  # the answer after the reason: "checked, it's a normal account, no"
        return None

    def _corrected(self, text: str, question: str | None) -> str | None:
        """The answer after the officer takes back the one they began ("no wait yes", "yes
        actually no", "no - oh wait, it's got his reg plate in the photo. yes then"): what
        follows the last correction word that is followed by an answer, read as written (so
        its closing clause still counts)."""
        if self.correction is None:
            return None
        for found in reversed(list(self.correction.finditer(text))):
            rest = text[found.end() :].strip(" ,.-:;!")
            if rest and (reply := self.read_reply(rest, question)):
                return reply
        return None

    def _concluded(self, text: str, question: str | None) -> str | None:
        """A plain yes or no the reply ends on after "so" or "then", whatever hedged reason
        came before ("tenancy fraud i suppose, but nobody's in danger so no"); a hedged
        conclusion ("so probably") or a question ("so no?") is read as usual. Where not sure
        means yes (safety first), an officer who says they do not know ("not sure, so no")
        is not sure (``messages.yaml`` ``doubts``)."""
        found = _CONCLUSION.search(text.strip().rstrip(".!"))
        if found is None or "?" in found.group(0):  # "so no?" asks; "fraud?? ... gonna say no" concludes
            return None
        unsure = self.chart_questions[question].unsure if question in self.chart_questions else None
        if unsure is not None and unsure.take == "yes" and says(text, self.doubts):
            return None
        reply = self._short_reply(plain(found.group(1)).split())
        return reply if reply in ANSWERS else None

    def asks(self, text: str) -> bool:
        """Whether a message is a question: a question mark, or a cue ("can", "should") first."""
        words = plain(text).split()
        return "?" in text or (bool(words) and words[0] in self.cues)

    def _unfilled(self, text: str) -> str:
        """The reply without the words it opens with before the answer ("honestly, yes it
        feels like stalking", "ok so no"), unless nothing would be left."""
        found = self.fillers_at_start.match(text)
        rest = text[found.end() :] if found else text
        return rest if rest.strip() else text

    def _short_reply(self, words: list[str]) -> str | None:
        """A hedge anywhere ("yes probably", "hmm a bit of both tbh") is unsure; otherwise a
        reply that opens with a yes or a no ("no it's a compliment", "yesss") is that answer."""
        if self._hedges(words):
            return "unsure"
        first = _REPEATS.sub(r"\1", words[0])
        padded = f" {' '.join([first, *words[1:]] if first in self.openers else words)} "
        # the longest opener wins: "definitely not" is a no, though "definitely" is a yes;
        # "y" or "n" alone are answers, but not "y do you ask"
        opens = [
            (len(p), a)
            for a in ANSWERS
            for p in self.replies[a]
            if len(p) > 1 and padded.startswith(f" {p} ")
        ]
        return max(opens)[1] if opens else None

    def _leans_against(self, question: str, text: str) -> bool:
        """A hedge leaning away from the branch this question's unsure takes ("probably not"
        where unsure means yes). "i don't think so" holds "think so": a lean towards no is
        looked for first."""
        unsure = self.chart_questions[question].unsure
        leans = next((a for a in ("no", "yes") if says(text, self.leanings[a])), None)
        return unsure.leaning is not None and leans is not None and leans != unsure.take

    def _hedges(self, words: list[str]) -> bool:
        return says(" ".join(words), self.replies["unsure"])

    def _move(self, turn: Turn, state: WalkState, event: str | None) -> bool:
        return event is not None and self._send(turn, state, event)

    def typed_note(self, turn: Turn, state: WalkState, intent: Intent | None, text: str) -> None:
        """At the note step anything typed is the note, except stop, back and skip."""
        if intent is Intent.STOP:
            self._send(turn, state, "cancel")
        elif intent is Intent.BACK:
            self._send(turn, state, "back")
        else:
            note = None if intent in (Intent.SKIP, Intent.RECORD) else self._unmarked(text)
            self._send(turn, state, "submit", note=note)

    def asks_the_bot(self, text: str) -> bool:
        """A question for the bot, not a note: it asks, and opens (within its first words)
        with a way of asking the bot (``messages.yaml`` ``bot_questions``: "do I", "can you"),
        and does not start with the note marker."""
        if text.strip().lower().startswith(self.note_marker):
            return False
        opening = " ".join(plain(text).split()[:BOT_QUESTION_WORDS])
        return self.asks(text) and says(opening, self.bot_questions)

    def _unmarked(self, text: str) -> str:
        """The note without the marker that says it is one ("note: can you fix my bin?")."""
        stripped = text.strip()
        if stripped.lower().startswith(self.note_marker):
            return stripped[len(self.note_marker) :].strip() or stripped
        return text

    def move_or_explain(self, turn: Turn, state: WalkState, event: str) -> None:
        """Back at the first question has nowhere to go: say so and ask it again."""
        if not self._send(turn, state, event):
            turn.say(self.present.text("first_question"))
            self.where_now(turn, state)

    def why(self, turn: Turn, state: WalkState) -> None:
        if state.at in self.outcomes or state.at == NOTE:
            self.where_now(turn, state)
        else:
            turn.say(self.present.why(state.at))
            self.where_now(turn, state)

    def pressed(self, turn: Turn, state: WalkState, value: ChoiceValue) -> bool:
        """Act on a current step button; False for one the walk cannot take here (stale)."""
        if value.verb is Verb.ANSWER:
            return value.arg in REPLIES and self._send(turn, state, value.arg)
        if value.verb is Verb.BACK and not value.arg:
            self.move_or_explain(turn, state, "back")
            return True
        if value.verb is Verb.WHY and not value.arg:
            self.why(turn, state)
            return True
        if value.verb is Verb.STOP and not value.arg:
            return self._send(turn, state, "stop")
        if value.verb is Verb.RECORD:
            return self.pressed_record(turn, state, value.arg)
        if value.verb is Verb.POLICY and not value.arg and state.at in self.outcomes:
            turn.say(self.present.policy(state.at, stamp=state.stamp))
            return True
        if value.verb is Verb.DRAFT and self.drafts.offers(state.at):
            return self.pressed_draft(turn, state, value.arg)
        return False

    def pressed_draft(self, turn: Turn, state: WalkState, arg: str) -> bool:
        """A step of "Draft a reply"; the walk stays at its outcome."""
        self._recheck_before_draft(turn, state)
        made = self.drafts.pressed(turn, state.draft, state.at, arg, state.stamp)
        if made is None:
            return False
        state.draft = made
        return True

    def pressed_record(self, turn: Turn, state: WalkState, arg: str) -> bool:
        outcome = self.outcomes.get(state.outcome or "")
        if outcome is None:
            return False
        if outcome.escalate == "no":
            turn.say(self.present.no_record_here(outcome.id, state.stamp))
            return True
        if state.at == NOTE and not arg:
            self.where_now(turn, state)
            return True
        events = {"": "record", "send": "submit", "cancel": "cancel"}
        return arg in events and self._send(turn, state, events[arg], note=None)

    # --- the record -------------------------------------------------------------------

    def send_record(self, flow: WalkState, turn: Turn, note: str | None) -> None:
        """Send the record; the walk then ends, so no old button can send it again."""
        note = clean(note, limit=NOTE_LIMIT)[0] if note else None
        outcome = self.outcomes[flow.outcome or ""]
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
            path=tuple(flow.path),
            from_alert=flow.from_alert,
            comment=self.present.record_comment(note, flow.post),
            link=first_link(note or "") or first_link(flow.post or ""),
        )
        turn.send_record(record, self.present.record_notice(record))
        turn.say(self.present.record_sent(record))
