"""Replies as Adaptive Cards. Each button carries the choice, its label and the officer the
card was made for, so a press by anyone else in a channel can be told apart."""

from __future__ import annotations

from typing import Any

from bot.channels.quotes import passage
from bot.core.messages import Quote, Reply

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
LABEL_LIMIT = 200


def card(reply: Reply, owner: str | None = None) -> dict[str, Any]:
    """A reply as an Adaptive Card: text blocks, quoted passages, Action.Submit buttons."""
    body: list[dict[str, Any]] = []
    if reply.title:
        body.append(
            {"type": "TextBlock", "text": reply.title, "weight": "Bolder", "size": "Medium", "wrap": True}
        )
    body.append({"type": "TextBlock", "text": reply.text, "wrap": True})
    for quote in reply.quotes:
        body += quote_blocks(quote)
    if reply.prompt:
        body.append({"type": "TextBlock", "text": reply.prompt, "wrap": True})
    actions = [
        {"type": "Action.Submit", "title": c.label, "data": _data(c.value, c.label, owner)}
        for c in reply.choices
    ]
    return {"type": "AdaptiveCard", "version": "1.4", "body": body, "actions": actions, "$schema": SCHEMA}


def quote_blocks(quote: Quote) -> list[dict[str, Any]]:
    """A quoted passage, set apart and subtle, with its source in small print below."""
    return [
        {"type": "TextBlock", "text": passage(quote), "wrap": True, "isSubtle": True, "separator": True},
        {"type": "TextBlock", "text": quote.cite, "wrap": True, "isSubtle": True, "size": "Small"},
    ]


def _data(choice: str, label: str, owner: str | None) -> dict[str, str]:
    data = {"choice": choice, "label": label}
    if owner:
        data["owner"] = owner
    return data


def chosen_card(text: str) -> dict[str, Any]:
    """What a pressed card becomes: the answer, no live buttons."""
    return {
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
    }


def merged(replies: tuple[Reply, ...]) -> Reply:
    """Several replies as one card, for an invoke response, which carries a single card."""
    return Reply(
        text="\n\n".join(r.text for r in replies),
        choices=tuple(c for r in replies for c in r.choices),
        quotes=tuple(q for r in replies for q in r.quotes),
    )


def label_of(data: dict[str, Any]) -> str | None:
    """The pressed button's label as plain text; None when the submit carried no text label
    (a client or a forged press sent something else), so no Python repr reaches a card."""
    label = data.get("label")
    if isinstance(label, str) and label.strip():
        return " ".join(label.split())[:LABEL_LIMIT]
    return None
