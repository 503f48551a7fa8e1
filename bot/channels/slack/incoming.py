"""What an officer did in Slack, as an ``Incoming``: Slack's markup is read here, so the core
sees the officer's words and never a mention, a channel link or Slack's escapes."""

from __future__ import annotations

import re

from bot.channels.slack import payloads as p
from bot.core.messages import Incoming

CHANNEL = "slack"

# Slack sends an officer's own "<", ">" and "&" as &lt; &gt; &amp;, so a bare "<" always opens
# markup: a user, channel or group mention (<@U1>, <#C1|general>, <!here>, <!subteam^S1>) or a
# link (<http://x|label>, <mailto:a@b>). No pattern may run past the next "<": an unclosed
# "<@" or "<http:" then costs one scan of the text, not one scan per "<" (which made a
# 40,000-character message take seconds).
_MENTION = re.compile(r"<[@!#][^<>]*>")
_LINK = re.compile(r"<((?:https?|mailto):[^<>|]+)(?:\|[^<>]*)?>", re.IGNORECASE)
_ESCAPE = re.compile(r"&(amp|lt|gt);")
_ESCAPED = {"amp": "&", "lt": "<", "gt": ">"}
# Slack cuts a message at 40,000 characters; reading no more bounds the work on any body.
TEXT_LIMIT = 40_000


def words(text: str) -> str:
    """The text an officer typed: a link becomes its address, a mention is removed, and
    Slack's three escapes are decoded last, in one pass, so what the officer typed as "&lt;"
    (sent as "&amp;lt;") stays "&lt;" and can never turn into markup."""
    text = _LINK.sub(r"\1", text[:TEXT_LIMIT])
    text = _MENTION.sub(" ", text)
    return _ESCAPE.sub(lambda m: _ESCAPED[m.group(1)], text)


def written(event: p.Payload, channel: str, thread: str | None) -> Incoming:
    """A DM or a mention: its words and how many files came with it; a thread is a
    conversation of its own."""
    return Incoming(
        CHANNEL,
        p.conversation(channel, thread),
        str(event.get("user")),
        text=words(p.text_of(event)),
        attachments=p.files_in(event),
    )


def command(body: p.Payload) -> Incoming:
    """A slash command: its text; a bare command opens the bot. The channel id alone names
    this walk, apart from any thread's in the same channel."""
    text = words(str(body.get("text") or "")).strip()
    name = p.text_or_none(body.get("user_name"))
    channel, user = str(body.get("channel_id")), str(body.get("user_id"))
    return Incoming(CHANNEL, channel, user, text=text, user_name=name, opened=not text)


def pressed(body: p.Payload, channel: str, thread: str | None) -> Incoming:
    """A button press: the value of the button, never text."""
    user = body.get("user") or {}
    action = (body.get("actions") or [{}])[0]
    return Incoming(
        CHANNEL,
        p.conversation(channel, thread),
        str(user.get("id")),
        choice=str(action.get("value", "")),
        user_name=p.text_or_none(user.get("name")),
    )
