"""Decides what a turn does: a flow is active, so it gets the words or the button first;
otherwise the officer is answered from the policy. Commands and buttons each go through one
table."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from bot.core.choices import ChoiceValue, decode
from bot.core.content.models import Content
from bot.core.faq import CHATTER_WORDS, NOT_COVERED, REFER, Decision, FaqMatcher, MatchResult
from bot.core.messages import Incoming, Reply, Suggestion
from bot.core.present import Presenter
from bot.core.safety import DENIAL_GAP, Alarm, SafetyNet
from bot.core.state import ConversationState
from bot.core.text import (
    clean,
    command_word,
    looks_unreadable,
    phrases,
    plain_words,
    quoted_spans,
    says,
    unquoted,
)
from bot.core.triage import Triage
from bot.core.turn import Turn
from bot.core.vocabulary import STEP_VERBS, URGENT, FlowId, Intent, Verb
from dialogs.flowchart import NOTE, WalkDialog, WalkState
from dialogs.induction import CHECKS, TourDialog

INPUT_LIMIT = 4000
COMMAND_LENGTH = 100  # longer than any command word: such text is only ever a question
ASIDES = (Intent.HELP, Intent.MENU, Intent.ASK)  # answered mid-flow, then the step again
ACTING_GAP = 3  # the words after a verb of acting in which its object is looked for ("hide the comment")
POST_WORDS = 6  # the fewest words of a message pasted at a fresh walk's first question read as the post
POLITE = re.compile(r"\s+(?:pls|please|plz|thanks|ta)\s*$", re.IGNORECASE)  # "restart pls" is "restart"
CLAUSES = re.compile(r"[.,;:!?]+|\s[-–—]+\s")  # where a clause of a short message ends
SIDE_PARTS = re.compile(r"(?<=\?)\s+|\s[-–—]+\s|[.;]\s+")  # an answer's parts: a side question is one
SIDE_WORDS = 4  # the fewest words of a side question asked beside an answer
# After "send an urgent record": a few filler words, then a dash, colon or comma before details.
URGENT_DETAILS = re.compile(
    r"(?:\s*\b(?:then|now|pls|please|asap|to comms|for me)\b)*\s*[-–—:,;.]+\s*", re.IGNORECASE
)
URGENT_NOTE_WORDS = 3  # the fewest words of details taken as an urgent record's note
# A record's number, as the bot gives it (eight hex digits), or nearly ("R-D0DED98"): asked
# after, it is looked up, and a mistyped one is said not to be found, never logged as a question.
RECORD_ID = re.compile(r"\bR-[0-9A-F]{6,10}\b", re.IGNORECASE)
FOLLOW_UP_WORDS = 12  # the longest message read as a follow-up to the answer before it
FOLLOW_UP_REST = 4  # words after "where does it say that" or "and if I don't" ("... put one in?")
INSIDE_WORDS = 14  # the longest message read for a command inside it (``messages.yaml`` inside)
OUTCOME_WORDS = 24  # at an outcome, the longest read for a way of asking for its record


class Dialog(Protocol):
    """What the router asks of a flow; each flow's state is its own typed model."""

    def typed(self, turn: Turn, state: Any, intent: Intent | None, text: str) -> bool: ...
    def pressed(self, turn: Turn, state: Any, value: ChoiceValue) -> bool: ...
    def where_now(self, turn: Turn, state: Any) -> None: ...
    def in_progress(self, state: Any) -> bool: ...


@dataclass(frozen=True)
class Slot:
    """A flow's dialog and where its state lives in the conversation."""

    dialog: Dialog
    get: Callable[[ConversationState], Any]


class Router:
    """Channel-independent conversation logic over a ``Turn``; persistence is the engine's."""

    def __init__(
        self,
        *,
        content: Content,
        matcher: FaqMatcher,
        safety: SafetyNet | None = None,
        triage: Triage | None = None,
    ) -> None:
        self.present = Presenter(content)
        self.walk = WalkDialog(content, self.present)
        self.tour = TourDialog(content, self.present)
        self.matcher = matcher
        # phrases only, unless given the classifier
        self.safety = safety or SafetyNet(content.safety, denials=content.messages.denials)
        self.triage = triage  # a first read of a pasted post; without it, no suggestions
        self.flows = {
            FlowId.WALK: Slot(self.walk, lambda s: s.walk),
            FlowId.TOUR: Slot(self.tour, lambda s: s.tour),
        }
        self.walk_context = frozenset(content.flowchart.facets)
        self.denials = frozenset(w for d in content.messages.denials for w in plain_words(d))
        self.about_post = phrases(content.messages.about_a_post)
        self.not_urgent = phrases(content.messages.not_urgent)
        acting = content.messages.acting_on_post
        self.acting = phrases([*acting.phrases, *content.flowchart.asks])
        self.acting_verbs, self.acting_objects = phrases(acting.verbs), phrases(acting.objects)
        self.personal = phrases(content.matching.facets.get("where", {}).get("personal", []))
        self.police = phrases(content.messages.police)
        self.walk_asks = phrases(content.flowchart.asks)  # "what do i do": a request for the check
        chat = content.messages.small_talk
        self.chat_markers = frozenset(chat.markers)
        self.chat_words = self.chat_markers | frozenset(chat.words)
        words = content.messages.words
        self.words = {
            command_word(w): Intent(name) for name in type(words).model_fields for w in getattr(words, name)
        }
        # commands also found inside a short message ("ok thanks, now send the urgent record")
        self.inside_phrases = _phrases(content.messages.inside)
        self.outcome_phrases = _phrases(content.messages.at_outcome)
        # at an outcome its own requests come first ("go on then give me something i can
        # paste" is a draft, not the tour's "go on"), after "don't send it" and the like; by
        # (the message is short, at an outcome and short enough for its requests)
        stops = [(p, i) for p, i in self.inside_phrases if i is Intent.STOP]
        self.stop_words = tuple(p.strip() for p, _ in stops)  # "dont send it": never a request
        request = content.messages.record_request
        self.record_verbs, self.record_objects = phrases(request.verbs), phrases(request.objects)
        self.urgent_words = phrases(request.urgent)
        self.record_elsewhere, self.record_targets = phrases(request.elsewhere), phrases(request.targets)
        # "hang on dont send it, my manager is on the phone" holds at any length at an outcome,
        # and asking after records is read at any length ("did comms get the one about the parks
        # van threat? has anyone picked it up"): those phrases are the officer's own
        names = phrases(request.names)  # in a long message ("picked up the" is a post's)
        records: list[tuple[str, Intent]] = [
            (p, i) for p, i in self.inside_phrases if i is Intent.RECORDS and says(p, names)
        ]
        self.phrase_orders: dict[tuple[bool, bool], list[tuple[str, Intent]]] = {
            (True, True): stops + self.outcome_phrases + self.inside_phrases,
            (True, False): self.inside_phrases,
            (False, True): stops + self.outcome_phrases + records,
            (False, False): records,
        }
        self._inside_last: tuple[str, bool, Intent | None] | None = None
        urgent = sorted(content.messages.inside.get("urgent_record", []), key=len, reverse=True)
        self.urgent_phrase = re.compile(
            "|".join(rf"\b{re.escape(p)}\b" for p in urgent) or "(?!)", re.IGNORECASE
        )
        ups = content.messages.follow_ups
        self.follow_ups = {
            name: phrases(getattr(ups, name)) for name in ("source", "consequence", "openers", "sites")
        }
        self.consequence_entry = ups.consequence_entry

    # --- entry ------------------------------------------------------------------------

    def intent(self, text: str) -> Intent | None:
        return self.words.get(command_word(text))

    def inside(self, text: str, *, at_outcome: bool = False) -> Intent | None:
        """A command inside a short message ("ok thanks, now send the urgent record", "draft
        pls", "my manager said to do the induction"): the first, in content order, found;
        ``at_outcome``, also the ways of asking for its record ("fire that over to comms"), in
        a message up to ``OUTCOME_WORDS`` long. Read once a turn for each ``at_outcome``: the
        engine and the router both ask."""
        if self._inside_last is not None and self._inside_last[:2] == (text, at_outcome):
            return self._inside_last[2]
        found = self._inside(text, at_outcome)
        self._inside_last = (text, at_outcome, found)
        return found

    def _inside(self, text: str, at_outcome: bool) -> Intent | None:
        words = plain_words(text)
        short = len(words) <= INSIDE_WORDS
        if short and (moved := self._clause_move(text)) is not None:
            return moved
        if self._asks_urgently(text):  # "right send an urgent record then - account is ...": any length
            return Intent.URGENT_RECORD
        padded = f" {' '.join(words)} "
        phrases = self.phrase_orders[(short, at_outcome and len(words) <= OUTCOME_WORDS)]
        found = next((intent for phrase, intent in phrases if phrase in padded), None)
        if found is None and at_outcome and len(words) > OUTCOME_WORDS:
            # "ok send it to comms. <a long account of the post>": the request opens the message
            opening = f" {' '.join(plain_words(CLAUSES.split(text, maxsplit=1)[0]))} "
            found = next((i for p, i in self.outcome_phrases if i is Intent.RECORD and p in opening), None)
        long = len(words) > OUTCOME_WORDS
        if found is None and at_outcome and self.asks_for_record(text, opening_only=long):
            found = Intent.RECORD  # "send pls, https://... parent is Lisa Grant": in their own words
        if found is None and not at_outcome and self._asks_for_record_elsewhere(text):
            found = Intent.RECORD  # "i need comms to know about that, can u send it" after a stop
        return found

    def _asks_for_record_elsewhere(self, text: str) -> bool:
        """A record asked for outside an outcome ("i need comms to know about that grooming
        comment, can u send it"): ``record_request`` ``elsewhere`` and ``targets``."""
        if says(text, self.stop_words):
            return False
        return says(text, self.record_elsewhere) and says(text, self.record_targets)

    def _asks_urgently(self, text: str) -> bool:
        """The urgent record asked for: "send an urgent record", or a request in the officer's
        own words with an urgent word ("send it to comms as urgent, <link> - Mo, planning")."""
        if self.urgent_phrase.search(text):
            return True
        return bool(self.urgent_words) and says(text, self.urgent_words) and self.asks_for_record(text)

    def asks_for_record(self, text: str, *, opening_only: bool = False) -> bool:
        """A clause asking for the record in the officer's own words ("send comms a record now
        pls", "make it urgent n send to comms"): a verb and an object of ``record_request``,
        outside quotes, and no "don't send it" (``opening_only``: the first clause alone)."""
        if says(text, self.stop_words):
            return False
        clauses = [c for c in CLAUSES.split(unquoted(text)) if c.strip()]
        return any(
            says(c, self.record_verbs) and says(c, self.record_objects)
            for c in (clauses[:1] if opening_only else clauses)
        )

    def _clause_move(self, text: str) -> Intent | None:
        """A clause of a short message that is "back" (anywhere: "actually wait. back. that
        bit worries me", "go back, i do want to thank them") or "stop" (the last: "phone's
        ringing, cancel") or "restart" (the last: "wrong post pasted, restart pls"); a pasted
        post that opens "Stop." is not stopped by."""
        clauses = [POLITE.sub("", c) for c in CLAUSES.split(text) if c.strip()]
        if len(clauses) < 2:
            return None
        if any(self.intent(c) is Intent.BACK for c in clauses):
            return Intent.BACK
        last = self.intent(clauses[-1])
        return last if last in (Intent.STOP, Intent.RESTART) else None

    def may_start_tour(self, incoming: Incoming, state: ConversationState) -> bool:
        """Whether this turn may start the induction afresh, so the engine loads the officer's
        earlier attempts first (a completion is offered, never overwritten)."""
        if state.tour is not None:
            return False
        asked = self._asks_for(incoming, Verb.INDUCTION, Intent.INDUCTION)
        walking = state.walk is not None and self.walk.in_progress(state.walk)  # the tour waits for it
        if asked or incoming.choice is not None or walking:
            return asked
        # in words: "have I finished my induction?", "started monday, can you take me through it"
        text = clean(incoming.text, limit=INPUT_LIMIT)[0]
        if self.inside(text) is Intent.INDUCTION:
            return True
        return self.matcher.read(text).first.decision is Decision.INDUCTION  # kept for the turn

    def asks_after_records(self, incoming: Incoming) -> bool:
        """Whether the officer asks after the records they sent ("did comms get my record?"),
        so the engine loads them, with where each stands, before the turn."""
        if incoming.choice is not None:
            return False
        return self._about_records(clean(incoming.text, limit=INPUT_LIMIT)[0])

    def _about_records(self, text: str) -> bool:
        """A message about the records the officer sent: one named by its number, or asked after."""
        return RECORD_ID.search(text) is not None or Intent.RECORDS in (self.intent(text), self.inside(text))

    def may_draft(self, incoming: Incoming, state: ConversationState) -> bool:
        """Whether this turn may draft a reply, so the engine loads the officer's remembered
        sign-off first: at an outcome that offers a draft, a draft under way or asked for
        (other turns, such as questions asked after the outcome, read nothing more)."""
        walk = state.walk
        if walk is None or walk.at != walk.outcome or not self.walk.drafts.offers(walk.outcome):
            return False
        return walk.draft is not None or self._asks_for(incoming, Verb.DRAFT, Intent.DRAFT)

    def _asks_for(self, incoming: Incoming, verb: Verb, intent: Intent) -> bool:
        """Whether a button press carries ``verb`` or the typed command is ``intent``, read
        before the state is loaded, from the start of the message only."""
        if incoming.choice is not None:
            value = decode(incoming.choice)
            return value is not None and value.verb is verb
        return self.intent(clean(incoming.text[: COMMAND_LENGTH * 2], limit=COMMAND_LENGTH)[0]) is intent

    def route(self, turn: Turn, state: ConversationState) -> None:
        turn.alerted, state.alerted = state.alerted, None  # held for this one turn only
        if turn.incoming.choice is not None:
            self.press(turn, state, turn.incoming.choice)
        elif turn.incoming.opened and not turn.incoming.text.strip():
            self.aside(turn, state, self.present.greeting() if state.active is None else self.present.help())
        else:
            self.read(turn, state)
        if state.walk is not None and state.walk.finished:
            state.walk = None
        if state.tour is not None and state.tour.finished:
            state.tour = None

    def read(self, turn: Turn, state: ConversationState) -> None:
        text, cut = clean(turn.incoming.text, limit=INPUT_LIMIT)
        if not text and turn.incoming.attachments:
            self.aside(turn, state, self.present.text("attachment_only"))  # a screenshot: ask for words
        elif looks_unreadable(text) or not text:
            self.aside(turn, state, self.present.text("unreadable" if text else "empty"))
        else:
            if cut:
                turn.say(self.present.text("too_long", limit=INPUT_LIMIT))
            # Chatter to the bot ("ok thanks, bye x") is read for the net's phrases only: the
            # classifier's "possible" on a farewell would teach officers to ignore the alert.
            alarm = self.safety.phrases(text) if self.small_talk(text) else self.safety.check(text)
            if alarm is not None and self._answer(state, text) == "no":
                alarm = self.safety.check_denial(text)  # "nah, no threat": the officer rules it out
            # an answer to the waiting question, or the note for a record: the officer's words
            # about a post already checked
            answering = (
                self._answering(state, text, alarm)
                or self._at_note(state)
                or self._own_detail(state)
                or self._about_records(text)  # "scrap the last one i sent pls": no "possible" caution
            )
            if alarm is not None and self._asks_urgently(text):
                # "send an urgent record - she says she'll end it": sent, not asked about
                turn.alarm = alarm.category
                self.typed(turn, state, text)
            elif alarm is None or self._urgent_already(state) or (answering and not alarm.sure):
                self.typed(turn, state, text)  # no caution on "no, it's just wrong"
            elif not alarm.sure or answering:
                at = len(turn.replies)
                self.caution(turn, alarm)  # "yes because of the kid": the alert, then the answer
                self.typed(turn, state, text)
                if self._at_outcome(state) and self._urgent_already(state):
                    # the urgent outcome has its own "send a record": one button, not two
                    turn.replies[at] = replace(turn.replies[at], choices=())
            else:
                self._alarmed(turn, state, alarm, text)

    def _alarmed(self, turn: Turn, state: ConversationState, alarm: Alarm, text: str) -> None:
        """The full alert, first: then the check of the post in the message, or, mid-check, the
        reply to the question beside it, or, out of any check, the answer to the officer's own
        question (the message kept for an urgent record pressed next)."""
        result = self.matcher.match(text)  # once, for the check and the answer after the alert
        post = (
            self.post_to_check(text, result)
            if self._free(state)
            else self._post_for_fresh_walk(state, text)  # "check", then a post with risk
        )
        if post is None and state.active is not None and self.walk.asks(text):
            self._alert_beside_a_question(turn, state, alarm, result, text)
            return
        self.alert(turn, state, alarm, checking=post is not None)
        if post is not None:  # its safety question: yes
            self.start_walk(turn, state, post=post, alarm=alarm, said=text)
        elif state.active is None:
            state.alerted = text  # for the alert's urgent record, if pressed next
            self.also_answer(turn, result, text)

    def _alert_beside_a_question(
        self, turn: Turn, state: ConversationState, alarm: Alarm, result: MatchResult, text: str
    ) -> None:
        """Mid-check ("a family I work with keeps messaging me, can I block them?"): the alert,
        the reply to the question, then the question waiting. A question about going to the
        police gets the urgent steps' answer; one about acting on the post, or beside a post
        quoted with it, is what the check settles, never a general answer on replying."""
        turn.alarm = alarm.category
        turn.say(self.present.safety(alarm))
        quoting = self._read_beside_a_question(state, text)  # its post kept and read
        if self._asks_police(text):  # "can i pass it to the safeguarding lead myself?"
            turn.say(self._police_answer(turn))
        elif quoting or self._acting_on_post(state, text):  # "can i DM the kid?"
            turn.say(self.present.text("act_after_check"))
        else:
            self.also_answer(turn, result, text)
        self.where_now(turn, state)

    def also_answer(self, turn: Turn, result: MatchResult, text: str) -> None:
        """After the alert, a policy question that the FAQ answers confidently is answered too
        ("what if a service user threatens me on my own account?"); one that opens with a way
        of asking the bot ("can I post 'kids living in squalor' on my own fb?") also gets the
        close entries, so the officer's own question is never dropped behind the alert. A
        threat described that asks nothing gets no entry under the alert ("...ill regret
        taking her kids" is not a question about children's photos)."""
        to_the_bot = self.walk.asks_the_bot(text)
        if result.answered is not None and (to_the_bot or self.walk.asks(text)):
            turn.say(self.present.matched(result))
            turn.answered.append(result.answered)
        elif to_the_bot and result.decision is Decision.SUGGEST:
            turn.say(self.present.matched(result))

    def _urgent_already(self, state: ConversationState) -> bool:
        """The walk already reached the urgent outcome: what the officer adds is its detail."""
        outcome = self.present.outcomes.get(state.walk.outcome or "") if state.walk else None
        return outcome is not None and outcome.escalate == "urgent"

    def alert(self, turn: Turn, state: ConversationState, alarm: Alarm, *, checking: bool = False) -> None:
        """Before anything else: the urgent guidance, the urgent record one press away and,
        out of a walk, the check; then where the officer was. With ``checking`` the check of
        this post follows at once, so an earlier walk's outcome is not shown again."""
        turn.alarm = alarm.category
        offer_walk = not checking and (state.walk is None or not self.walk.in_progress(state.walk))
        reply = self.present.safety(alarm, offer_walk=offer_walk)
        if checking:
            turn.say(reply)
        else:
            self.aside(turn, state, reply)

    def caution(self, turn: Turn, alarm: Alarm) -> None:
        """Risk the classifier thinks possible, not likely, or risk in an answer to a walk
        question: the guidance with the urgent route one press away, then the turn goes on as
        usual, so an ordinary question gets its answer and the answer moves the walk on."""
        turn.alarm = alarm.category if alarm.sure else f"{alarm.category} (possible)"
        turn.say(self.present.safety(alarm))

    def _outcome_stands(self, turn: Turn, state: ConversationState, at: str) -> None:
        """After a reply given at an outcome (an answer, a "did you mean", another team's
        contact), a line saying the outcome's steps still stand for the post checked, with its
        buttons: a general answer ("offending content can be removed") must not read as leave
        to do what the outcome says to wait for, and the record stays one press away."""
        walk = state.walk
        outcome = self.present.outcomes.get(walk.at) if walk is not None else None
        if outcome is not None and walk is not None and walk.at == at and turn.policy_reply:
            line = self.present.text("outcome_stands", title=outcome.title)
            # the outcome's own buttons again, so its "send a record" is still one press away
            turn.say(replace(line, choices=self.present.outcome_choices(outcome, walk.stamp)))

    def _post_for_fresh_walk(self, state: ConversationState, text: str) -> str | None:
        """The post pasted at the first question of a walk started without one (the menu's
        "Check a post", "start again"): pasted after a lead-in or in quotes, or a message of
        ``POST_WORDS`` or more that is no answer and asks nothing. Or another post, pasted
        or bare after a description of one, before the first question is answered ("and
        another one under it: '...'"): the check starts again on both, as nothing has been
        answered (``start_walk``)."""
        walk = state.walk
        if self._another_post_at_start(state) and walk is not None:
            if self._answer(state, text) is not None:
                return None
            if (post := self.pasted(text)) is not None:
                return post if post != walk.post else None
            # bare, only after a description: after the post itself, it is the officer's words
            return self._bare_post(text) if self._described_only(state) else None
        if self._unread_fresh_walk(state) is None:
            return None
        if (post := self.pasted(text)) is not None:
            return post
        return self._bare_post(text)

    def _bare_post(self, text: str) -> str | None:
        """A message of ``POST_WORDS`` or more that is no answer and no question for the bot:
        the post, pasted without quotes or a lead-in. A resident's "if the council takes my flat
        thats it for me..." opens like a question ("if") but is no question to the bot."""
        words = plain_words(text)
        asks = self.walk.asks_the_bot(text) or (text.rstrip().endswith("?") and self.walk.asks(text))
        if len(words) < POST_WORDS or asks or self.walk.answer_in(None, text) is not None:
            return None
        # "morning, got a post on FB need to check what to do": the officer's words, not the post
        return None if self.small_talk(text) or self._about_a_post(text) else text

    def _read_beside_a_question(self, state: ConversationState, text: str) -> bool:
        """A post quoted beside a question at the first question of a fresh walk ("lovely post
        on fb: '...' can we share it?"): the question is answered as usual, and the quoted post
        read for the walk's hints, as if pasted alone; the message is kept for the record.
        Whether it was."""
        walk = self._unread_fresh_walk(state)
        if walk is None or self.triage is None:
            return False
        post = self.triage.described(text)
        if post == text or not self.walk.asks(text):
            return False
        walk.suggestions = {q: (s.answer, s.reason) for q, s in self.triage.read(post).items()}
        walk.post = text
        return True

    def _described_only(self, state: ConversationState) -> bool:
        """The walk's post is the officer's description of one ("someone on the housing insta
        posted this, what do i do"), not the post itself: the words of a request for the check."""
        post = state.walk.post if state.walk is not None else None
        return post is not None and (says(post, self.walk_asks) or self._about_a_post(post))

    def _another_post_at_start(self, state: ConversationState) -> bool:
        """A walk that read a post and is still at its first question, nothing answered."""
        walk = state.walk
        at_start = walk is not None and walk.at == self.walk.chart.start and not walk.path
        return at_start and walk is not None and walk.post is not None and state.active is FlowId.WALK

    def _unread_fresh_walk(self, state: ConversationState) -> WalkState | None:
        """The walk at its first question, started without a post (the menu's "Check a post",
        "start again"), when triage could still read one for it."""
        walk = state.walk
        fresh = walk is not None and walk.at == self.walk.chart.start and not walk.path
        if not fresh or walk is None or walk.suggestions is not None or self.triage is None:
            return None
        return walk

    def _described(self, text: str) -> str | None:
        """The post in a description that starts a check; none in words that only speak of
        one ("ffs wrong one. check a post"), so the post pasted next is read instead."""
        if self._about_a_post(text) and not quoted_spans(text):
            return None
        return self.triage.described(text) if self.triage else text

    def _about_a_post(self, text: str) -> bool:
        """Whether a message speaks of the post rather than being it ("got a post on FB I need
        to check", "hang on, pasting it now"): ``messages.yaml`` ``about_a_post``."""
        return says(text, self.about_post)

    def _at_outcome(self, state: ConversationState) -> bool:
        walk = state.walk
        return state.active is FlowId.WALK and walk is not None and walk.at in self.present.outcomes

    def _own_detail(self, state: ConversationState) -> bool:
        """The officer's own words asked for by a step: a draft's sign-off ("Jo, Housing
        Officer") or an answer to an induction check. The classifier's "possible" is not shown
        on them; the safety phrases still are."""
        walk, tour = state.walk, state.tour
        signing = walk is not None and walk.draft is not None and walk.draft.awaiting == "signature"
        checking = state.active is FlowId.TOUR and tour is not None and tour.at in CHECKS
        return signing or checking

    def _at_note(self, state: ConversationState) -> bool:
        return state.active is FlowId.WALK and state.walk is not None and state.walk.at == NOTE

    def _answer(self, state: ConversationState, text: str) -> str | None:
        """The answer the text gives the walk question waiting for it ("yes because of the kid")."""
        walk = state.walk
        if state.active is not FlowId.WALK or walk is None or not self.walk.at_question(walk):
            return None
        return self.walk.answer_in(self.intent(text), text, walk.at)

    def _answering(self, state: ConversationState, text: str, alarm: Alarm | None = None) -> bool:
        """Whether the text answers the waiting question despite the risk in it: not a "no" at
        the safety question, which the alert asks again, unless the risk it names is denied
        ("no, no threat", "nah nobody's in danger")."""
        answer = self._answer(state, text)
        at_safety = state.walk is not None and state.walk.at == self.walk.chart.start
        if answer == "no" and at_safety:
            return alarm is not None and self._denied(alarm, text)
        return answer is not None

    def _denied(self, alarm: Alarm, text: str) -> bool:
        """A phrase alarm whose words follow a denial within three words ("no threat", "not a
        threat", "nobody is in danger"): the officer says the risk is not there."""
        if not alarm.phrase:
            return False  # the classifier's: no words to look at
        words = plain_words(text)
        first = plain_words(alarm.phrase)[0] if plain_words(alarm.phrase) else ""
        return any(
            w.startswith(first) and self.denials & set(words[max(0, at - DENIAL_GAP) : at])
            for at, w in enumerate(words)
        )

    def where_now(self, turn: Turn, state: ConversationState) -> None:
        """Repeat where the officer is, so a flow is never lost behind another reply."""
        if (flow := state.active) is not None:
            slot = self.flows[flow]
            slot.dialog.where_now(turn, slot.get(state))

    def aside(self, turn: Turn, state: ConversationState, reply: Reply) -> None:
        """Say something that is not a step, then repeat where the officer is."""
        turn.say(reply)
        self.where_now(turn, state)

    # --- typed text ---------------------------------------------------------------------

    def typed(self, turn: Turn, state: ConversationState, text: str) -> None:
        head, _, rest = text.partition(" ")
        if rest.strip() and self.intent(head) is Intent.ASK:
            text, intent = rest.strip(), None  # "ask can I ...": the question itself, in any channel
        else:
            intent = self.intent(text)
            if intent is None and len(plain_words(text)) <= INSIDE_WORDS:
                intent = self._clause_move(text)  # "i said yes in the end - back": the move wins
            if intent is None and self._answer(state, text) is None:  # "no, send it later" answers
                intent = self.inside(text, at_outcome=self._at_outcome(state))
            if intent is None and self._at_note(state) and says(unquoted(text), self.stop_words):
                intent = Intent.STOP  # "hang on dont send it, my manager is on the phone to comms"
        if intent is Intent.URGENT_RECORD:
            self.urgent_record(turn, state, text)
            return
        if self._urgent_already(state) and says(text, self.not_urgent):
            # "can it go as normal not urgent": it cannot, and the officer is told why first
            turn.say(self.present.text("urgent_stays", comms_team=self.present.about.comms_team))
        if intent is Intent.POLICY and not self._at_outcome(state):
            self.aside(turn, state, self.present.whole_policy())  # at an outcome: the outcome's policy
            return
        named = RECORD_ID.search(text)
        about_it = (None, Intent.RECORDS) if self._at_note(state) else (None, Intent.RECORDS, Intent.STOP)
        if intent in about_it and named:  # "withdraw R-8599D5C2 pls its a duplicate": that record
            # "what did I put in R-1AE71D52?": that record, whole; any flow waits where it is
            self.aside(turn, state, self.present.sent_record(turn.sent, named.group(0)))
            return
        if intent is Intent.RECORDS:
            self.aside(turn, state, self.present.sent_records(turn.sent))  # any flow waits where it is
            return
        if intent is Intent.RECORD and (state.active is not FlowId.WALK or state.walk is None):
            self.aside(
                turn, state, self.present.text("no_check_to_record", comms_team=self.present.about.comms_team)
            )
            return
        flow = state.active
        if intent is Intent.LATER and flow is not None:
            self.later(turn, state, flow)
            return
        if flow is None:
            self.idle(turn, state, intent, text)
            return
        if intent is None and (post := self._post_for_fresh_walk(state, text)) is not None:
            self.start_walk(turn, state, post=post, said=text)  # "check", then the post: read it after all
            return
        if intent is None:
            self._read_beside_a_question(state, text)  # "'...' can we share it?": both
        slot = self.flows[flow]
        flow_state = slot.get(state)
        if (
            intent is None
            and self._in_check(state)
            and self._asks_police(text)
            and self._answer(state, text) is None
        ):
            self.aside(turn, state, self._police_answer(turn))  # "can i ring the police myself?"
            return
        if intent is None and self._acting_on_post(state, text) and self._answer(state, text) is None:
            self.aside(turn, state, self.present.text("act_after_check"))  # "should i just hide it?"
            return
        if intent is None and flow is FlowId.WALK:
            self._side_question(turn, state, text)  # "yes - btw can I use a gif?": answered first
        if intent is None and self._chatting(state, text):
            self.aside(turn, state, self.present.small_talk_in_flow(text))  # "cheers": not an answer
            return
        was_at = state.walk.at if flow is FlowId.WALK and state.walk is not None else None
        if slot.dialog.typed(turn, flow_state, intent, text):
            if intent is None and was_at is not None:
                self._record_with_answer(turn, state, was_at, text)
            return
        if not slot.dialog.in_progress(flow_state):
            at = state.walk.at if state.walk is not None else ""
            self.idle(turn, state, intent, text)  # a walk at its outcome: the officer moves on
            self._outcome_stands(turn, state, at)
        elif intent in ASIDES:
            self.aside(turn, state, self.present.help() if intent is not Intent.ASK else self.ask_prompt())
        elif intent is Intent.START_WALK:
            self.start_walk(turn, state)  # mid-tour: the tour is put aside, "induction" resumes it
        elif intent is Intent.INDUCTION and flow is FlowId.WALK:
            self.aside(turn, state, self.present.text("induction_in_walk"))
        elif _option_number(text):  # "6" from an older list, mid-tour: not chatter, not a question
            self.aside(turn, state, self.present.text("stale_number"))
        else:
            self.question(turn, state, text, in_flow=True)
            back = "note_question" if self._at_note(state) else "side_answer_back"
            self.aside(turn, state, self.present.text(back))

    def _record_with_answer(self, turn: Turn, state: ConversationState, was_at: str, text: str) -> None:
        """An answer that also asks for the record ("yes send it urgent pls. note: staff know
        her"): once the answer has reached an outcome that sends one, the request is taken too,
        with its note, as if typed at the outcome."""
        walk = state.walk
        if walk is None or was_at not in self.walk.questions or walk.at not in self.present.outcomes:
            return
        if self.present.outcomes[walk.at].escalate == "no":
            return
        asked = self.inside(text, at_outcome=True) in (Intent.RECORD, Intent.URGENT_RECORD)
        if asked or self.asks_for_record(text):  # "yeah defo, send comms a record now pls. her handle..."
            self.walk.typed(turn, walk, Intent.RECORD, text)

    def _side_question(self, turn: Turn, state: ConversationState, text: str) -> None:
        """A question asked beside the answer to a walk question ("yes its a question - btw am
        i allowed to use a gif in the reply?", "is a petition link spam? prob not"): answered
        before the answer moves the walk on, when the FAQ answers it confidently."""
        if self._answer(state, text) is None:
            return
        parts = [p for p in SIDE_PARTS.split(text) if "?" in p and len(plain_words(p)) >= SIDE_WORDS]
        if not parts or parts[0].strip() == text.strip():
            return
        if self._acting_on_post(state, parts[0]):
            turn.say(self.present.text("act_after_check"))  # "no - should i hide it tho?"
            return
        result = self.matcher.read(parts[0], self.walk_context).first
        if result.answered is not None:
            turn.say(self.present.matched(result))
            turn.answered.append(result.answered)
            state.last_answer = result.answered
        elif result.declined is not None and result.declined != NOT_COVERED:
            turn.say(self.present.matched(result))  # another team's, or one the policy does not settle
        else:
            turn.say(self.present.text("side_question_unplaced"))  # not dropped without a word

    def _asks_police(self, text: str) -> bool:
        """A question about going to the police or the safeguarding route (``police``)."""
        return self.walk.asks(text) and says(text, self.police)

    def _police_answer(self, turn: Turn) -> Reply:
        turn.policy_reply = True  # at an outcome, its steps are said to stand after it
        return self.present.text("police_answer", comms_team=self.present.about.comms_team)

    def _acting_on_post(self, state: ConversationState, text: str) -> bool:
        """A question, during a check, about acting on the post in hand ("can i DM him?",
        "should i just hide it?"): what the check itself settles."""
        return self._in_check(state) and self._acts_on_post(text)

    def _acts_on_post(self, text: str) -> bool:
        """A question about acting on a post (``acting_on_post``), not on the officer's own account."""
        if not self.walk.asks(text):
            return False
        if says(text, self.personal):  # "can i like it from my own personal account?": a policy question
            return False
        words = plain_words(unquoted(text))
        for at in range(len(words)):
            for verb in self.acting_verbs:
                size = len(verb.split())
                if " ".join(words[at : at + size]) != verb:
                    continue
                after = f" {' '.join(words[at + size : at + size + ACTING_GAP])} "
                if any(f" {thing} " in after for thing in self.acting_objects):
                    return True  # "should i just hide it?", "can i dm the kid?"
        return says(text, self.acting)

    def _in_check(self, state: ConversationState) -> bool:
        """A walk waiting at one of its questions."""
        walk = state.walk
        return state.active is FlowId.WALK and walk is not None and self.walk.at_question(walk)

    def later(self, turn: Turn, state: ConversationState, flow: FlowId) -> None:
        """ "Gotta run, I'll finish this later": the tour is paused ("induction" resumes it); a
        walk's answers are kept anyway, so the officer is told so and shown where they are."""
        if flow is FlowId.TOUR and state.tour is not None:
            self.tour.stop(turn, state.tour)
        elif state.walk is not None and self.walk.in_progress(state.walk):
            self.aside(turn, state, self.present.text("later_in_walk"))
        else:
            turn.say(self.present.small_talk(""))

    def idle(self, turn: Turn, state: ConversationState, intent: Intent | None, text: str) -> None:
        actions: dict[Intent, Callable[[], None]] = {
            Intent.HELP: lambda: turn.say(self.present.help()),
            Intent.MENU: lambda: turn.say(self.present.greeting()),
            Intent.START_WALK: lambda: self.start_walk(turn, state),
            Intent.RESTART: lambda: self.start_walk(turn, state),
            Intent.ASK: lambda: turn.say(self.ask_prompt()),
            Intent.INDUCTION: lambda: self.induction(turn, state),
            Intent.LATER: lambda: turn.say(self.present.small_talk(text)),
            Intent.DRAFT: lambda: turn.say(self.present.text("draft_no_check")),
            Intent.STOP: lambda: turn.say(self.present.text("nothing_to_stop")),
            Intent.BACK: lambda: turn.say(self.present.text("not_in_walk")),
            Intent.WHY: lambda: turn.say(self.present.text("not_in_walk")),
            Intent.YES: lambda: turn.say(self.present.text("not_in_walk")),
            Intent.NO: lambda: turn.say(self.present.text("not_in_walk")),
        }
        action = actions.get(intent) if intent is not None else None
        if action is not None:
            action()
        elif _option_number(text):  # a number with no options to pick from (an old list's)
            self.aside(turn, state, self.present.text("stale_number"))
            if state.active is None:
                turn.say(self.present.greeting())
        elif (post := self.pasted(text)) is not None:
            self.start_walk(turn, state, post=post, said=text)
        elif self.small_talk(text):
            turn.say(self.present.small_talk(text))
        else:
            self.question(turn, state, text, in_flow=False)

    def _chatting(self, state: ConversationState, text: str) -> bool:
        """Small talk while a walk question or a tour step waits ("no thanks" is an answer; at
        the note step any text is the note)."""
        if state.active is FlowId.TOUR:
            asking = True
        else:
            asking = state.walk is not None and self.walk.at_question(state.walk)
        return asking and self.small_talk(text) and self.walk.read_reply(text) is None

    def small_talk(self, text: str) -> bool:
        """Pleasantries only ("hi there, thanks for the info!"): every word is small talk and
        one of them a greeting or thanks, so no policy question hides in it."""
        words = plain_words(text)
        return bool(words) and set(words) <= self.chat_words and not self.chat_markers.isdisjoint(words)

    def ask_prompt(self) -> Reply:
        return self.present.text("ask_prompt")

    def start_walk(
        self,
        turn: Turn,
        state: ConversationState,
        *,
        urgent: bool = False,
        post: str | None = None,
        alarm: Alarm | None = None,
        said: str | None = None,
    ) -> None:
        """A new walk (``urgent``: already at the outcome the safety question's yes leads to;
        ``post``: the officer's post, read first for suggestions, in a message the safety net
        has been over, with its ``alarm``; ``said``: the whole message it came in, kept for the
        record); a tour under way is put aside (paused) first."""
        if state.tour is not None and self.tour.in_progress(state.tour):
            self.tour.pause(turn, state.tour)
        state.last_answer = None  # a follow-up now is about this check, not an earlier answer
        if self._urgent_already(state) and not urgent:  # leaving it: say it went nowhere
            turn.say(self.present.text("urgent_not_sent"))
        if urgent:  # the post of the check it replaces, or the message alerted on, goes with it
            post = state.walk.post if state.walk and state.walk.post else turn.alerted
            state.walk = self.walk.start_urgent(turn, post)
        else:
            # kept for the record: the whole message the post came in ("its from a young girl i
            # think, she wrote: '...'"), after any post held before the first answer ("and
            # another one under it: '...'"), which is read again with it, so no risk is lost
            before = state.walk.post if state.walk and self._another_post_at_start(state) else None
            kept = (said or post) if post else None
            read = f"{before}\n{post}" if before and post else post
            held = f"{before}\n{kept}" if before and kept else kept
            state.walk = self.walk.start(turn, self._read(read, alarm), held)

    # --- a post to check ------------------------------------------------------------------

    def _read(self, post: str | None, alarm: Alarm | None) -> dict[str, Suggestion] | None:
        """The first read of the post, with the alarm the message it came in raised (a
        caution's "possible" alarm is not handed on: the read checks the post itself)."""
        if self.triage is None or not post:
            return None
        return self.triage.read_checked(post, alarm) if alarm is not None else self.triage.read(post)

    def pasted(self, text: str) -> str | None:
        """The post in "check <post>" or "someone wrote: <post>", when triage assist is on."""
        if self.triage is None:
            return None
        head, _, rest = text.partition(" ")
        if rest.strip() and self.intent(head) is Intent.START_WALK:
            return self.triage.post_in(rest) or rest.strip()
        return self.triage.post_in(text)

    def post_to_check(self, text: str, result: MatchResult) -> str | None:
        """The post to read when this text (``result``: how the matcher read it) starts a
        check: a pasted one, or the post quoted in (or else the whole of) a description."""
        if self.triage is None:
            return None
        return self.pasted(text) or (
            self.triage.described(text) if result.decision is Decision.WALK else None
        )

    def _free(self, state: ConversationState) -> bool:
        """No flow under way: a walk at its outcome is done with."""
        walk = state.walk
        return state.active is None or (
            state.active is FlowId.WALK and walk is not None and not self.walk.in_progress(walk)
        )

    def induction(self, turn: Turn, state: ConversationState) -> None:
        """The tour, asked for: started (or resumed), unless a check is under way, which it
        would end: the officer is told to finish or stop the check first."""
        walk = state.walk
        if state.active is FlowId.WALK and walk is not None and self.walk.in_progress(walk):
            turn.say(self.present.text("induction_in_walk"))
        else:
            self.start_tour(turn, state)

    def start_tour(self, turn: Turn, state: ConversationState, *, again: bool = False) -> None:
        tour = self.tour.start(turn, state.tour, again=again)
        if tour is not None:
            state.walk, state.tour = None, tour

    def question(self, turn: Turn, state: ConversationState, text: str, *, in_flow: bool) -> None:
        """Answer a policy question, offer close matches, or say honestly that it's not covered."""
        # asked during a check, or at its outcome: about the post checked, on the Council's page
        walking = (in_flow and state.active is FlowId.WALK) or self._at_outcome(state)
        context = self.walk_context if walking else frozenset()
        if not self.small_talk(text):
            self._hold(turn, state)  # at an outcome, "is 101 right or should i ring 999?": it comes first
        if self.follow_up(turn, state, text, context):
            return
        if self._asks_police(text):  # "am i allowed to ring 101 myself or do i wait for comms?"
            turn.say(self._police_answer(turn))
            return
        if self._at_outcome(state) and state.walk is not None and self._acts_on_post(text):
            # "so can i just hide it now?": the outcome's steps, not a general rule beside them
            steps = self.present.outcomes[state.walk.at]
            line = self.present.text("act_at_outcome", title=steps.title)
            turn.say(replace(line, choices=self.present.outcome_choices(steps, state.walk.stamp)))
            return
        reading = self.matcher.read(text, context)
        result = reading.first
        decision = result.decision
        if decision is Decision.WALK and in_flow:
            turn.say(self.present.text("not_an_answer"))
        elif decision is Decision.WALK and self._at_outcome(state) and self.walk.asks(text):
            # "does anyone reply to that bit?" after a check: about the post checked, not a new one
            outcome = self.present.outcomes[state.walk.at] if state.walk is not None else None
            title = outcome.title if outcome is not None else ""
            turn.say(self.present.text("new_post_or_question", title=title))
        elif decision is Decision.WALK:  # the officer's description: read the post in it
            self.start_walk(turn, state, post=self._described(text), said=text)
        elif decision is Decision.SMALL_TALK and in_flow:
            turn.say(self.present.small_talk_in_flow(text))
        elif decision is Decision.INDUCTION:
            self.induction(turn, state)  # "started monday, my manager said you'd take me through it"
        elif self._unplaced(text, result):
            turn.say(self.present.unclear(in_flow=in_flow))  # "this rota is killing me": no gap to log
        else:
            noted = decision is Decision.UNKNOWN and self._loggable(text, result, walking=walking)
            turn.say(self.present.matched(result, text, noted=noted))
            turn.policy_reply = decision is not Decision.SMALL_TALK
            if result.answered is not None:
                turn.answered.append(result.answered)  # the entry's id only, for the weekly counts
            if decision is not Decision.SMALL_TALK:  # a decline leaves none: "or not?" is not about older
                state.last_answer = result.answered
            if (second := self.present.second(reading)) is not None:
                turn.say(second)
                if reading.second is not None and reading.second.answered is not None:
                    turn.answered.append(reading.second.answered)
            if noted:
                turn.unanswered.append(text)

    def _loggable(self, text: str, result: MatchResult, *, walking: bool) -> bool:
        """Whether an unanswered message is kept for the content owners: a policy question
        (it asks), asked outside a check, holding no quoted post. What is typed during a check
        is about a resident's post and may name them ("oh wait yes, it names mrs p and her
        address"), so it is never kept; nor is another team's subject, which is no gap."""
        if walking or (result.declined or "").startswith(REFER) or not self.walk.asks(text):
            return False
        return not quoted_spans(text)

    def follow_up(self, turn: Turn, state: ConversationState, text: str, context: frozenset[str]) -> bool:
        """A short message that goes on from the answer just given (``messages.yaml``
        ``follow_ups``): "where does it say that?" shows that answer's passage whole, with its
        source; "and if I don't?" gets the entry on breaches; "what about on Instagram?" or
        "so can I block her or not" is read together with that answer's subject, unless what
        follows the opening names a subject of its own: another team's ("what about my annual
        leave?") is referred, an entry's is read as a new question. False: not a follow-up."""
        words = plain_words(text)
        ups = self.follow_ups
        walk = state.walk
        short = len(words) <= FOLLOW_UP_WORDS
        if walk is not None and self._at_outcome(state) and state.last_answer is None and short:
            if _opens(words, ups["source"], rest=FOLLOW_UP_REST):
                turn.say(self.present.policy(walk.at, stamp=walk.stamp))  # the outcome's own passages
                return True
            if _opening(words, ups["openers"]) is not None and says(text, ups["sites"]):
                turn.say(self.present.text("any_site"))  # "what about on instagram, same rules?"
                return True
        last = self.present.entries.get(state.last_answer or "")
        if last is None or len(words) > FOLLOW_UP_WORDS:
            return False
        if _opens(words, ups["source"], rest=FOLLOW_UP_REST):
            turn.say(self.present.source_of(last))
            return True
        consequence = self.present.entries.get(self.consequence_entry or "")
        if consequence is not None and _opens(words, ups["consequence"], rest=FOLLOW_UP_REST):
            self._answer_entry(turn, state, consequence.id)
            return True
        opener = _opening(words, ups["openers"])
        if opener is None:
            return False
        if rest := " ".join(words[len(opener.split()) :]):
            named = self.matcher.match(rest, context)
            if (named.declined or "").startswith(REFER):
                turn.say(self.present.matched(named))  # "and what about parking?": that team
                turn.policy_reply = True
                return True
            if named.decision is not Decision.UNKNOWN and named.decision is not Decision.SMALL_TALK:
                return False  # "what about criticising the council?": read as a question
        together = self.matcher.match(f"{last.title}. {text}", context).answered
        if together is None:
            return False
        self._answer_entry(turn, state, together, going_on=together == last.id)
        return True

    def _hold(self, turn: Turn, state: ConversationState) -> None:
        """At an outcome with a ``hold`` line, that line before the answer to a question."""
        walk = state.walk
        outcome = self.present.outcomes.get(walk.at) if walk is not None and self._at_outcome(state) else None
        if outcome is not None and outcome.hold:
            turn.say(Reply(text=outcome.hold))

    def _answer_entry(
        self, turn: Turn, state: ConversationState, entry: str, *, going_on: bool = False
    ) -> None:
        reply = self.present.answer(self.present.entries[entry])
        if going_on:  # the same subject again: headed so it reads as the answer to the follow-up
            reply = replace(reply, title=self.present.text("follow_up", title=reply.title).text)
        turn.say(reply)
        turn.policy_reply = True
        turn.answered.append(entry)
        state.last_answer = entry

    def _unplaced(self, text: str, result: MatchResult) -> bool:
        """A short statement that asks nothing and is no subject the matcher knows (neither
        another team's nor a near miss): not a question the policy fails to answer."""
        unknown = result.decision is Decision.UNKNOWN and result.declined in (None, NOT_COVERED)
        return unknown and not self.walk.asks(text) and len(plain_words(text)) <= CHATTER_WORDS

    # --- buttons ------------------------------------------------------------------------

    def press(self, turn: Turn, state: ConversationState, raw: str) -> None:
        value = decode(raw)
        if value is None:
            self.stale(turn, state)
        elif value.verb in STEP_VERBS:
            self.press_step(turn, state, value, STEP_VERBS[value.verb])
        elif value.stamp is not None:
            self.stale(turn, state)  # menu and answer buttons never carry a step
        else:
            self._menu_presses()[value.verb](turn, state, value)

    def press_step(self, turn: Turn, state: ConversationState, value: ChoiceValue, flow: FlowId) -> None:
        """A step button acts only in its own flow, at the move it was shown for."""
        slot = self.flows[flow]
        flow_state = slot.get(state)
        current = flow_state is not None and state.active is flow and value.stamp == flow_state.stamp
        if not current or not slot.dialog.pressed(turn, flow_state, value):
            self.stale(turn, state)

    def _menu_presses(self) -> dict[Verb, Callable[[Turn, ConversationState, ChoiceValue], None]]:
        return {
            Verb.WALK: self.press_start,
            Verb.ASK: lambda t, s, v: t.say(self.ask_prompt()),
            Verb.HELP: lambda t, s, v: t.say(self.present.help()),
            Verb.FAQ: self.press_faq,
            Verb.NONE: lambda t, s, v: t.say(self.present.unknown()),
            Verb.INDUCTION: self.press_induction,
        }

    def press_induction(self, turn: Turn, state: ConversationState, value: ChoiceValue) -> None:
        if value.arg not in {"", "again"}:
            self.stale(turn, state)
        else:
            self.start_tour(turn, state, again=value.arg == "again")

    def urgent_record(self, turn: Turn, state: ConversationState, text: str = "") -> None:
        """The safety alert's button, pressed or typed: the urgent outcome with its record
        already asked for, so sending it is one more step. It replaces any walk under way,
        except one already at the urgent outcome: its record is asked for, with the answers
        given ("Safety: Not sure" stays so). Typed with details ("send an urgent record - she
        lives alone, out of tablets"), the record goes at once with them as its note."""
        walk = state.walk
        note = self._urgent_note(text)
        asked_before = walk is not None and walk.at == NOTE
        shown = len(turn.replies)
        if state.active is FlowId.WALK and walk is not None and self._urgent_already(state):
            if not asked_before:
                self.walk.pressed_record(turn, walk, "")
        else:
            self.start_walk(turn, state, urgent=True)
            if state.walk is not None:
                self.walk.pressed_record(turn, state.walk, "")
        walk = state.walk
        if walk is None or walk.at != NOTE:
            return
        if note is not None:
            sent_at = len(turn.replies)
            self.walk.send_noted(turn, walk, note)
            spent = turn.replies[shown:sent_at]
            if walk.finished and not asked_before and spent:
                # sent at once: the note prompt (the last) is dropped, the outcome's buttons spent
                turn.replies[shown:sent_at] = [replace(r, choices=(), prompt=None) for r in spent[:-1]]
        elif asked_before:
            self.where_now(turn, state)  # already asked for: the note step again

    def _urgent_note(self, text: str) -> str | None:
        """The details typed with the request: a note cue or marker, or what follows the
        request after a dash, colon or comma ("...urgent record then - account is Kayleigh B")."""
        if (note := self.walk.note_given(text) or self.walk.marked_note(text)) is not None:
            return note
        found = self.urgent_phrase.search(text)
        if found is None and self._asks_urgently(text) and len(text.split()) >= URGENT_NOTE_WORDS:
            return f"{self.walk.note_marker} {text}"  # in their own words: all of it is the note
        rest = text[found.end() :] if found else ""
        after = URGENT_DETAILS.match(rest)
        details = rest[after.end() :].strip() if after else ""
        return f"{self.walk.note_marker} {details}" if len(details.split()) >= URGENT_NOTE_WORDS else None

    def press_start(self, turn: Turn, state: ConversationState, value: ChoiceValue) -> None:
        if value.arg == URGENT:
            self.urgent_record(turn, state)
        elif state.active is FlowId.WALK and state.walk is not None and self.walk.at_question(state.walk):
            self.stale(turn, state)  # a walk is under way: an older menu button must not reset it
        else:
            self.start_walk(turn, state)

    def press_faq(self, turn: Turn, state: ConversationState, value: ChoiceValue) -> None:
        entry = self.present.entries.get(value.arg)
        if entry is None:
            self.stale(turn, state)
            return
        self._hold(turn, state)
        turn.say(self.present.answer(entry))
        turn.answered.append(entry.id)
        state.last_answer = entry.id
        flow = state.active
        if flow is not None and self.flows[flow].dialog.in_progress(self.flows[flow].get(state)):
            self.aside(turn, state, self.present.text("side_answer_back"))

    def stale(self, turn: Turn, state: ConversationState) -> None:
        """An expired, mangled or forged button: say so, change nothing, repeat where we are."""
        turn.refused = True
        name = "stale_button" if state.active is not None else "stale_no_walk"
        self.aside(turn, state, self.present.text(name))


def _opening(words: list[str], phrases: tuple[str, ...]) -> str | None:
    """The longest of ``phrases`` the message opens with."""
    said = " ".join(words)
    found = [p for p in phrases if said == p or said.startswith(f"{p} ")]
    return max(found, key=len, default=None)


def _opens(words: list[str], phrases: tuple[str, ...], *, rest: int) -> bool:
    """Whether the message opens with one of ``phrases`` and has at most ``rest`` words after it."""
    found = _opening(words, phrases)
    return found is not None and len(words) - len(found.split()) <= rest


def _option_number(text: str) -> bool:
    """A message that is only an option's number ("3", "2."), as typed from an older list."""
    typed = text.strip().rstrip(".)")
    return typed.isascii() and typed.isdigit() and len(typed) <= 2


def _phrases(by_command: dict[str, list[str]]) -> list[tuple[str, Intent]]:
    """Each command's phrases as padded words, in content order, for ``Router.inside``."""
    return [
        (f" {' '.join(plain_words(phrase))} ", Intent(name))
        for name, phrases in by_command.items()
        for phrase in phrases
    ]
