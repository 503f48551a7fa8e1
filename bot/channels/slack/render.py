"""Replies as Block Kit. Everything is plain_text, so nothing an officer typed can ping a
channel or break formatting; the notification text is escaped as Slack asks."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from bot.core.messages import Choice, Reply

Block = dict[str, Any]

TEXT_LIMIT = 2900  # Slack allows 3,000 characters in a text object; leave room
HEADER_LIMIT = 150
LABEL_LIMIT = 75
BUTTONS_PER_BLOCK = 25
BLOCKS_PER_MESSAGE = 50
ACTION_PREFIX = "choice-"


def escape(text: str) -> str:
    """Slack's three control characters; with them escaped no mention or link can form."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def chunks(text: str, limit: int = TEXT_LIMIT) -> Iterator[str]:
    """Split long text at line breaks (or hard, for one huge line) to fit a text object."""
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        yield text[:cut]
        text = text[cut:].lstrip("\n")
    if text:
        yield text


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def buttons(choices: tuple[Choice, ...], start: int = 0) -> Iterator[Block]:
    """Each rendering gets block ids of its own, so repeats of one press on one message can
    be told from the same button pressed again on a later message."""
    rendering = secrets.token_hex(4)
    for offset in range(0, len(choices), BUTTONS_PER_BLOCK):
        elements = [
            {
                "type": "button",
                "text": plain(shorten(choice.label, LABEL_LIMIT)),
                "value": choice.value,
                "action_id": f"{ACTION_PREFIX}{start + offset + n}",
            }
            for n, choice in enumerate(choices[offset : offset + BUTTONS_PER_BLOCK])
        ]
        yield {"type": "actions", "block_id": f"{rendering}.{start + offset}", "elements": elements}


def reply_blocks(reply: Reply, start: int = 0) -> list[Block]:
    """One reply: header, body sections, quoted passages as context, prompt, buttons."""
    blocks: list[Block] = []
    if reply.title:
        blocks.append({"type": "header", "text": plain(shorten(reply.title, HEADER_LIMIT))})
    blocks += [{"type": "section", "text": plain(part)} for part in chunks(reply.text)]
    for quote in reply.quotes:
        passage = f"“{quote.text}”" if quote.verbatim else quote.text
        elements = [plain(part) for part in chunks(passage)] + [plain(shorten(quote.cite, TEXT_LIMIT))]
        blocks.append({"type": "context", "elements": elements[:10]})
    if reply.prompt:
        blocks.append({"type": "section", "text": plain(reply.prompt)})
    blocks += buttons(reply.choices, start)
    return blocks


def messages(replies: Iterable[Reply]) -> list[list[Block]]:
    """All replies of a turn, as few messages as Block Kit's 50-block limit allows."""
    out: list[list[Block]] = [[]]
    count = 0
    for reply in replies:
        blocks = reply_blocks(reply, start=count)
        count += len(reply.choices)
        if out[-1] and len(out[-1]) + len(blocks) + 1 > BLOCKS_PER_MESSAGE:
            out.append([])
        if out[-1]:
            out[-1].append({"type": "divider"})
        out[-1] += blocks[:BLOCKS_PER_MESSAGE]
    return [m for m in out if m]


def fallback(replies: Iterable[Reply]) -> str:
    """The notification text shown where blocks are not (push notifications, search)."""
    first = next(iter(replies), None)
    text = (first.title or first.text) if first else ""
    return escape(shorten(text, TEXT_LIMIT))


def answered(blocks: list[Block], chosen: str) -> list[Block]:
    """The pressed message with its buttons replaced by the answer chosen."""
    kept = [b for b in blocks if b.get("type") != "actions"]
    return [*kept, {"type": "context", "elements": [plain(chosen)]}]
