"""What the bot answers on Slack and where: screenshots, threads, other bots, app lifecycle
events and separate conversations in one channel, through the real route."""

from __future__ import annotations

import logging

import pytest

from tests import slack_helpers as s
from tests.slack_helpers import Slack

SCREENSHOT = {"id": "F1", "name": "image.png", "mimetype": "image/png", "url_private": "https://files.x/F1"}


async def test_a_screenshot_with_words_is_answered_from_its_words(slack: Slack) -> None:
    dm = s.dm_event("can I use my council email for twitter?", subtype="file_share", files=[SCREENSHOT])
    assert (await slack.send(s.event(dm))).status == 200
    post = await slack.posted(1, channel="D1")
    assert "Work email" in s.texts(post["blocks"])
    assert not [c for c in slack.api.calls if c.method.startswith("files.")], "the file is never fetched"


async def test_a_screenshot_alone_gets_asked_to_describe_the_post(slack: Slack) -> None:
    await slack.send(s.event(s.dm_event("", subtype="file_share", files=[SCREENSHOT])))
    post = await slack.posted(1, channel="D1")
    text = s.texts(post["blocks"])
    assert "not opened" in text and "in words" in text


async def test_a_screenshot_alone_in_a_walk_repeats_the_question(slack: Slack) -> None:
    await slack.send(s.dm("check"))
    await slack.posted(1, channel="D1")
    await slack.send(s.event(s.dm_event("", ts="2.2", subtype="file_share", files=[SCREENSHOT])))
    post = await slack.posted(2, channel="D1")
    assert "not opened" in s.texts(post["blocks"]) and "Step 1" in s.texts(post["blocks"])


async def test_a_thread_broadcast_dm_is_answered_in_its_thread(slack: Slack) -> None:
    dm = s.dm_event("help", ts="5.5", subtype="thread_broadcast", thread_ts="4.4")
    await slack.send(s.event(dm))
    post = await slack.posted(1, channel="D1")
    assert "Things I can do" in s.texts(post["blocks"])
    assert post["thread_ts"] == "4.4"


async def test_a_dm_written_in_a_thread_is_answered_in_that_thread(slack: Slack) -> None:
    await slack.send(s.event(s.dm_event("help", ts="8.2", thread_ts="8.1")))
    post = await slack.posted(1, channel="D1")
    assert post["thread_ts"] == "8.1"


async def test_a_dm_at_the_top_is_answered_at_the_top(slack: Slack) -> None:
    await slack.send(s.dm("help"))
    post = await slack.posted(1, channel="D1")
    assert not post.get("thread_ts")


MENTION = {"type": "app_mention", "channel": "C9", "text": "<@UBOT> help", "ts": "30.1"}
BOTS = {
    "another bot's mention": {**MENTION, "bot_id": "BOTHER", "user": "UOTHER"},
    "a bot_message mention": {**MENTION, "subtype": "bot_message", "bot_id": "BOTHER"},
    "another bot's DM": s.dm_event("help", user="UOTHER", bot_id="BOTHER"),
    "a bot_message DM": {**s.dm_event("help"), "subtype": "bot_message", "bot_id": "BOTHER"},
    "its own DM": s.dm_event("help", user="UBOT"),
    "its own mention": {**MENTION, "user": "UBOT"},
}


@pytest.mark.parametrize("case", sorted(BOTS))
async def test_a_bot_is_never_answered(slack: Slack, case: str) -> None:
    assert (await slack.send(s.event(BOTS[case]))).status == 200
    await s.settle()
    assert slack.api.of("chat.postMessage") == []


@pytest.mark.parametrize("kind", ["tokens_revoked", "app_uninstalled"])
async def test_app_lifecycle_events_are_acked_and_logged_by_id(
    slack: Slack, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="advisor")
    inner = {"type": kind, "tokens": {"bot": ["UBOT"]}, "event_ts": "1.1"}
    response = await slack.send(s.event(inner, event_id="EvLife"))
    assert response.status == 200
    assert any(kind in r.getMessage() and "EvLife" in r.getMessage() for r in caplog.records)


async def test_app_rate_limited_is_acked_and_logged(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="advisor")
    body = {
        "token": "x",
        "type": "app_rate_limited",
        "team_id": "T1",
        "minute_rate_limited": 1518467820,
        "api_app_id": "A1",
    }
    response = await slack.send(s.signed_json(body))
    assert response.status == 200
    assert any("app_rate_limited" in r.getMessage() and "T1" in r.getMessage() for r in caplog.records)


async def test_a_slash_command_walk_and_a_mention_thread_in_one_channel_are_kept_apart(slack: Slack) -> None:
    url = slack.api.response_url()
    ephemeral = (await (await slack.send(s.command("check", url, channel="C1"))).json())["blocks"]
    mention = {"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT> check", "ts": "50.1"}
    await slack.send(s.event(mention))
    threaded = await slack.posted(1, channel="C1")
    assert threaded["thread_ts"] == "50.1" and "Step 1" in s.texts(threaded["blocks"])

    press = s.press(s.buttons(ephemeral)["No"], "No", response_url=url, channel="C1", ephemeral=True)
    await slack.send(press)
    (replaced,) = await slack.api.wait_for("response_url")
    assert "Step 2" in s.texts(replaced["blocks"]) and "out of date" not in s.texts(replaced["blocks"])

    message = {**threaded, "ts": "51.1", "thread_ts": "50.1"}
    await slack.send(
        s.press(s.buttons(threaded["blocks"])["No"], "No", response_url=url, channel="C1", message=message)
    )
    next_in_thread = await slack.posted(2, channel="C1")
    assert next_in_thread["thread_ts"] == "50.1"
    assert "Step 2" in s.texts(next_in_thread["blocks"]) and "out of date" not in s.texts(
        next_in_thread["blocks"]
    )


async def test_a_follow_up_mention_in_the_thread_continues_its_walk(slack: Slack) -> None:
    start = {"type": "app_mention", "channel": "C1", "user": "U1", "text": "<@UBOT> check", "ts": "60.1"}
    await slack.send(s.event(start))
    await slack.posted(1, channel="C1")
    reply = {**start, "text": "<@UBOT> no", "ts": "60.2", "thread_ts": "60.1"}
    await slack.send(s.event(reply))
    post = await slack.posted(2, channel="C1")
    assert post["thread_ts"] == "60.1" and "Step 2" in s.texts(post["blocks"])
