"""Clean what an officer typed before anything reads it: one place for every channel."""

from __future__ import annotations

import re
import unicodedata

# Slack and Teams markup that must never reach matching or be echoed back: user, channel
# and group mentions (<@U1>, <!here>, <#C1|general>), links (<http://x|label>) and Teams <at>.
_MENTION = re.compile(r"<[@!#][^>]*>|<at>[^<]*</at>", re.IGNORECASE)
_LINK = re.compile(r"<((?:https?|mailto):[^>|]+)(?:\|[^>]*)?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACE = re.compile(r"\s+")


def clean(text: str, *, limit: int) -> tuple[str, bool]:
    """Return the text with markup, control characters and extra spaces removed, and whether
    it was cut to ``limit`` characters."""
    text = unicodedata.normalize("NFKC", text)
    text = _LINK.sub(r"\1", text)
    text = _MENTION.sub(" ", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    if len(text) > limit:
        return text[:limit].rstrip(), True
    return text, False


def looks_unreadable(text: str) -> bool:
    """True for input that is mostly replacement characters or symbols: a pasted binary."""
    if not text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or unicodedata.category(ch) in {"Co", "Cs", "Cn"})
    return bad / len(text) > 0.3


def first_link(text: str) -> str | None:
    """The first web address in a note, so a record can show the post's link on its own."""
    match = re.search(r"https?://[^\s<>|\"'`]+", text)
    return match.group(0).rstrip(".,;:!?)]}") if match else None


def command_word(text: str) -> str:
    """The text as a command candidate: lower case, no trailing punctuation or slash."""
    return text.strip().lower().strip("!?.,;:/ ").replace("’", "'")
