"""The neutral vocabulary between channels and the engine: no Slack dict or Teams Activity here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def shown_time(at: str | None) -> str:
    """A stored time as people read it: ``2026-11-25T09:03:00Z`` as ``2026-11-25 09:03``
    (numbers only, so no words in code)."""
    return (at or "")[:16].replace("T", " ")


def timestamp(moment: datetime) -> str:
    """How every time in a record or log is written: UTC to the second, as text that sorts and
    compares the same way on every database and reads plainly in an export."""
    return moment.strftime(TIME_FORMAT)


@dataclass(frozen=True)
class Choice:
    """A button: what the officer sees and the opaque value the engine gets back."""

    label: str
    value: str


@dataclass(frozen=True)
class Incoming:
    """One thing an officer did: typed text, pressed a button (``choice``), or ``opened`` the
    bot without a word (a bare slash command, a terminal chat starting), which gets the
    greeting and where they are. ``attachments`` counts files or images sent with the text;
    the bot never opens them."""

    channel: str
    conversation: str
    user: str
    text: str = ""
    choice: str | None = None
    user_name: str | None = None
    attachments: int = 0
    opened: bool = False


@dataclass(frozen=True)
class Quote:
    """A passage of the policy and where it comes from, already worded for display."""

    text: str
    cite: str
    verbatim: bool = True


@dataclass(frozen=True)
class Reply:
    """One message from the bot; channels decide only the layout."""

    text: str
    choices: tuple[Choice, ...] = ()
    quotes: tuple[Quote, ...] = ()
    title: str | None = None
    prompt: str | None = None  # shown just above the buttons, after any quotes


@dataclass(frozen=True)
class Suggestion:
    """A first read of the post at one question: the answer it points to and the words of the
    post that show it. Shown beside the question, never taken as the officer's answer."""

    answer: str  # "yes" or "no"
    reason: str


@dataclass(frozen=True)
class StateView:
    """Where the conversation stands after a turn, for scripts, tests and channels."""

    flow: str | None = None
    node: str | None = None
    outcome: str | None = None
    suggestion: Suggestion | None = None  # at a question of a walk started from a post


@dataclass(frozen=True)
class DecisionRecord:
    """What an officer sent to the Communications Team at the end of a walk."""

    id: str
    created_at: str
    user: str
    user_name: str | None
    channel: str
    conversation: str
    outcome: str
    outcome_title: str
    urgency: str
    path: tuple[tuple[str, str], ...]
    comment: str | None = None
    link: str | None = None
    from_alert: bool = False  # sent from the safety alert: the first question was never answered


@dataclass(frozen=True)
class InductionRecord:
    """One officer's induction: kept per channel and user, updated as they go."""

    user: str
    user_name: str | None
    channel: str
    started_at: str
    finished_at: str | None
    score: int | None
    out_of: int
    acknowledged: bool
    content_version: str


@dataclass(frozen=True)
class Escalation:
    """A record for the Communications Team and the message that tells them about it."""

    record: DecisionRecord
    message: Reply


@dataclass(frozen=True)
class Outgoing:
    """Everything a turn produced: the replies, the state after it, and any escalation.

    ``accepted`` is False when the turn refused what it was given (an expired or forged
    button, a press that lost a race), so a channel leaves the pressed message as it was."""

    replies: tuple[Reply, ...]
    state: StateView = field(default_factory=StateView)
    escalations: tuple[Escalation, ...] = ()
    accepted: bool = True
