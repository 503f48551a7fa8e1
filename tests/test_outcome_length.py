"""Every outcome's first message fits about 700 characters before its first button, in the
console, on Slack (Block Kit) and on Teams (the card), on the council's content and the
fixture's, by whichever path it is reached; the policy is one button away."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.channels.console import render_text
from bot.channels.slack.render import reply_blocks
from bot.channels.teams.cards import card
from bot.core.choices import Stamp
from bot.core.content import Content
from bot.core.messages import Reply
from bot.core.present import Presenter

LIMIT = 700


def console_text(reply: Reply) -> str:
    return render_text(reply)  # the buttons are printed after this, as numbered options


def slack_text(reply: Reply) -> str:
    """The text of every block above the first row of buttons."""
    out: list[str] = []
    for block in reply_blocks(reply):
        if block["type"] == "actions":
            break
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        out += [e["text"] for e in block.get("elements", []) if "text" in e]
    return "\n".join(out)


def teams_text(reply: Reply) -> str:
    """The card's body: its actions (the buttons) come after all of it."""
    body: list[dict[str, Any]] = card(reply)["body"]
    return "\n".join(b["text"] for b in body)


def longest_paths(content: Content) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Every outcome with every path to it, "not sure" standing for the branch it takes (its
    label is the longest of the three)."""
    questions = {q.id: q for q in content.flowchart.questions}

    def walk(node: str, path: list[tuple[str, str]]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        if node not in questions:
            yield node, path
            return
        question = questions[node]
        for answer in ("yes", "no"):
            said = "unsure" if question.unsure.branch == answer else answer
            yield from walk(getattr(question, answer), [*path, (node, said)])

    yield from walk(content.flowchart.start, [])


RENDER = {"console": console_text, "slack": slack_text, "teams": teams_text}


@pytest.mark.parametrize("channel", sorted(RENDER))
@pytest.mark.parametrize("which", ["fixture", "council"])
def test_every_outcome_fits_before_its_first_button(
    channel: str, which: str, content: Content, real_content: Content
) -> None:
    chosen = content if which == "fixture" else real_content
    present = Presenter(chosen)
    reached = set()
    for outcome, path in longest_paths(chosen):
        reply = present.outcome(outcome, path=path, stamp=Stamp("abc123", 12))
        size = len(RENDER[channel](reply))
        assert size <= LIMIT, f"{outcome} on {channel}: {size} characters\n{RENDER[channel](reply)}"
        assert chosen.messages.labels.policy in [c.label for c in reply.choices]
        reached.add(outcome)
    assert reached == {o.id for o in chosen.flowchart.outcomes}
