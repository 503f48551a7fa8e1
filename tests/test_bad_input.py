"""Bad input gets a polite reply and never loses or corrupts the walk."""

from __future__ import annotations

import pytest

from tests.conftest import Officer, text_of

BAD = {
    "empty": "",
    "spaces": "   \n\t ",
    "huge": "why " * 25_000,
    "binary": "\x00\x01\x02\xff\ufffd\ufffd\ufffd\ufffd\x7f",
    "emoji": "🙂🙂🔥💯",
    "control": "\x1b[31mred\x1b[0m\x07",
    "mention": "<!channel> <@U123> <!here> <#C123|general>",
    "teams_mention": "<at>Policy Bot</at>",
    "mrkdwn": "*bold _under ~strike `code",
    "zero_width": "\u200b\u200b\u200b",
}


@pytest.mark.parametrize("name", sorted(BAD))
async def test_bad_input_mid_walk_is_answered_politely_and_keeps_the_walk(
    officer: Officer, name: str
) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.say(BAD[name])
    assert out.replies and all(r.text for r in out.replies)
    assert out.state.node == "unlawful"
    assert "Step 2" in out.replies[-1].text
    follow = await officer.say("no")
    assert follow.state.node == "political"


@pytest.mark.parametrize("name", sorted(BAD))
async def test_bad_input_when_idle_is_answered_politely(officer: Officer, name: str) -> None:
    out = await officer.say(BAD[name])
    assert out.replies and all(r.text for r in out.replies)
    assert out.state.flow is None or out.state.node == "safety"


async def test_no_reply_repeats_mention_syntax(officer: Officer) -> None:
    out = await officer.say("<!channel> can I use my council email for twitter <@U999>")
    body = text_of(out)
    assert "<!channel>" not in body and "<@U999>" not in body


async def test_a_huge_message_is_cut_with_a_note(officer: Officer) -> None:
    out = await officer.say("a" * 100_000)
    assert "first 4000 characters" in text_of(out)
