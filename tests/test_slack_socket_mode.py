"""Socket Mode end to end: the real ``serve`` connects to a local Socket Mode server (a fake
``apps.connections.open`` and websocket), and every kind of delivery is acked and answered,
also after Slack asks the app to reconnect."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.server import serve
from tests import slack_helpers as s
from tools.fake_slack import FakeSlackApi, SocketSession


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def socket(
    tmp_path: Path, api: FakeSlackApi, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[SocketSession]:
    """``serve`` running in Socket Mode (logging at INFO); the connection it opened, greeted
    as Slack does."""
    caplog.set_level(logging.INFO)
    settings = s.settings_for(
        tmp_path, api, slack_signing_secret=None, slack_app_token="xapp-1-test", port=0, host="127.0.0.1"
    )
    server = asyncio.create_task(serve(settings))
    try:
        session = await api.next_socket()
        await session.hello()
        yield session
    finally:
        server.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await server


async def deliver_event(session: SocketSession, inner: dict[str, Any]) -> dict[str, Any]:
    return await session.deliver("events_api", s.event_body(inner), retry_attempt=0, retry_reason="")


async def test_socket_mode_answers_every_kind_of_delivery_and_after_a_reconnect(
    api: FakeSlackApi, socket: SocketSession, caplog: pytest.LogCaptureFixture
) -> None:
    ack = await deliver_event(socket, s.dm_event("can I use my council email for twitter?"))
    assert "envelope_id" in ack
    (dm,) = await api.wait_for("chat.postMessage")
    assert dm["channel"] == "D1" and "Work email" in s.texts(dm["blocks"])

    mention = {"type": "app_mention", "channel": "C9", "user": "U1", "text": "<@UBOT> help", "ts": "7.1"}
    await deliver_event(socket, mention)
    posts = await api.wait_for("chat.postMessage", count=2)
    assert posts[1]["channel"] == "C9" and posts[1]["thread_ts"] == "7.1"

    await deliver_event(socket, {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    (view,) = await api.wait_for("views.publish")
    assert "Check a post" in s.buttons(view["view"]["blocks"])

    command = await socket.deliver("slash_commands", s.command_fields("check", api.response_url()))
    blocks = command["payload"]["blocks"]
    assert "Step 1" in s.texts(blocks)

    press = s.press_payload(
        s.buttons(blocks)["No"], "No", response_url=api.response_url(), channel="C1", ephemeral=True
    )
    await socket.deliver("interactive", press)
    (replaced,) = await api.wait_for("response_url")
    assert "Step 2" in s.texts(replaced["blocks"])

    await socket.disconnect()
    again = await api.next_socket()
    await again.hello()
    await deliver_event(again, s.dm_event("help", ts="2.2"))
    posts = await api.wait_for("chat.postMessage", count=3)
    assert "Things I can do" in s.texts(posts[2]["blocks"])
    assert len(api.of("apps.connections.open")) == 2
    assert "council email" not in caplog.text, "no message text in the log at INFO"


async def test_socket_mode_answers_a_redelivery_only_when_the_first_was_not_processed(
    api: FakeSlackApi, socket: SocketSession
) -> None:
    body = s.event_body(s.dm_event("help"), event_id="EvSocket")
    await socket.deliver("events_api", body, retry_attempt=0, retry_reason="")
    await api.wait_for("chat.postMessage")
    await socket.deliver("events_api", body, retry_attempt=1, retry_reason="timeout")
    lost = s.event_body(s.dm_event("help", ts="4.4"), event_id="EvNeverArrived")
    await socket.deliver("events_api", lost, retry_attempt=1, retry_reason="connection_failed")
    posts = await api.wait_for("chat.postMessage", count=2)
    await asyncio.sleep(0.3)
    assert len(api.of("chat.postMessage")) == len(posts) == 2
