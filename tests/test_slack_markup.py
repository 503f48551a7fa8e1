"""Slack's markup is read by the Slack channel: mentions go, links become their address,
Slack's escapes are decoded once, and nothing an officer typed can come back as a live ping."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.slack import render
from bot.channels.slack.incoming import command, words, written
from bot.core.messages import Choice, Quote, Reply
from tests import slack_helpers as s
from tests.conftest import fastest_of_three
from tests.slack_helpers import Slack


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[Slack]:
    async with s.running(tmp_path) as route:
        yield route


@pytest.mark.parametrize(
    ("sent", "typed"),
    [
        ("<@UBOT> check", "check"),
        ("<@U1|alex> <!here> <!channel> <!everyone> <!subteam^S1|@comms> <#C1|general> hi", "hi"),
        ("see <https://x.test/p?a=1&amp;b=2|the post>", "see https://x.test/p?a=1&b=2"),
        ("mail <mailto:a@x.test|a@x.test>", "mail mailto:a@x.test"),
        ("x &lt; 5 &amp;&amp; y &gt; 2", "x < 5 && y > 2"),
        ("I typed &amp;lt;!channel&amp;gt; literally", "I typed &lt;!channel&gt; literally"),
    ],
)
def test_slack_markup_is_read_into_the_words_the_officer_typed(sent: str, typed: str) -> None:
    assert " ".join(words(sent).split()) == typed


def test_a_dm_and_a_slash_command_reach_the_core_without_markup() -> None:
    dm = written({"user": "U1", "text": "<@UBOT> can I use &lt;b&gt; tags?"}, "D1", None)
    assert dm.text.strip() == "can I use <b> tags?"
    bare = command({"text": "<@U2>", "channel_id": "C1", "user_id": "U1"})
    assert bare.opened and not bare.text  # a command naming only someone is a bare command


HUGE = {
    "unclosed mentions": "<@" * 50_000,
    "unclosed links": "<http:" * 17_000,
    "links with labels": "<http://x|" * 10_000,
    "one unclosed mention": "<@U" + "a" * 100_000,
    "escapes": "&amp;lt;" * 20_000,
}


@pytest.mark.parametrize("size", [40_000, 100_000])
@pytest.mark.parametrize("kind", sorted(HUGE))
def test_huge_or_unclosed_markup_is_read_in_one_scan(kind: str, size: int) -> None:
    """A guard against patterns that backtrack once per "<" (seconds at 40,000 characters)."""
    text = (HUGE[kind] * 2)[:size]
    fastest = fastest_of_three(lambda: words(text))
    assert fastest < 0.05, f"{kind} at {size} characters took {fastest * 1000:.0f} ms"


LIVE = "<!channel> <!here> <@U1> <#C1> <https://evil.test|click>"


def text_objects(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for block in blocks:
        for part in [block.get("text"), *block.get("elements", [])]:
            if isinstance(part, dict) and part.get("type") == "button":
                part = part["text"]
            if isinstance(part, dict) and "text" in part:
                found.append(part)
    return found


def test_text_that_looks_like_slack_markup_is_rendered_inert() -> None:
    """Text reaching the core may hold "<!channel>" (typed literally, or as full-width
    brackets that NFKC turns into "<"): every block shows it as plain_text, which Slack never
    parses, and the notification text is escaped."""
    reply = Reply(
        text=LIVE,
        title=LIVE,
        prompt=LIVE,
        quotes=(Quote(text=LIVE, cite=LIVE),),
        choices=(Choice(LIVE[:70], "v"),),
    )
    (message,) = render.messages([reply])
    objects = text_objects(message) + text_objects(render.answered(message, LIVE))
    assert objects and all(o["type"] == "plain_text" for o in objects)
    assert "<" not in render.fallback([reply]) and ">" not in render.fallback([reply])


async def test_a_note_with_markup_reaches_the_team_as_the_officer_typed_it_and_pings_no_one(
    slack: Slack,
) -> None:
    await slack.send(s.dm("check", channel="D3", user="U3"))
    question = await slack.posted(1, channel="D3")
    yes = s.buttons(question["blocks"])["Yes"]
    url = slack.api.response_url()
    await slack.send(s.press(yes, "Yes", response_url=url, user="U3", channel="D3", message=question))
    outcome = await slack.posted(2, channel="D3")
    label = "Send to the Press Desk"
    send = s.buttons(outcome["blocks"])[label]
    await slack.send(s.press(send, label, response_url=url, user="U3", channel="D3", message=outcome))
    await slack.posted(3, channel="D3")
    note = "<@U9> see <https://x.test/post/1|this> &amp; I typed &lt;!channel&gt; myself"
    await slack.send(s.dm(note, channel="D3", user="U3", ts="3.3"))
    comms = await slack.posted(1, channel="CCOMMS")
    shown = s.texts(comms["blocks"])
    assert "see https://x.test/post/1 & I typed <!channel> myself" in shown
    assert "<@U9>" not in shown and "|this" not in shown
    assert all(o["type"] == "plain_text" for o in text_objects(comms["blocks"]))
    assert "<!" not in comms["text"]
