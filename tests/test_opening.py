"""Opening the bot without a word (a bare slash command, a terminal chat starting) is its own
kind of turn: no channel pretends the officer typed a command."""

from __future__ import annotations

from bot.core.engine import ConversationEngine
from bot.core.messages import Incoming
from tests.conftest import Officer, labels


async def test_opening_the_bot_when_idle_greets_with_the_menu(engine: ConversationEngine) -> None:
    out = await engine.handle(Incoming("test", "C1", "U1", opened=True))
    assert out.state.flow is None and "Check a post" in labels(out)


async def test_opening_the_bot_mid_walk_shows_help_and_the_pending_question(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.engine.handle(Incoming("test", "C1", "U1", opened=True))
    assert out.state.node == "unlawful" and "Yes" in labels(out)
