"""Reminders through the real servers: two servers share one database (PostgreSQL, and a
SQLite file) and one Slack; an URGENT record nobody takes is raised in the Communications
channel once per URGENT_ACK_MINUTES, by exactly one of them, with the one mention the team
configured, until someone takes it. The clock is the test's, the reminder loops are real."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.server import ENGINE, build_app
from tests import slack_helpers as s
from tests.conftest import Clock
from tests.slack_helpers import Slack
from tests.test_slack_desk import comms_ts, desk_of, press_on_post, send_urgent_record
from tests.test_store_contract import decision
from tools.fake_slack import FakeSlackApi

LOOK_EVERY = 0.02  # REMINDER_CHECK_SECONDS: each server looks 50 times a second


@pytest.fixture
async def servers(database_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[list[Slack]]:
    """Two servers on one database and one fake Slack, both looking for due reminders."""
    api = FakeSlackApi()
    await api.start()
    async with AsyncExitStack() as stack:
        stack.push_async_callback(api.stop)
        started = []
        for _ in range(2):
            settings = s.settings_for(
                tmp_path,
                api,
                database_url=database_url,
                reminder_check_seconds=LOOK_EVERY,
                comms_mention="@here",
            )
            client = TestClient(TestServer(await build_app(settings, clock=clock)))
            await client.start_server()
            stack.push_async_callback(client.close)
            started.append(Slack(client, api))
        yield started


def reminders(api: FakeSlackApi) -> list[dict[str, Any]]:
    return [c for c in api.of("chat.postMessage") if c["channel"] == "CCOMMS" and c.get("thread_ts")]


async def looked_a_while() -> None:
    """Long enough for each server to have looked for due reminders many times."""
    await s.pause(25 * LOOK_EVERY)


async def reminded(api: FakeSlackApi, count: int, timeout: float = 10.0) -> None:
    """Wait until ``count`` reminders have been posted (a loaded machine, or PostgreSQL, may
    take longer than ``looked_a_while``), then look a while more for any duplicate."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(reminders(api)) < count and loop.time() < deadline:
        await s.pause(LOOK_EVERY)
    await looked_a_while()


async def test_an_untaken_urgent_record_is_raised_once_per_interval_by_one_server(
    servers: list[Slack], clock: Clock
) -> None:
    one, two = servers
    post = await send_urgent_record(one)
    (record,) = [d.id for d in await desk_of(one).queue()]
    ts = await comms_ts(one, record)
    clock.advance(14)
    await looked_a_while()
    assert reminders(one.api) == [], "not before URGENT_ACK_MINUTES"
    clock.advance(1)
    await reminded(one.api, 1)
    (first,) = reminders(one.api)
    assert (first["thread_ts"], first["reply_broadcast"]) == (ts, True), (
        "in the record's thread, and shown in the channel"
    )
    assert first["text"].startswith("<!here> Still nobody on URGENT")
    mention, *rest = first["blocks"]
    assert mention["text"] == {"type": "mrkdwn", "text": "<!here>", "verbatim": True}
    assert all(e["type"] == "plain_text" for block in rest for e in block["elements"])
    clock.advance(14)
    await looked_a_while()
    assert len(reminders(one.api)) == 1, "one reminder per interval"
    clock.advance(1)
    await reminded(one.api, 2)
    assert len(reminders(one.api)) == 2
    await two.send(press_on_post(post, "Mine", "U7", ts))
    await one.posted(1, channel="U1")
    clock.advance(30)
    await looked_a_while()
    assert len(reminders(one.api)) == 2, "no reminder once someone is on it"
    trail = [e.action for e in await desk_of(two).trail(record)]
    assert trail == ["sent", "posted", "reminded", "reminded", "acknowledged"]


async def test_a_record_that_is_not_urgent_is_never_raised(servers: list[Slack], clock: Clock) -> None:
    one, _ = servers
    calm = decision(1, created_at="2026-11-25T09:00:00Z")
    await one.client.app[ENGINE].store.add_record(dataclasses.replace(calm, urgency="yes"), "fixture-1")
    clock.advance(60)
    await looked_a_while()
    assert reminders(one.api) == []
    assert [e.action for e in await desk_of(one).trail("R-0001")] == ["sent"]
