"""Teams markup is read by the Teams channel: the bot's own @mention and any other <at>Name</at>
are removed before the core sees the text; the rest of the text is the officer's, as typed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from botbuilder.schema import Activity

from bot.channels.teams.activities import to_incoming
from tests.conftest import fastest_of_three
from tests.test_teams import activity, card_texts, client_for, say


@pytest.fixture
async def teams(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    client = await client_for(tmp_path)
    yield client
    await client.close()


def incoming_text(body: dict[str, Any]) -> str:
    return " ".join(to_incoming(Activity().deserialize(body)).text.split())


def test_every_mention_is_removed_and_the_typed_text_is_kept_as_typed() -> None:
    body = activity("ask <at>Jane Smith</at> about x < 5 & <b>", mention=True)
    assert incoming_text(body) == "ask about x < 5 & <b>"


def test_a_mention_tag_with_attributes_or_in_capitals_is_removed() -> None:
    assert incoming_text(activity('<AT id="0">Jane</AT> check')) == "check"


async def test_a_channel_message_mentioning_someone_else_still_starts_the_walk(
    teams: TestClient[Any, Any],
) -> None:
    body = activity("check", mention=True)
    body["text"] = "<at>Policy Advisor</at> <at>Jane Smith</at> check"
    replies = await say(teams, body)
    assert "Step 1" in card_texts(replies[-1])


HUGE = {
    "unclosed mentions": "<at>" * 25_000,
    "unclosed attributes": "<at x" * 25_000,
    "one unclosed mention": "<at>" + "a" * 100_000,
}


@pytest.mark.parametrize("size", [40_000, 100_000])
@pytest.mark.parametrize("kind", sorted(HUGE))
def test_huge_or_unclosed_mentions_are_read_in_one_scan(kind: str, size: int) -> None:
    """A guard against patterns that backtrack once per "<" (seconds at 40,000 characters)."""
    body = Activity().deserialize(activity((HUGE[kind] * 2)[:size], mention=True))
    fastest = fastest_of_three(lambda: to_incoming(body))
    assert fastest < 0.05, f"{kind} at {size} characters took {fastest * 1000:.0f} ms"
