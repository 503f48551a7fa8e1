"""Each Slack delivery is answered once: retries, replays and repeated presses, through the
real route, on one server or several sharing a database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests import slack_helpers as s
from tests.slack_helpers import Slack
from tools.fake_slack import FakeSlackApi

QUESTION = "can I use my council email for twitter?"


async def test_a_first_delivery_numbered_retry_zero_is_answered(slack: Slack) -> None:
    # Socket Mode turns Slack's retry_attempt 0 on every first delivery into this header.
    response = await slack.send(s.dm(QUESTION), **{"X-Slack-Retry-Num": "0"})
    assert response.status == 200
    await slack.posted(1, channel="D1")


@pytest.mark.parametrize("reason", ["connection_failed", "http_error"])
async def test_a_retry_of_a_delivery_that_never_arrived_is_answered(slack: Slack, reason: str) -> None:
    headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": reason}
    response = await slack.send(s.dm(QUESTION, event_id="EvLost"), **headers)
    assert response.status == 200
    await slack.posted(1, channel="D1")


async def test_a_retry_after_a_timeout_is_acked_and_not_answered_twice(slack: Slack) -> None:
    await slack.send(s.dm(QUESTION, event_id="EvSlow"))
    await slack.posted(1, channel="D1")
    for attempt in ("1", "2", "3"):
        retry = {"X-Slack-Retry-Num": attempt, "X-Slack-Retry-Reason": "http_timeout"}
        response = await slack.send(s.dm(QUESTION, event_id="EvSlow"), **retry)
        assert response.status == 200
    await s.settle()
    assert len(slack.api.of("chat.postMessage")) == 1


async def test_a_replayed_slash_command_is_not_answered_twice(slack: Slack) -> None:
    signed = s.command("check", slack.api.response_url())
    first = await slack.send(signed)
    assert "Step 1" in s.texts((await first.json())["blocks"])
    again = await slack.send(signed)
    assert again.status == 200
    assert "Step" not in await again.text()


async def test_a_replayed_button_press_is_not_processed_twice(slack: Slack) -> None:
    await slack.send(s.dm("check"))
    question = await slack.posted(1, channel="D1")
    signed = s.press(s.buttons(question["blocks"])["No"], "No", response_url=slack.api.response_url())
    await slack.send(signed)
    await slack.posted(2, channel="D1")
    assert (await slack.send(signed)).status == 200
    await s.settle()
    assert len(slack.api.of("chat.postMessage")) == 2
    assert len(slack.api.of("chat.update")) == 1


async def test_one_button_pressed_three_times_at_once_moves_on_once(slack: Slack) -> None:
    await slack.send(s.dm("check"))
    question = await slack.posted(1, channel="D1")
    value, url = s.buttons(question["blocks"])["No"], slack.api.response_url()
    presses = [s.press(value, "No", response_url=url, message=question) for _ in range(3)]
    responses = await asyncio.gather(*(slack.send(p) for p in presses))
    assert [r.status for r in responses] == [200, 200, 200]
    second = await slack.posted(2, channel="D1")
    await s.settle()
    posts = slack.api.of("chat.postMessage")
    assert len(posts) == 2, "no extra message for the extra presses"
    assert "Step 2" in s.texts(second["blocks"])
    assert not any("out of date" in s.texts(p["blocks"]) for p in posts)
    assert len(slack.api.of("chat.update")) == 1


async def test_a_retry_reaching_another_server_is_not_answered_twice(tmp_path: Path) -> None:
    api = FakeSlackApi()
    await api.start()
    try:
        async with s.running(tmp_path, api) as one, s.running(tmp_path, api) as two:
            await one.send(s.dm(QUESTION, event_id="EvShared"))
            await one.posted(1, channel="D1")
            retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            assert (await two.send(s.dm(QUESTION, event_id="EvShared"), **retry)).status == 200
            await s.settle()
            assert len(api.of("chat.postMessage")) == 1
    finally:
        await api.stop()
