"""What Slack payloads look like, known in one place: which messages are an officer's, which
conversation a message or press belongs to, and whether a body has the shape bolt reads."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

Payload = dict[str, Any]

# Message subtypes that carry an officer's words: plain, with a file, or sent to the channel
# from a thread. Edits, deletions, joins and bot messages are not someone asking.
OFFICER_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})

# Fields bolt and the listeners index into: a wrong type there would be a crash, not an answer.
_OBJECTS = ("event", "message", "previous_message", "item", "view", "container", "assistant_thread")
_OBJECT_OR_ID = ("user", "team", "enterprise", "channel")
_LISTS_OF_OBJECTS = ("actions", "authorizations", "response_urls", "files", "blocks")


class Malformed(ValueError):
    """A signed body that is not a Slack payload: answered 400."""


def parse(text: str, content_type: str) -> Payload:
    """The body as bolt would read it, or ``Malformed``. A form is read field by field (bolt
    takes any form mentioning "payload", even in a slash command's text, for an action)."""
    try:
        if content_type == "application/json" or text.startswith("{"):
            body = json.loads(text)
        else:
            form = dict(parse_qsl(text, keep_blank_values=True))
            body = json.loads(form["payload"]) if "payload" in form else form
    except ValueError as exc:
        raise Malformed(type(exc).__name__) from None
    if not well_formed(body):
        raise Malformed("unexpected shape")
    return dict(body)


def well_formed(body: object, depth: int = 0) -> bool:
    """True when every field bolt or a listener indexes has the type Slack sends."""
    if not isinstance(body, dict) or depth > 3:
        return isinstance(body, dict)
    for key in _OBJECTS:
        if body.get(key) is not None and not well_formed(body[key], depth + 1):
            return False
    for key in _OBJECT_OR_ID:
        if body.get(key) is not None and not isinstance(body[key], dict | str):
            return False
    for key in _LISTS_OF_OBJECTS:
        value = body.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            return False
    event = body.get("event")
    if body.get("type") == "event_callback" and not isinstance((event or {}).get("type"), str):
        return False
    return depth > 0 or _workflow_step_complete(body)


def _workflow_step_complete(body: Payload) -> bool:
    """bolt reads ``workflow_step`` from every Steps-from-Apps payload it sees."""
    view = body.get("view") or {}
    if body.get("type") == "view_submission" and "callback_id" in view and "type" not in view:
        return False
    step = body.get("type") == "workflow_step_edit" or (
        body.get("type") == "view_submission" and view.get("type") == "workflow_step"
    )
    return not step or isinstance(body.get("workflow_step"), dict)


# --- messages ----------------------------------------------------------------------------


def from_bot(event: Payload, bot_user: str | None) -> bool:
    """Any bot, this one included: answering bots can loop two of them forever."""
    return bool(event.get("bot_id") or event.get("subtype") == "bot_message") or (
        bot_user is not None and event.get("user") == bot_user
    )


def officer_dm(event: Payload, bot_user: str | None) -> bool:
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in OFFICER_SUBTYPES
        and not from_bot(event, bot_user)
        and isinstance(event.get("user"), str)
    )


def text_of(event: Payload) -> str:
    text = event.get("text")
    return text if isinstance(text, str) else ""


def files_in(event: Payload) -> int:
    """How many files came with a message; the bot never downloads them."""
    files = event.get("files")
    return len(files) if isinstance(files, list) else 0


def text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


# --- conversations ------------------------------------------------------------------------


def is_dm(channel: str) -> bool:
    """Slack's direct-message channel ids start with D."""
    return channel.startswith("D")


def conversation(channel: str, thread_ts: str | None) -> str:
    """One conversation per DM (a thread there continues it); in a channel, one per thread,
    kept apart from the channel's ephemeral slash-command walk (the bare channel id)."""
    if thread_ts and not is_dm(channel):
        return f"{channel}:{thread_ts}"
    return channel


def press_place(body: Payload) -> tuple[str | None, str | None]:
    """The channel and thread a press on a message belongs to (none for the Home tab)."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    if container.get("is_ephemeral"):
        return text_or_none(channel), None  # only slash-command answers are ephemeral
    message = body.get("message") or {}
    return text_or_none(channel), text_or_none(message.get("thread_ts"))


def press_key(body: Payload, user: str) -> str:
    """One press of one button in one rendering: repeats of it share the key."""
    action = (body.get("actions") or [{}])[0]
    container = body.get("container") or {}
    rendering = action.get("block_id") or container.get("message_ts") or container.get("view_id")
    return f"slack:press:{user}:{rendering}:{action.get('value')}"
