"""The console channel: an interactive terminal chat, and a JSON-lines mode for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import IO

from bot.channels.quotes import passage
from bot.channels.turns import safe_turn
from bot.core.engine import ConversationEngine
from bot.core.messages import Choice, Incoming, Outgoing, Quote, Reply
from bot.core.text import plain_words

CHANNEL = "console"
CONVERSATION = "terminal"
STRAIGHT = ('"', '"')  # the console's output, which scripts read, has always used these


def render_text(reply: Reply) -> str:
    """A reply as plain text: title, body, then each quoted passage and its source."""
    parts = [reply.title] if reply.title else []
    parts.append(reply.text)
    parts += [quote_text(quote) for quote in reply.quotes]
    if reply.prompt:
        parts.append(reply.prompt)
    return "\n".join(parts)


def quote_text(quote: Quote) -> str:
    """A quoted passage as a block quote, its source in brackets on the line below."""
    return f"> {passage(quote, STRAIGHT)}\n>   ({quote.cite})"


def to_incoming(line: str, user: str) -> Incoming:
    """A script line: plain text, or ``{"text": ...}`` / ``{"choice": ...}``."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("choice"), str):
            return Incoming(CHANNEL, CONVERSATION, user, choice=data["choice"])
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            return Incoming(CHANNEL, CONVERSATION, user, text=data["text"])
    return Incoming(CHANNEL, CONVERSATION, user, text=line.rstrip("\r\n"))


def to_json(out: Outgoing) -> str:
    replies = [
        {"text": render_text(r), "choices": [{"label": c.label, "value": c.value} for c in r.choices]}
        for r in out.replies
    ]
    return json.dumps({"replies": replies, "state": asdict(out.state)}, ensure_ascii=False)


turn = safe_turn


async def run_jsonl(engine: ConversationEngine, user: str, lines: Iterable[str], out: IO[str]) -> None:
    """Exactly one output line for each input line."""
    for line in lines:
        result = await turn(engine, to_incoming(line, user))
        out.write(to_json(result) + "\n")
        out.flush()


def pick(text: str, choices: tuple[Choice, ...]) -> str | None:
    """The value of the button a typed number or label names, if any: the whole label, or
    words running on in one label only ("council site" for "On a Council site")."""
    typed = text.strip().lower()
    if typed.isdigit() and 1 <= int(typed) <= len(choices):
        return choices[int(typed) - 1].value
    exact = next((c.value for c in choices if c.label.lower() == typed), None)
    words = plain_words(typed)
    if exact is not None or len(words) < 2:
        return exact
    run = f" {' '.join(words)} "
    holding = [c.value for c in choices if run in f" {' '.join(plain_words(c.label))} "]
    return holding[0] if len(holding) == 1 else None


def show(out: Outgoing, stream: IO[str]) -> tuple[Choice, ...]:
    """Print the replies; every button of the turn becomes an option. The last reply with
    buttons (the step waiting: a question, a check's options) is numbered from 1, as its own
    text may list them; the buttons of earlier replies (a safety alert's, an answer's
    related questions) are numbered on after it, so no two buttons share a number. A button
    its reply's text already lists under its number (a check's options) is not printed again."""
    with_buttons = [r for r in out.replies if r.choices]
    order = with_buttons[-1:] + with_buttons[:-1]
    first: dict[int, int] = {}  # a reply (by identity) -> the number before its first button's
    running = 0
    for reply in order:
        first[id(reply)], running = running, running + len(reply.choices)
    choices = tuple(c for r in order for c in r.choices)
    for reply in out.replies:
        stream.write("\n" + render_text(reply) + "\n")
        listed = set(reply.text.splitlines())
        for number, choice in enumerate(reply.choices, first.get(id(reply), 0) + 1):
            if f"{number}. {choice.label}" not in listed:  # a check's options, already listed above
                stream.write(f"  [{number}] {choice.label}\n")
    return choices


async def run_interactive(engine: ConversationEngine, user: str, stream: IO[str], read: IO[str]) -> None:
    """A terminal chat: it opens with the greeting, or where a stored walk stands."""
    choices = show(await turn(engine, Incoming(CHANNEL, CONVERSATION, user, opened=True)), stream)
    while True:
        stream.write("\n> ")
        stream.flush()
        line = read.readline()
        if not line:
            stream.write("\n")
            return
        value = pick(line, choices)
        incoming = (
            Incoming(CHANNEL, CONVERSATION, user, text=line, choice=value)
            if value
            else to_incoming(line, user)
        )
        # a turn that shows no buttons ("where does it say that?") leaves the earlier ones on
        # screen, as a chat app does; the engine refuses one that has gone stale
        choices = show(await turn(engine, incoming), stream) or choices
