"""The outcome's new buttons through the real routes: on Slack, "Show the policy" and a draft
by button presses against the fake Web API; on Teams, the same by card submits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests import slack_helpers as s
from tests.slack_helpers import Slack
from tests.test_teams import activity, card_buttons, card_texts, client_for, say


async def press(slack: Slack, message: dict[str, Any], label: str) -> None:
    value = s.buttons(message["blocks"])[label]
    await slack.send(s.press(value, label, response_url=slack.api.response_url(), message=message))


async def test_on_slack_the_policy_and_a_draft_are_a_press_away(slack: Slack) -> None:
    await slack.send(s.dm("check"))
    message = await slack.posted(1, channel="D1")
    for number, label in enumerate(["No", "No", "No", "Yes"], start=2):
        await press(slack, message, label)
        message = await slack.posted(number, channel="D1")
    assert "Route: Danger=No" in s.texts(message["blocks"])
    await press(slack, message, "The rules")
    policy = await slack.posted(6, channel="D1")
    assert "Rules behind it" in s.texts(policy["blocks"])
    assert [b for b in policy["blocks"] if b["type"] == "context"], "the passages, with their sources"
    await press(slack, policy, "Suggest wording")
    where = await slack.posted(7, channel="D1")
    await press(slack, where, "Our own page")
    drafted = await slack.posted(8, channel="D1")
    assert "Hello! [Answer.]" in s.texts(drafted["blocks"])


@pytest.fixture
async def teams(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    client = await client_for(tmp_path)
    yield client
    await client.close()


async def test_on_teams_the_policy_and_a_draft_are_a_submit_away(teams: TestClient[Any, Any]) -> None:
    replies = await say(teams, activity("check"))
    for label in ["No", "No", "No", "Yes"]:
        replies = await say(teams, activity(value=card_buttons(replies[-1])[label]))
    assert "Route: Danger=No" in card_texts(replies[-1])
    replies = await say(teams, activity(value=card_buttons(replies[-1])["The rules"]))
    assert "Rules behind it" in card_texts(replies[-1]) and "Reply politely" in card_texts(replies[-1])
    replies = await say(teams, activity(value=card_buttons(replies[-1])["Suggest wording"]))
    replies = await say(teams, activity(value=card_buttons(replies[-1])["Someone else's page"]))
    replies = await say(teams, activity("Sam Patel"))
    assert "-- Sam Patel (Testshire Council)" in card_texts(replies[-1])
