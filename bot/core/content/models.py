"""Typed content: each YAML file in ``content/`` validates into one of these models."""

from __future__ import annotations

import re
import string
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a key must not silently drop content."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- policy.yaml ---------------------------------------------------------------------------


class Source(Strict):
    id: Id
    title: Text
    verbatim: bool


class Section(Strict):
    id: Id
    source: Id
    title: Text
    text: Text
    # The words a listed item stands under in its source ("Authorised Users must not:"),
    # quoted before it, so "Make any political comment" never reads as an instruction.
    lead: Text | None = None


class Policy(Strict):
    sources: list[Source] = Field(min_length=1)
    sections: list[Section] = Field(min_length=1)


# --- faq.yaml ------------------------------------------------------------------------------


# "Yes." or "No," as the first word, after any opening quotes or spaces.
BARE_YES_NO = re.compile(r"""^[\s"'\u2018\u2019\u201c\u201d]*(yes|no)(?=[\W_]|$)""", re.IGNORECASE)


class FaqEntry(Strict):
    id: Id
    title: Text
    answer: Text
    section: Id
    quote: Text
    asked: list[Text] = Field(min_length=5)
    related: list[Id] = Field(default_factory=list)
    # Which side of a neighbouring pair it is on ("personal" or "official" account...), from
    # matching.yaml's facets: the words of a question pick the side, or the officer is asked.
    facets: list[Id] = Field(default_factory=list)

    @field_validator("answer")
    @classmethod
    def _states_the_rule(cls, answer: str) -> str:
        """A bare "Yes." fits only one way of asking: "can I be sarcastic?" would get "Yes. Be
        polite". An answer that states the rule reads right however the question was put."""
        found = BARE_YES_NO.match(answer)
        if found:
            raise ValueError(
                f"answer opens with a bare '{found.group(1)}': state the rule itself, so that it reads "
                "right whichever way the question was asked"
            )
        return answer


class Faq(Strict):
    entries: list[FaqEntry] = Field(min_length=1)


class Referral(Strict):
    """Questions that belong to another team: the decline names the team and how to reach it
    (``contact``: an id in contacts.yaml)."""

    contact: Id
    questions: list[Text] = Field(min_length=1)


class OutOfScope(Strict):
    """Questions the policy does not answer: the matcher learns from them what to decline, and
    from ``referrals`` whose they are; ``near_misses`` use the policy's words but ask what it
    does not settle, and get a plain "the policy doesn't say" rather than a nearby rule."""

    questions: list[Text] = Field(min_length=1)
    referrals: dict[Id, Referral] = Field(default_factory=dict)
    near_misses: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _enough(self) -> OutOfScope:
        if len(self.all_questions()) < 10:
            raise ValueError("at least 10 questions in all are needed to learn what to decline")
        return self

    def all_questions(self) -> list[str]:
        referred = [q for r in self.referrals.values() for q in r.questions]
        return [*self.questions, *referred, *self.near_misses]


# --- induction.yaml --------------------------------------------------------------------


class Option(Strict):
    text: Text
    correct: bool
    feedback: Text


class Check(Strict):
    question: Text
    options: list[Option] = Field(min_length=3, max_length=4)
    explanation: Text

    @field_validator("options")
    @classmethod
    def _one_right(cls, options: list[Option]) -> list[Option]:
        if sum(o.correct for o in options) != 1:
            raise ValueError("exactly one option must be correct: true")
        return options

    @property
    def answer(self) -> Option:
        return next(o for o in self.options if o.correct)


class Chapter(Strict):
    id: Id
    title: Text
    text: Text
    cites: list[Id] = Field(min_length=1)
    check: Check


class Induction(Strict):
    chapters: list[Chapter] = Field(min_length=1)
    # Ways a new starter asks for the tour in their own words ("started monday, my manager
    # said you'd take me through the social media stuff"): the matcher learns them as a class.
    triggers: list[Text] = Field(default_factory=list)


# --- flowchart.yaml ------------------------------------------------------------------------


class Unsure(Strict):
    """What "not sure" means at one question: either ``take`` a branch at once and ``say`` why,
    or give a ``hint`` and ask again, taking ``then`` (and saying ``say``) at a second unsure."""

    take: Literal["yes", "no"] | None = None
    hint: Text | None = None
    then: Literal["yes", "no"] | None = None
    say: Text
    # With ``take``: a hedge that leans the other way ("don't think so" where unsure means
    # yes) gets this and the question again, so a leaning answer is confirmed rather than
    # turned round; a second hedge takes the branch.
    leaning: Text | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Unsure:
        if (self.take is None) == (self.hint is None):
            raise ValueError("give either 'take' (a branch at once) or 'hint' (ask again), not both")
        if self.hint is not None and self.then is None:
            raise ValueError("a 'hint' needs 'then': the branch a second unsure takes")
        if self.take is not None and self.then is not None:
            raise ValueError("'then' goes with 'hint' only")
        if self.leaning is not None and self.take is None:
            raise ValueError("'leaning' goes with 'take' only: a 'hint' already asks again")
        return self

    @property
    def branch(self) -> str:
        """The answer an unsure finally stands for."""
        return str(self.take or self.then)


class Question(Strict):
    id: Id
    text: Text
    why: Text
    cites: list[Id] = Field(min_length=1)
    yes: Id
    no: Id
    unsure: Unsure


class Outcome(Strict):
    """``steps`` are what the first message shows, so at most four; ``contacts`` (ids in
    contacts.yaml) say whom to reach and ``when`` how soon to act."""

    id: Id
    title: Text
    summary: Text
    steps: list[Text] = Field(min_length=1, max_length=4)
    contacts: list[Id] = Field(min_length=1, max_length=2)
    when: Text
    cites: list[Id] = Field(min_length=1)
    escalate: Literal["urgent", "yes", "optional", "no"]
    considerations: bool
    # What still holds for the post checked, said before any answer to a question asked at
    # this outcome, so a general rule ("offending content can be removed") never reads as
    # leave to do what the outcome says to wait for.
    hold: Text | None = None


class Consideration(Strict):
    name: Text
    text: Text
    cites: list[Id] = Field(default_factory=list)


class Considerations(Strict):
    title: Text
    items: list[Consideration] = Field(min_length=1)


class Flowchart(Strict):
    start: Id
    questions: list[Question] = Field(min_length=1)
    outcomes: list[Outcome] = Field(min_length=1)
    considerations: Considerations
    triggers: list[Text] = Field(min_length=5)
    # Words that ask what to do about a post ("what do I do", "reply or not"): with the walk
    # among the closest matches, they start it even when an FAQ entry scored a little higher.
    asks: list[Text] = Field(default_factory=list)
    # The side (matching.yaml facets) a policy question asked during a check is about: the
    # post is about the Council, so "can I delete it?" means from the Council's page.
    facets: list[Id] = Field(default_factory=list)
    path_names: dict[Id, Text]  # each question's short name in an outcome's one-line path


# --- matching.yaml -------------------------------------------------------------------------


class Thresholds(Strict):
    """Classifier scores (signed distances from the decision boundary); tune with
    ``python app.py eval``."""

    answer: float
    suggest: float
    margin: float = Field(ge=0)
    # Two neighbours (other sides of one axis) this close, with neither side named, are both
    # offered with "which do you mean?" instead of answering the first.
    which: float = Field(default=0.0, ge=0)


class Parts(Strict):
    """How a message is cut into the questions it asks: ``cues`` open a question ("can",
    "should", "how"), ``joins`` link two of them ("and", "also"). Lower case, whole words."""

    cues: list[Text] = Field(default_factory=list)
    joins: list[Text] = Field(default_factory=list)
    min_words: int = Field(default=3, ge=1)


class Matching(Strict):
    synonyms: dict[Text, list[Text]] = Field(default_factory=dict)
    parts: Parts = Parts()
    # "char": character n-grams across the whole question, word pairs included; "char_wb":
    # n-grams within each word only.
    analyzer: Literal["char", "char_wb"] = "char_wb"
    # axis -> side -> words that name it, e.g. where: {personal: [my own], official: [our page]}
    facets: dict[Id, dict[Id, list[Text]]] = Field(default_factory=dict)
    ngrams: tuple[int, int] = (2, 5)
    c: float = Field(default=3.0, gt=0)
    thresholds: Thresholds
    max_suggestions: int = Field(default=3, ge=1, le=5)

    @field_validator("ngrams")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= value[0] <= value[1] <= 8:
            raise ValueError("ngrams must be [low, high] with 1 <= low <= high <= 8")
        return value


# --- about.yaml ----------------------------------------------------------------------------


class About(Strict):
    council: Text
    bot_name: Text
    comms_team: Text
    version: Text


# --- contacts.yaml -------------------------------------------------------------------------

# The contacts the bot's own words refer to; a council may add more.
REQUIRED_CONTACTS = ("comms", "safeguarding", "legal", "it", "hr", "information_governance")


class Contact(Strict):
    """One team an officer can be sent to, and how to reach it."""

    name: Text
    phone: Text | None = None
    email: Text | None = None
    channel: Text | None = None
    link: Text | None = None
    hours: Text | None = None
    out_of_hours: Text | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.phone or self.email or self.channel or self.link):
            raise ValueError("give at least one way to reach them: phone, email, channel or link")
        return self


class Contacts(Strict):
    """The council's contacts by id: outcomes and declines name one of them."""

    contacts: dict[Id, Contact]

    @field_validator("contacts")
    @classmethod
    def _required(cls, contacts: dict[str, Contact]) -> dict[str, Contact]:
        missing = [c for c in REQUIRED_CONTACTS if c not in contacts]
        if missing:
            raise ValueError(f"contact '{missing[0]}' is missing (needed: {', '.join(REQUIRED_CONTACTS)})")
        return contacts


# --- drafts.yaml ---------------------------------------------------------------------------


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9']+", text.lower())) + " "


class Drafts(Strict):
    """Suggested replies by outcome id, for the officer to copy and edit; ``signoff`` signs
    one on a site not branded as the Council's; ``refer`` names a comment the officer pasted.
    No draft may say a word of ``never_say`` (politics, asking for personal details)."""

    replies: dict[Id, Text] = Field(min_length=1)
    signoff: Text
    refer: Text
    never_say: list[Text] = Field(default_factory=list)
    # The [bracketed] part of a reply that the officer's own facts replace, when they give
    # them with the request ("draft something saying it's closed for three weeks"), by outcome;
    # and the words that introduce those facts.
    facts: dict[Id, Text] = Field(default_factory=dict)
    facts_cues: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _facts_in_replies(self) -> Drafts:
        for outcome, placeholder in self.facts.items():
            if placeholder not in self.replies.get(outcome, ""):
                raise ValueError(f"facts.{outcome}: '{placeholder}' is not in replies.{outcome}")
        return self

    @model_validator(mode="after")
    def _placeholders_and_words(self) -> Drafts:
        texts = {f"replies.{k}": (v, {"council"}) for k, v in self.replies.items()}
        texts |= {"signoff": (self.signoff, {"signature", "council"}), "refer": (self.refer, {"comment"})}
        for where, (text, allowed) in texts.items():
            unknown = _placeholders(text) - allowed
            if unknown:
                raise ValueError(f"{where}: unknown placeholder {{{sorted(unknown)[0]}}}")
            said = next((w for w in self.never_say if _words(w) in _words(text)), None)
            if said is not None:
                raise ValueError(f"{where}: says '{said}', which never_say forbids in a public reply")
        return self


# --- messages.yaml -------------------------------------------------------------------------


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Templates(Strict):
    """Messages with ``{placeholders}``; each declares the names it may use."""

    allowed: ClassVar[dict[str, frozenset[str]]] = {}

    @field_validator("*", mode="after")
    @classmethod
    def _known_placeholders(cls, value: object, info: object) -> object:
        name = getattr(info, "field_name", "")
        allowed = cls.allowed.get(name, frozenset())
        if isinstance(value, str):
            try:
                unknown = _placeholders(value) - allowed
            except ValueError as exc:
                raise ValueError(f"broken placeholder: {exc}") from exc
            if unknown:
                names = ", ".join(sorted(unknown))
                ok = ", ".join(sorted(allowed)) or "none"
                raise ValueError(f"unknown placeholder {{{names}}} (allowed: {ok})")
        return value


class Words(Strict):
    """What an officer may type for each command; matched whole, case-insensitively."""

    yes: list[Text] = Field(min_length=1)
    no: list[Text] = Field(min_length=1)
    unsure: list[Text] = Field(min_length=1)
    back: list[Text] = Field(min_length=1)
    restart: list[Text] = Field(min_length=1)
    why: list[Text] = Field(min_length=1)
    stop: list[Text] = Field(min_length=1)
    help: list[Text] = Field(min_length=1)
    menu: list[Text] = Field(min_length=1)
    start_walk: list[Text] = Field(min_length=1)
    ask: list[Text] = Field(min_length=1)
    skip: list[Text] = Field(min_length=1)
    induction: list[Text] = Field(min_length=1)
    next: list[Text] = Field(min_length=1)
    policy: list[Text] = Field(min_length=1)
    draft: list[Text] = Field(min_length=1)
    # Also found inside a short message ("ok thanks, now send the urgent record").
    record: list[Text] = Field(min_length=1)
    urgent_record: list[Text] = Field(min_length=1)
    later: list[Text] = Field(default_factory=list)
    records: list[Text] = Field(default_factory=list)


class Labels(Strict):
    yes: Text
    no: Text
    unsure: Text
    back: Text
    why: Text
    stop: Text
    start_walk: Text
    ask: Text
    help: Text
    none_of_these: Text
    send_record: Text
    send_without_note: Text
    cancel: Text
    start_again: Text
    ask_question: Text
    induction: Text
    continue_: Text = Field(alias="continue")
    acknowledge: Text
    take_again: Text
    urgent_record: Text
    policy: Text
    draft: Text
    draft_council_site: Text
    draft_other_site: Text
    draft_refer: Text
    signature_keep: Text
    signature_change: Text
    signature_forget: Text


class Texts(Templates):
    allowed: ClassVar[dict[str, frozenset[str]]] = {
        "greeting": frozenset({"bot_name", "council"}),
        "unknown": frozenset({"comms_team"}),
        "referral": frozenset({"team", "contact"}),
        "near_miss": frozenset({"comms_team"}),
        "no_check_to_record": frozenset({"comms_team"}),
        "outcome_stands": frozenset({"title"}),
        "second_answer": frozenset({"title"}),
        "idle_expired": frozenset({"minutes"}),
        "question": frozenset({"number", "text"}),
        "cite": frozenset({"source", "title"}),
        "path_line": frozenset({"question", "answer"}),
        "record_prompt": frozenset({"comms_team"}),
        "urgent_stays": frozenset({"comms_team"}),
        "police_answer": frozenset({"comms_team"}),
        "act_at_outcome": frozenset({"title"}),
        "record_prompt_post": frozenset({"comms_team"}),
        "record_post": frozenset({"post"}),
        "record_sent": frozenset({"id", "comms_team"}),
        "record_sent_urgent": frozenset({"id", "comms_team"}),
        "record_title": frozenset({"id", "outcome"}),
        "record_title_urgent": frozenset({"id", "outcome"}),
        "record_officer": frozenset({"user", "channel", "time"}),
        "record_link": frozenset({"link"}),
        "record_comment": frozenset({"comment"}),
        "too_long": frozenset({"limit"}),
        "chosen": frozenset({"label"}),
        "home_record": frozenset({"id", "outcome", "time", "status"}),
        "sent_records": frozenset({"comms_team"}),
        "sent_record_one": frozenset({"id", "comms_team"}),
        "record_not_found": frozenset({"id", "comms_team"}),
        "sent_record_note": frozenset({"note"}),
        "follow_up": frozenset({"title"}),
        "whole_policy": frozenset({"comms_team", "contact"}),
        "overruled": frozenset({"question", "phrase"}),
        "no_draft_here": frozenset({"title", "summary"}),
        "source_of": frozenset({"title"}),
        "sent_records_add": frozenset({"comms_team", "contact"}),
        "induction_chapter": frozenset({"number", "total", "title"}),
        "induction_right": frozenset({"feedback"}),
        "induction_wrong": frozenset({"feedback"}),
        "induction_reveal": frozenset({"answer", "explanation"}),
        "induction_score": frozenset({"right", "total"}),
        "induction_done": frozenset({"comms_team", "date", "score", "total"}),
        "new_post_or_question": frozenset({"title"}),
        "no_record_here": frozenset({"comms_team", "contact"}),
        "induction_already_done": frozenset({"date", "score", "total"}),
        "induction_progress": frozenset({"number", "total", "right", "answered"}),
        "induction_progress_start": frozenset({"number", "total"}),
        "escalate_optional": frozenset({"comms_team"}),
        "safety_alert": frozenset({"comms_team", "risk"}),
        "safety_caution": frozenset({"comms_team", "risk"}),
        "outcome_path": frozenset({"path"}),
        "path_step": frozenset({"question", "answer"}),
        "outcome_contact": frozenset({"contact"}),
        "outcome_when": frozenset({"when"}),
        "contact": frozenset({"name", "ways"}),
        "contact_phone": frozenset({"phone"}),
        "contact_email": frozenset({"email"}),
        "contact_channel": frozenset({"channel"}),
        "contact_link": frozenset({"link"}),
        "contact_hours": frozenset({"hours"}),
        "contact_out_of_hours": frozenset({"out_of_hours"}),
        "suggest_yes": frozenset({"phrase"}),
        "suggest_no": frozenset({"phrase"}),
    }

    greeting: Text
    help: Text
    small_talk: Text
    small_talk_in_flow: Text
    safety_alert: Text
    safety_caution: Text
    ask_prompt: Text
    unknown: Text
    # A short statement that asks nothing and matches nothing ("this rota is killing me"):
    # no policy gap to log, so the officer is shown what the bot can do instead.
    unclear: Text
    unclear_in_flow: Text
    induction_in_walk: Text
    later_in_walk: Text
    new_post_or_question: Text
    note_question: Text
    referral: Text
    near_miss: Text
    second_answer: Text
    which_one: Text
    did_you_mean: Text
    related: Text
    empty: Text
    too_long: Text
    unreadable: Text
    attachment_only: Text
    still_working: Text
    error: Text
    busy: Text
    walk_intro: Text
    walk_intro_read: Text
    question: Text
    suggest_yes: Text
    suggest_no: Text
    why_title: Text
    cite: Text
    first_question: Text
    stopped: Text
    nothing_to_stop: Text
    not_in_walk: Text
    restarted: Text
    stale_button: Text
    stale_no_walk: Text
    idle_expired: Text
    not_an_answer: Text
    side_answer_back: Text
    outcome_path: Text
    path_line: Text
    outcome_policy: Text
    escalate_optional: Text
    outcome_next: Text
    record_prompt: Text
    # Said when an officer asks for an urgent record to go as an ordinary one (``not_urgent``).
    urgent_stays: Text
    # A question about acting on the post, asked during its check (``acting_on_post``).
    act_after_check: Text
    # The same question at an outcome: the outcome's steps are the answer for this post.
    act_at_outcome: Text
    # A question about going to the police or the safeguarding route (``police``).
    police_answer: Text
    # The same, when the officer pasted the post the check started from: it goes with the record.
    record_prompt_post: Text
    # The pasted post, as the record carries it after the officer's note.
    record_post: Text
    record_sent: Text
    record_sent_urgent: Text
    record_cancelled: Text
    record_title: Text
    record_title_urgent: Text
    record_officer: Text
    record_path: Text
    record_link: Text
    record_comment: Text
    no_record_here: Text
    no_check_to_record: Text
    stale_number: Text
    outcome_stands: Text
    urgent_not_sent: Text
    record_at_outcome: Text
    chosen: Text
    chosen_unlabelled: Text
    not_your_check: Text
    home_records: Text
    home_record: Text
    home_no_records: Text
    # "did comms get my record?": the officer's own records with where each stands, and how
    # to add to one (quote its number to the team)
    sent_records: Text
    # A record asked after by its number ("what did I put in R-1AE71D52?"): that one, whole.
    sent_record_one: Text
    # ... or, when it is not among the officer's latest records, so.
    record_not_found: Text
    sent_record_note: Text
    sent_records_add: Text
    # a follow-up read with the answer before it in mind: the heading of the answer it gets,
    # and of the passage shown again for "where does it say that?"
    follow_up: Text
    # "can you show me the full policy?" away from an outcome: who has the whole document
    whole_policy: Text
    any_site: Text
    # at an outcome, for each "no" given where the first read of the post found words for yes
    overruled: Text
    # the first answer of a walk started by the safety alert's button, in its path
    from_alert: Text
    # a question asked beside an answer to a walk question that the FAQ cannot answer there
    side_question_unplaced: Text
    # "draft a reply" at an outcome that suggests none, and away from any check
    no_draft_here: Text
    draft_no_check: Text
    noted: Text
    source_of: Text
    induction_intro: Text
    induction_chapter: Text
    induction_check: Text
    induction_right: Text
    induction_wrong: Text
    induction_reveal: Text
    induction_score: Text
    induction_reread: Text
    induction_all_right: Text
    induction_ack_prompt: Text
    induction_done: Text
    induction_paused: Text
    induction_resume: Text
    induction_already_done: Text
    induction_progress: Text
    induction_progress_start: Text  # the same before any check is answered ("0 of 0" reads as lost)
    induction_first_chapter: Text
    # a statement typed at a check that names no option ("if u delete it quick its fine
    # surely"): not marked either way, nor read as a policy question
    induction_unmatched: Text
    path_step: Text
    outcome_contact: Text
    outcome_when: Text
    # One line at an outcome that involves replying: the response considerations by name (the
    # whole list is behind "Show the policy", so the first message stays short).
    outcome_considerations: Text
    draft_where: Text
    draft_title: Text
    draft_note: Text
    draft_signature_prompt: Text
    draft_comment_prompt: Text
    draft_comment_withheld: Text
    signature_kept: Text
    signature_forgotten: Text
    contact: Text
    contact_phone: Text
    contact_email: Text
    contact_channel: Text
    contact_link: Text
    contact_hours: Text
    contact_out_of_hours: Text


class ChatReply(Strict):
    """The reply to chatter that holds one of ``markers`` (thanks, a farewell, a greeting):
    ``text`` before the menu, ``in_flow`` before the step a walk or tour is waiting at."""

    markers: list[Text] = Field(min_length=1)
    text: Text
    in_flow: Text


class SmallTalk(Strict):
    """A message made only of these words, with at least one marker, is small talk ("hi there,
    thanks for the info!"): a friendly line and the menu, never a policy question."""

    markers: list[Text] = Field(min_length=1)
    words: list[Text] = Field(default_factory=list)
    # Whole messages of chatter the matcher learns as its own class, so that pleasantries in
    # other words ("you're a star", "happy friday") are recognised too.
    examples: list[Text] = Field(default_factory=list)
    # Replies by kind, the first whose markers the message holds; otherwise texts.small_talk
    # (and texts.small_talk_in_flow mid-walk or mid-tour).
    replies: list[ChatReply] = Field(default_factory=list)


class OptionWords(Strict):
    """How an officer may name an option of an induction check in words ("the 2nd one",
    "option b"): ``ordinals[n]`` name option n + 1; ``fillers`` may surround them. Written in
    lower case without apostrophes, as ``plain_words`` reads a message."""

    ordinals: list[list[Text]] = Field(min_length=4)
    fillers: list[Text] = Field(default_factory=list)


class FollowUps(Strict):
    """A short message that follows on from the answer before it ("what about on Instagram?",
    "where does it say that?", "and if I don't?"): read with that answer in mind."""

    # Asks where the last answer comes from: its passage and source again.
    source: list[Text] = Field(default_factory=list)
    # Asks what happens if the officer does not (or does): the entry on breaches.
    consequence: list[Text] = Field(default_factory=list)
    consequence_entry: Id | None = None
    # Opens a message that goes on from the last answer ("what about", "and if", "so can I").
    openers: list[Text] = Field(default_factory=list)
    # Sites named in a follow-up at an outcome ("what about on instagram, same rules?"): the
    # outcome's steps apply on any of them (texts.any_site).
    sites: list[Text] = Field(default_factory=list)


class PhraseParts(Strict):
    """A clause that says one of ``verbs`` and one of ``objects`` (whole words, in any order),
    or one of ``phrases`` whole."""

    verbs: list[Text] = Field(default_factory=list)
    objects: list[Text] = Field(default_factory=list)
    phrases: list[Text] = Field(default_factory=list)


class RecordRequest(PhraseParts):
    """A request for the record in the officer's own words (``verbs`` with ``objects``)."""

    # Words that make such a request an urgent one ("send it to comms as urgent, <link>"):
    # the safety alert's urgent record, sent with the message as its note.
    urgent: list[Text] = Field(default_factory=list)
    # Outside an outcome, a message with one of ``elsewhere`` and one of ``targets`` ("i need
    # comms to know about that, can u send it") asks for a record: the officer is told what
    # can be sent.
    elsewhere: list[Text] = Field(default_factory=list)
    targets: list[Text] = Field(default_factory=list)
    # Asked in a long message, a way of asking after records counts only when it holds one of
    # these ("did comms get the one about..."; "picked up the" in a pasted post does not).
    names: list[Text] = Field(default_factory=list)


class Messages(Strict):
    words: Words
    # Commands (fields of ``Words``) also found inside a short message, in the order looked for.
    inside: dict[str, list[Text]] = Field(default_factory=dict)
    # The same, only while a walk is at an outcome.
    at_outcome: dict[str, list[Text]] = Field(default_factory=dict)
    # What an answer at a walk question may open with before the answer ("honestly yes").
    answer_fillers: list[Text] = Field(default_factory=list)
    # Words that deny the risk after them in a "no" at the safety question ("no threat").
    denials: list[Text] = Field(default_factory=list)
    # At the note step, a question that opens with one of these (within its first words) is
    # for the bot ("does this go to legal too?"): it is answered and nothing is sent yet. A
    # note that starts with ``note_marker`` is always the note.
    bot_questions: list[Text] = Field(default_factory=list)
    # At the first question of a check started without a post, words that speak of the post
    # rather than being it ("got a post on FB", "pasting it now"): such a message is not read
    # as the post.
    about_a_post: list[Text] = Field(default_factory=list)
    # Hedges that say the officer does not know: where not sure means yes (safety), a
    # conclusion after one ("not sure, so no") is still not sure.
    doubts: list[Text] = Field(default_factory=list)
    # Words by which an officer takes back the answer they just began ("no wait yes, it's a
    # slur"): in an answer to a walk question, what follows the last of them is the answer.
    corrections: list[Text] = Field(default_factory=list)
    # Emoji read as words in an answer at a walk question ("👍": "yes", "🤷": "not sure").
    emoji: dict[Text, Text] = Field(default_factory=dict)
    note_marker: Text = "note:"
    # At an outcome, words in a request for the record after which the officer gives its note
    # ("send it to comms pls. add a note that the same account had a go at cllr hughes").
    note_cues: list[Text] = Field(default_factory=list)
    # At the urgent outcome, words asking for the record to go as an ordinary one ("can it go
    # as normal, not urgent"): it stays urgent, and texts.urgent_stays says why.
    not_urgent: list[Text] = Field(default_factory=list)
    # During a check, a question about acting on the post in hand ("should i just hide it?",
    # "can i DM him?", "shld i take the mums pic down"): what the check settles, so
    # texts.act_after_check, not an FAQ entry. A clause with one of its ``verbs`` and one of its
    # ``objects`` (whole words), or one of its ``phrases``.
    acting_on_post: PhraseParts = Field(default_factory=lambda: PhraseParts())
    # A clause asking for the record in the officer's own words, at an outcome that sends one
    # or in an answer that reaches it ("send comms a record now pls", "make it urgent n send to
    # comms"): it holds one of ``verbs`` and one of ``objects`` (whole words).
    record_request: RecordRequest = Field(default_factory=lambda: RecordRequest())
    # A question about going to the police or the safeguarding route ("can i ring the police
    # myself?"): texts.police_answer, from the urgent outcome's steps, not an FAQ entry on
    # waiting for advice before acting on the site.
    police: list[Text] = Field(default_factory=list)
    follow_ups: FollowUps = Field(default_factory=FollowUps)
    # Hedges that lean one way ("don't think so", "i think so"): still unsure, but at a
    # question whose unsure takes the other branch, the officer is asked to confirm.
    leaning: dict[Literal["yes", "no"], list[Text]] = Field(default_factory=dict)
    labels: Labels
    texts: Texts
    small_talk: SmallTalk
    options: OptionWords

    @field_validator("inside", "at_outcome")
    @classmethod
    def _commands(cls, inside: dict[str, list[Text]]) -> dict[str, list[Text]]:
        unknown = sorted(set(inside) - set(Words.model_fields))
        if unknown:
            raise ValueError(f"not a command of 'words': {', '.join(unknown)}")
        return inside


# --- safety.yaml ---------------------------------------------------------------------------


class SafetyCategory(Strict):
    id: Id
    name: Text
    phrases: list[Text] = Field(min_length=1)
    # An officer's own words for a risk ("threat", "in danger"): in a "no" to a walk question,
    # after a denial ("no threat", "nobody's in danger"), they say the risk is not there.
    deniable: bool = False

    @field_validator("phrases")
    @classmethod
    def _written_normal(cls, phrases: list[Text]) -> list[Text]:
        """Phrases are written as the matcher reads a message, so none silently never matches."""
        for phrase in phrases:
            words = phrase.split(" ")
            edges = "*" in (words[0], words[-1])
            if edges or phrase != phrase.lower() or any(not (w == "*" or w.isalnum()) for w in words):
                raise ValueError(
                    f"phrase '{phrase}': write lower-case words without apostrophes or punctuation,"
                    " one space apart ('*' between two words for up to three more)"
                )
        return phrases


class SafetyClassifier(Strict):
    """Example messages per kind of risk (ids of ``categories``) and ``ordinary`` ones; a kind
    whose score reaches ``threshold`` raises the alarm."""

    threshold: float = 0.0
    # A kind scoring at least this, but under ``threshold``, gets the gentler "in case someone
    # is at risk" guidance before the usual answer: a miss costs far more than a caution.
    possible: float | None = None
    examples: dict[Id, list[Text]]

    @model_validator(mode="after")
    def _possible_below(self) -> SafetyClassifier:
        if self.possible is not None and self.possible > self.threshold:
            raise ValueError("possible must not be above threshold")
        return self


class Safety(Strict):
    """Language that means someone may be at risk: any message containing it gets the urgent
    guidance first, in or out of a walk."""

    categories: list[SafetyCategory] = Field(min_length=1)
    must_not_match: list[Text] = Field(default_factory=list)
    classifier: SafetyClassifier | None = None


# --- desk.yaml -----------------------------------------------------------------------------


class Resolution(Strict):
    """How the Communications Team may close a record; the id is what records and exports keep."""

    id: Id
    label: Annotated[str, StringConstraints(min_length=1, max_length=75, strip_whitespace=True)]


class DeskTexts(Templates):
    """The desk's words: on the record's post, to the officer, to whoever presses, reminders."""

    allowed: ClassVar[dict[str, frozenset[str]]] = {
        "status_acknowledged": frozenset({"name", "time"}),
        "status_closed": frozenset({"name", "time", "resolution"}),
        "status_note": frozenset({"note"}),
        "officer_acknowledged": frozenset({"name", "comms_team", "id", "outcome"}),
        "officer_closed": frozenset({"name", "comms_team", "id", "outcome", "resolution"}),
        "already_acknowledged": frozenset({"name", "time", "id"}),
        "already_closed": frozenset({"name", "time", "id"}),
        "acknowledged": frozenset({"id"}),
        "closed": frozenset({"id", "resolution"}),
        "reminder": frozenset({"id", "outcome", "officer", "minutes"}),
    }

    acknowledge: Annotated[str, StringConstraints(min_length=1, max_length=75, strip_whitespace=True)]
    close: Annotated[str, StringConstraints(min_length=1, max_length=24, strip_whitespace=True)]
    status_new: Text
    status_acknowledged: Text
    status_closed: Text
    status_note: Text
    officer_acknowledged: Text
    officer_closed: Text
    acknowledged: Text
    closed: Text
    already_acknowledged: Text
    already_closed: Text
    no_such_record: Text
    not_from_desk: Text
    no_such_group: Text  # the dashboard's answer to a download whose group has gone
    sign_in_first: Text  # the dashboard's answer to a request with no session (not a page)
    cross_origin: Text  # ... to an action sent from another site
    form_expired: Text  # ... to an action whose form token is missing or stale
    close_title: Annotated[str, StringConstraints(min_length=1, max_length=24, strip_whitespace=True)]
    close_resolution: Text
    close_note: Text
    close_submit: Annotated[str, StringConstraints(min_length=1, max_length=24, strip_whitespace=True)]
    reminder: Text
    reminder_attention: Text


class Desk(Strict):
    """The Communications Team's desk: how a record may be closed, and what the desk says."""

    resolutions: list[Resolution] = Field(min_length=1, max_length=100)
    texts: DeskTexts


# --- triage.yaml ---------------------------------------------------------------------------


class TriageAnswers(Strict):
    """Example posts for one flowchart question: ones whose answer is yes, ones whose answer is no."""

    yes: list[Text] = Field(min_length=5)
    no: list[Text] = Field(min_length=5)

    @model_validator(mode="before")
    @classmethod
    def _plain_keys(cls, data: object) -> object:
        """YAML reads an unquoted ``yes:`` or ``no:`` key as true or false."""
        if isinstance(data, dict):
            named = {True: "yes", False: "no"}
            return {(named[k] if isinstance(k, bool) else k): v for k, v in data.items()}
        return data


class Triage(Strict):
    """A first read of a pasted post: example posts per question teach a suggestion for each;
    ``precision`` is how often a shown suggestion must be right on the examples (held out in
    turn) for it to be shown; ``lead_ins`` are the words that introduce a pasted post
    ("someone wrote: ...")."""

    precision: float = Field(default=0.95, gt=0.5, le=1)
    lead_ins: list[Text] = Field(min_length=1)
    questions: dict[Id, TriageAnswers] = Field(min_length=1)


class Content(Strict):
    """All content, cross-checked: what the engine, matcher and machines are built from."""

    about: About
    policy: Policy
    faq: Faq
    out_of_scope: OutOfScope
    flowchart: Flowchart
    induction: Induction
    matching: Matching
    messages: Messages
    safety: Safety
    contacts: Contacts
    drafts: Drafts
    desk: Desk
    triage: Triage | None = None  # triage.yaml is optional: without it the walk makes no suggestions
