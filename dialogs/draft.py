""" "Draft a reply" at an outcome of the walk: where the reply goes decides whether it is
signed (the policy asks for a name or job title only on sites not branded as the Council's),
the officer's sign-off is asked once and remembered only if they say so, and a comment they
paste is quoted in the draft and kept nowhere."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.core.choices import ChoiceValue, Stamp
from bot.core.content.models import Content
from bot.core.drafts import draft, facts_in, signature
from bot.core.faq import Analyzer, Facets
from bot.core.messages import Choice, Reply
from bot.core.present import Presenter
from bot.core.turn import Turn
from bot.core.vocabulary import Verb

COUNCIL, OTHER = "council", "other"


class DraftState(BaseModel):
    """A draft under way at an outcome: the site chosen, what typed text is awaited, and a
    sign-off typed in this walk (gone with the walk unless the officer asks to keep it)."""

    model_config = ConfigDict(extra="forbid")

    site: Literal["council", "other"] | None = None
    awaiting: Literal["signature", "comment"] | None = None
    signature: str | None = None
    facts: str | None = None  # the officer's own facts, given with the request, for this draft


class DraftSteps:
    """The draft's buttons and typed answers; the walk stays at its outcome throughout."""

    def __init__(self, content: Content, present: Presenter) -> None:
        self.content = content
        self.present = present
        self.labels = content.messages.labels
        self.texts = content.messages.texts
        self.analyzer = Analyzer(content.matching)
        self.facets = Facets(content.matching, {}, self.analyzer)

    def site_named(self, text: str) -> str | None:
        """The site a typed answer to "where will you post it?" names ("council fb page", "a
        residents group, not ours"): the button's argument, when it names one side only."""
        named = self.facets.named(self.analyzer.words(text)) & {"official", "other_sites"}
        if len(named) != 1:
            return None
        return COUNCIL if "official" in named else OTHER

    def offers(self, outcome_id: str | None) -> bool:
        return outcome_id in self.content.drafts.replies

    def asked(
        self, turn: Turn, prior: DraftState | None, outcome: str, text: str, stamp: Stamp
    ) -> DraftState:
        """A draft asked for in words: the site and the facts it names are taken ("draft a
        reply for our fb page saying it reopens on the 24th"), so only what is missing is asked."""
        state = DraftState(signature=prior.signature if prior else None, facts=facts_in(self.content, text))
        site = self.site_named(text)
        if site is None:
            turn.say(self._where(stamp))
            return state
        state.site = "council" if site == COUNCIL else "other"
        return self._signed_or_ask(turn, state, outcome, stamp)

    def sited(
        self, turn: Turn, state: DraftState, outcome: str, site: str, text: str, stamp: Stamp
    ) -> DraftState:
        """The site typed in answer to "where will you post it?", and any facts given with it."""
        state.facts = facts_in(self.content, text) or state.facts
        state.site, state.awaiting = ("council" if site == COUNCIL else "other"), None
        return self._signed_or_ask(turn, state, outcome, stamp)

    def pressed(
        self, turn: Turn, state: DraftState | None, outcome: str, arg: str, stamp: Stamp
    ) -> DraftState | None:
        """The draft after a press; ``None`` where the press does not fit (stale)."""
        if arg == "":  # a new draft; a sign-off typed earlier in this walk still stands
            turn.say(self._where(stamp))
            return DraftState(signature=state.signature if state else None)
        if state is None:
            return None
        if arg in (COUNCIL, OTHER):
            state.site, state.awaiting = ("council" if arg == COUNCIL else "other"), None
            return self._signed_or_ask(turn, state, outcome, stamp)
        if arg == "refer" and state.site is not None:
            state.awaiting = "comment"
            turn.say(self.present.text("draft_comment_prompt"))
            return state
        return self._signature_press(turn, state, arg, stamp)

    def _signature_press(self, turn: Turn, state: DraftState, arg: str, stamp: Stamp) -> DraftState | None:
        """Keep the sign-off typed in this walk, change it, or forget the one kept."""
        if arg == "keep" and state.signature:
            turn.keep_signature = turn.signature = state.signature
            turn.say(Reply(text=self.texts.signature_kept, choices=self._choices(turn, state, stamp)))
            return state
        if arg == "change" and state.site == OTHER:
            state.awaiting = "signature"
            turn.say(self.present.text("draft_signature_prompt"))
            return state
        if arg == "forget" and turn.signature:
            turn.keep_signature, turn.signature, state.signature = "", None, None
            turn.say(Reply(text=self.texts.signature_forgotten, choices=self._choices(turn, state, stamp)))
            return state
        return None

    def typed(self, turn: Turn, state: DraftState, outcome: str, text: str, stamp: Stamp) -> None:
        """The awaited sign-off or comment. A comment is used for this one draft only."""
        if state.awaiting == "signature":
            state.signature, state.awaiting = signature(text) or None, None
            self._signed_or_ask(turn, state, outcome, stamp)
        else:
            state.awaiting = None
            self._say_draft(turn, state, outcome, stamp, comment=text)

    def _signed_or_ask(self, turn: Turn, state: DraftState, outcome: str, stamp: Stamp) -> DraftState:
        if state.site == OTHER and not (state.signature or turn.signature):
            state.awaiting = "signature"
            turn.say(self.present.text("draft_signature_prompt"))
        else:
            self._say_draft(turn, state, outcome, stamp)
        return state

    def _say_draft(
        self, turn: Turn, state: DraftState, outcome: str, stamp: Stamp, comment: str | None = None
    ) -> None:
        sign = (state.signature or turn.signature) if state.site == OTHER else None
        made = draft(self.content, outcome, signature=sign, comment=comment, facts=state.facts)
        if made.withheld:
            turn.say(self.present.text("draft_comment_withheld"))
        choices = self._choices(turn, state, stamp, referred=comment is not None)
        turn.say(
            Reply(title=self.texts.draft_title, text=made.text, prompt=self.texts.draft_note, choices=choices)
        )

    def where_again(self, turn: Turn, stamp: Stamp) -> None:
        """ "Where will you post it?" once more, for a reply that names no site ("yes")."""
        turn.say(self._where(stamp))

    def _where(self, stamp: Stamp) -> Reply:
        choices = (
            self.present.step_choice(self.labels.draft_council_site, Verb.DRAFT, stamp, COUNCIL),
            self.present.step_choice(self.labels.draft_other_site, Verb.DRAFT, stamp, OTHER),
        )
        return Reply(text=self.texts.draft_where, choices=choices)

    def _choices(
        self, turn: Turn, state: DraftState, stamp: Stamp, *, referred: bool = False
    ) -> tuple[Choice, ...]:
        """Refer to the comment, the sign-off's own buttons, the policy and starting again:
        at most six, as a Teams card shows."""
        step = self.present.step_choice
        choices = [] if referred else [step(self.labels.draft_refer, Verb.DRAFT, stamp, "refer")]
        if state.site == OTHER:
            if state.signature and state.signature != turn.signature:
                choices.append(step(self.labels.signature_keep, Verb.DRAFT, stamp, "keep"))
            choices.append(step(self.labels.signature_change, Verb.DRAFT, stamp, "change"))
            if turn.signature:
                choices.append(step(self.labels.signature_forget, Verb.DRAFT, stamp, "forget"))
        choices.append(step(self.labels.policy, Verb.POLICY, stamp))
        choices.append(Choice(self.labels.start_again, ChoiceValue(Verb.WALK, "start").encode()))
        return tuple(choices)
