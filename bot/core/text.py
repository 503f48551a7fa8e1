"""Normalise what an officer typed before anything reads it: one place for every channel."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Platform markup (Slack mentions, links and escapes; Teams <at> mentions) is read by each
# channel's adapter before the text reaches the core: here the text is only normalised.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACE = re.compile(r"\s+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Control characters and runs of spaces shrink the text before the cut, so read a little more
# than the limit, never the whole text.
_READ_AHEAD = 2


def clean(text: str, *, limit: int) -> tuple[str, bool]:
    """Return the text normalised (NFKC, control characters and extra spaces removed), and
    whether it was cut to ``limit`` characters. Costs time in proportion to ``limit``, not to
    the text: only the first ``2 * limit`` characters are read."""
    longer = len(text) > limit * _READ_AHEAD
    text = unicodedata.normalize("NFKC", text[: limit * _READ_AHEAD])
    text = _CONTROL.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    if len(text) > limit or longer:
        return text[:limit].rstrip(), True
    return text, False


def scrub(text: str) -> str:
    """The text with any lone surrogate (half of an emoji, as a JSON escape can carry) replaced
    by U+FFFD, so it can always be encoded and written; a whole pair becomes its character."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


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


_PLAIN_WORD = re.compile(r"[0-9a-z]+")

# A span in double quotes, or in single quotes opened after a space, a colon or the start and
# closed before a space, punctuation or the end, so "nan's" inside it is not an end.
QUOTED = re.compile(r"[\"“]([^\"”]+)[\"”]|(?:^|(?<=[\s:]))['‘]((?:[^'’]|['’](?=\w))+)['’](?=[\s.,;:!?)-]|$)")
QUOTE_WORDS = 4  # a quoted span this long is someone else's words, set aside to read a question


def plain_words(text: str) -> list[str]:
    """The words of a message as short-answer, small-talk and safety phrases compare them: lower
    case, apostrophes dropped ("can't" is "cant"), split at anything not a letter or digit."""
    return _PLAIN_WORD.findall(text.lower().replace("’", "").replace("‘", "").replace("'", ""))


def plain(text: str) -> str:
    """The text as ``plain_words`` reads it, one space between words: how phrases are written."""
    return " ".join(plain_words(text))


def phrases(items: Iterable[str]) -> tuple[str, ...]:
    """Content's phrases as ``says`` compares them, each once, longest first, blanks dropped:
    read once when content loads, not once a message."""
    return tuple(sorted({plain(item) for item in items} - {""}, key=len, reverse=True))


def says(text: str, phrases: Iterable[str]) -> bool:
    """Whether the message holds any of ``phrases`` (each written as ``plain_words`` reads, one
    space between words) as whole words."""
    padded = f" {' '.join(plain_words(text))} "
    return any(f" {phrase} " in padded for phrase in phrases)


def quoted(found: re.Match[str]) -> str:
    """The words inside a ``QUOTED`` match, whichever kind of quotes held them."""
    return (found.group(1) or found.group(2) or "").strip()


def quoted_spans(text: str) -> list[re.Match[str]]:
    """The spans in quotes long enough to be someone else's words (``QUOTE_WORDS``)."""
    return [f for f in QUOTED.finditer(text) if len(plain_words(quoted(f))) >= QUOTE_WORDS]


def unquoted(text: str) -> str:
    """A question with the quoted words in it set aside ("a neighbour asked 'is the tip open
    on Monday?', can I answer from my own account?"): what is asked is about the quote, not
    in it. The text as it is when nothing long is quoted, or too little is left."""
    spans = quoted_spans(text)
    if not spans:
        return text
    left = text
    for found in spans:
        left = left.replace(found.group(0), " that ", 1)
    return left if len(plain_words(left)) >= QUOTE_WORDS else text
