"""Replies as Block Kit, built with slack-sdk's block models, which check Slack's limits (a
text cut too late raises here, not as Slack's invalid_blocks). Every text is plain_text, which
Slack never parses, so nothing an officer typed can ping a channel or break formatting; the
notification text, which Slack does parse, is escaped as Slack asks."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.channels.quotes import passage
from bot.core.messages import Choice, Quote, Reply

BlockJson = dict[str, Any]  # a block as Slack's JSON: what is sent, and what Slack sends back

# Slack's limits, as slack-sdk's models know and check them; text is cut to fit before that.
TEXT_LIMIT = SectionBlock.text_max_length - 100  # 3,000; leave room
HEADER_LIMIT = HeaderBlock.text_max_length
LABEL_LIMIT = ButtonElement.text_max_length
BUTTONS_PER_BLOCK = ActionsBlock.elements_max_length
CONTEXT_ELEMENTS = ContextBlock.elements_max_length
BLOCKS_PER_MESSAGE = 50  # a message's limit, which the models do not check
ACTION_PREFIX = "choice-"
RENDERED_REPLIES = 512  # replies kept serialised; a few hundred questions and answers recur


def escape(text: str) -> str:
    """Slack's three control characters; with them escaped no mention or link can form."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int = TEXT_LIMIT) -> PlainTextObject:
    return PlainTextObject(text=shorten(text, limit), emoji=True)


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


def buttons(choices: tuple[Choice, ...], start: int = 0) -> Iterator[ActionsBlock]:
    """Buttons, 25 to a block; each block's id is its first button's number, which
    ``reply_blocks`` prefixes with an id of the rendering."""
    for offset in range(0, len(choices), BUTTONS_PER_BLOCK):
        elements = [
            ButtonElement(
                text=plain(choice.label, LABEL_LIMIT),
                value=choice.value,
                action_id=f"{ACTION_PREFIX}{start + offset + n}",
            )
            for n, choice in enumerate(choices[offset : offset + BUTTONS_PER_BLOCK])
        ]
        yield ActionsBlock(block_id=str(start + offset), elements=elements)


def quote_block(quote: Quote) -> ContextBlock:
    """A quoted passage and, always last, its source."""
    parts = [plain(part) for part in chunks(passage(quote))][: CONTEXT_ELEMENTS - 1]
    return ContextBlock(elements=[*parts, plain(quote.cite)])


def note(text: str) -> BlockJson:
    """A line under a message, such as the answer chosen in place of its buttons."""
    return ContextBlock(elements=[plain(text)]).to_dict()


def reply_blocks(reply: Reply, start: int = 0) -> list[BlockJson]:
    """One reply: header, body sections, quoted passages as context, prompt, buttons. Each
    rendering gets block ids of its own, so repeats of one press on one message can be told
    from the same button pressed again on a later message."""
    rendering = secrets.token_hex(4)
    blocks: list[BlockJson] = _copy(_rendered(reply, start))
    for block in blocks:
        if block["type"] == "actions":
            block["block_id"] = f"{rendering}.{block['block_id']}"
    return blocks


@functools.lru_cache(maxsize=RENDERED_REPLIES)
def _rendered(reply: Reply, start: int) -> list[BlockJson]:
    """slack-sdk checks every block as it serialises it, at about 50 µs a block: a reply
    (most are the same few questions and answers) is serialised once, then copied."""
    return [block.to_dict() for block in _blocks(reply, start)]


def _copy(value: Any) -> Any:
    """A copy of a block's JSON that the caller may change without changing the cache."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _blocks(reply: Reply, start: int) -> list[Block]:
    blocks: list[Block] = []
    if reply.title:
        blocks.append(HeaderBlock(text=plain(reply.title, HEADER_LIMIT)))
    blocks += [SectionBlock(text=plain(part)) for part in chunks(reply.text)]
    blocks += [quote_block(quote) for quote in reply.quotes]
    if reply.prompt:
        blocks.append(SectionBlock(text=plain(reply.prompt)))
    blocks += buttons(reply.choices, start)
    return blocks


def home_view(reply: Reply) -> View:
    """The Home tab: one reply (the view checks its own limits as it is sent)."""
    return View(type="home", blocks=reply_blocks(reply))


def messages(replies: Iterable[Reply]) -> list[list[BlockJson]]:
    """All replies of a turn, as few messages as Block Kit's 50-block limit allows."""
    out: list[list[BlockJson]] = [[]]
    count = 0
    for reply in replies:
        blocks = reply_blocks(reply, start=count)
        count += len(reply.choices)
        if out[-1] and len(out[-1]) + len(blocks) + 1 > BLOCKS_PER_MESSAGE:
            out.append([])
        if out[-1]:
            out[-1].append(DividerBlock().to_dict())
        out[-1] += blocks[:BLOCKS_PER_MESSAGE]
    return [m for m in out if m]


def fallback(replies: Iterable[Reply]) -> str:
    """The notification text shown where blocks are not (push notifications, search)."""
    first = next(iter(replies), None)
    text = (first.title or first.text) if first else ""
    return escape(shorten(text, TEXT_LIMIT))


def answered(blocks: list[BlockJson], chosen: str) -> list[BlockJson]:
    """The pressed message, as Slack sent it back, with its buttons replaced by the answer
    chosen."""
    kept = [b for b in blocks if b.get("type") != "actions"]
    return [*kept, note(chosen)]
