"""The words the code itself uses: flows, button verbs and typed intents, each declared once.

Content decides what an officer may type for an intent (``messages.yaml`` ``words``); these
enums are the names the code and the stored state use, so a typo is a type error, not a bug.
"""

from __future__ import annotations

from enum import StrEnum


class FlowId(StrEnum):
    """A conversation flow, as stored and as shown in ``StateView.flow``."""

    WALK = "flowchart"  # the response-decision flowchart, one question at a time
    TOUR = "induction"  # the new starters' guided tour


class Verb(StrEnum):
    """What a button does; the first part of its value (see ``choices``)."""

    # Menu and answer buttons: they never expire.
    WALK = "walk"
    ASK = "ask"
    HELP = "help"
    FAQ = "faq"
    NONE = "none"
    INDUCTION = "induction"
    # Walk steps: valid only in the walk and at the move they were shown for.
    ANSWER = "answer"
    BACK = "back"
    WHY = "why"
    STOP = "stop"
    RECORD = "record"
    POLICY = "policy"  # at an outcome: the policy behind it
    DRAFT = "draft"  # at an outcome: a suggested reply, and its steps
    # Tour steps, likewise.
    TOUR = "tour"
    OPTION = "option"


# The flow each step button belongs to; every other verb is a menu or answer button.
STEP_VERBS: dict[Verb, FlowId] = {
    Verb.ANSWER: FlowId.WALK,
    Verb.BACK: FlowId.WALK,
    Verb.WHY: FlowId.WALK,
    Verb.STOP: FlowId.WALK,
    Verb.RECORD: FlowId.WALK,
    Verb.POLICY: FlowId.WALK,
    Verb.DRAFT: FlowId.WALK,
    Verb.TOUR: FlowId.TOUR,
    Verb.OPTION: FlowId.TOUR,
}


class Intent(StrEnum):
    """A command an officer typed; each is a field of ``Words`` in ``messages.yaml``."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"
    BACK = "back"
    RESTART = "restart"
    WHY = "why"
    STOP = "stop"
    HELP = "help"
    MENU = "menu"
    START_WALK = "start_walk"
    ASK = "ask"
    SKIP = "skip"
    INDUCTION = "induction"
    NEXT = "next"
    POLICY = "policy"
    DRAFT = "draft"
    RECORD = "record"  # send the record of the outcome reached
    URGENT_RECORD = "urgent_record"  # the safety alert's button, typed
    LATER = "later"  # "gotta run, I'll finish this later": the tour paused, a walk's place kept
    RECORDS = "records"  # "did comms get my record?": the officer's own records and where they stand


URGENT = "urgent"  # the argument of the walk button that goes straight to the urgent outcome
