"""The terminal chat as an officer types into it: numbered buttons, over the real engine."""

from __future__ import annotations

import io

from bot.channels.console import run_interactive
from bot.core.engine import ConversationEngine


async def test_a_reply_with_no_buttons_leaves_the_earlier_buttons_to_press(
    engine: ConversationEngine,
) -> None:
    typed = io.StringIO("What is the capital of Spain?\n1\n")
    shown = io.StringIO()
    await run_interactive(engine, "U1", shown, typed)
    out = shown.getvalue()
    assert "has nothing on that" in out  # the decline shows no buttons
    assert "isn't one of the options" not in out and "No such option" not in out
    assert out.rstrip().endswith(">") and "Is anyone at risk" in out  # "1" pressed the menu's check
