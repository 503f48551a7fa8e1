"""Signed Slack requests, built as Slack builds them, and the real route to send them to."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from bot.server import build_app
from bot.settings import Settings
from tools.fake_slack import FakeSlackApi
from tools.slack_signature import signed_headers

SECRET = "test-signing-secret"


def sign(body: str | bytes, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    return signed_headers(body, secret, timestamp)


_ids = itertools.count(1)


def event_body(inner: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """An Events API delivery as Slack wraps it; every delivery has its own event id unless
    the test sends the same one again (a retry)."""
    return {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": inner,
        "event_id": event_id or f"Ev{next(_ids)}",
        "event_time": int(time.time()),
        "authorizations": [{"user_id": "UBOT", "team_id": "T1", "is_bot": True}],
    }


def signed_json(payload: dict[str, Any]) -> tuple[str, dict[str, str]]:
    body = json.dumps(payload)
    return body, {"Content-Type": "application/json", **sign(body)}


def event(inner: dict[str, Any], event_id: str | None = None) -> tuple[str, dict[str, str]]:
    return signed_json(event_body(inner, event_id))


def dm_event(
    text: str, user: str = "U1", channel: str = "D1", ts: str = "1.1", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        **extra,
    }


def dm(
    text: str, user: str = "U1", channel: str = "D1", ts: str = "1.1", event_id: str | None = None
) -> tuple[str, dict[str, str]]:
    return event(dm_event(text, user, channel, ts), event_id)


def command_fields(text: str, response_url: str, user: str = "U1", channel: str = "C1") -> dict[str, str]:
    return {
        "command": "/socialmedia",
        "text": text,
        "user_id": user,
        "user_name": "alex",
        "channel_id": channel,
        "team_id": "T1",
        "response_url": response_url,
        "trigger_id": f"t{time.monotonic_ns()}",
    }


def command(
    text: str, response_url: str, user: str = "U1", channel: str = "C1"
) -> tuple[str, dict[str, str]]:
    body = urlencode(command_fields(text, response_url, user, channel))
    return body, {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}


def _action(value: str, label: str, block_id: str = "b1") -> dict[str, Any]:
    text = {"type": "plain_text", "text": label}
    return {
        "type": "button",
        "action_id": "choice-0",
        "block_id": block_id,
        "value": value,
        "text": text,
        "action_ts": f"{time.time():.6f}",
    }


def _form(payload: dict[str, Any]) -> tuple[str, dict[str, str]]:
    body = urlencode({"payload": json.dumps(payload)})
    return body, {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}


def _payload(value: str, label: str, user: str, block_id: str = "b1", **extra: Any) -> dict[str, Any]:
    """A block_actions payload as Slack sends it for one button press."""
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user, "name": "alex"},
        "api_app_id": "A1",
        "trigger_id": "t1",
        "actions": [_action(value, label, block_id)],
        **extra,
    }


def block_of(value: str, blocks: list[dict[str, Any]]) -> str:
    """The block id of the button with ``value``, as Slack reports it on a press."""
    for block in blocks:
        if block.get("type") == "actions" and any(e.get("value") == value for e in block["elements"]):
            return str(block.get("block_id", "b1"))
    return "b1"


def press_payload(
    value: str,
    label: str,
    *,
    response_url: str,
    user: str = "U1",
    channel: str = "D1",
    ephemeral: bool = False,
    message: dict[str, Any] | None = None,
    block_id: str | None = None,
) -> dict[str, Any]:
    """A press on a message (ephemeral ones carry no copy of the message, so the test names
    the block id of the button pressed)."""
    message = message or {"ts": "9.9", "blocks": [{"type": "actions", "elements": []}]}
    ts = "9.9" if ephemeral else str(message.get("ts", "9.9"))
    container = {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": ephemeral}
    payload = _payload(
        value,
        label,
        user,
        block_id=block_id or block_of(value, message.get("blocks", [])),
        container=container,
        channel={"id": channel},
        response_url=response_url,
    )
    if not ephemeral:
        payload["message"] = message
    return payload


def press(value: str, label: str, **kwargs: Any) -> tuple[str, dict[str, str]]:
    return _form(press_payload(value, label, **kwargs))


def press_in_view(
    value: str, label: str, user: str = "U1", blocks: list[dict[str, Any]] | None = None
) -> tuple[str, dict[str, str]]:
    """A press on the Home tab: no channel and no message, only the view."""
    view = {"id": "V1", "type": "home"}
    container = {"type": "view", "view_id": "V1"}
    block_id = block_of(value, blocks or [])
    return _form(_payload(value, label, user, block_id=block_id, container=container, view=view))


def buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """Label -> value of every button in some blocks."""
    return {e["text"]["text"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


def texts(blocks: list[dict[str, Any]]) -> str:
    out = []
    for b in blocks:
        if "text" in b and isinstance(b["text"], dict):
            out.append(b["text"]["text"])
        for e in b.get("elements", []):
            if e.get("type") in {"plain_text", "mrkdwn"}:
                out.append(e["text"])
    return "\n".join(out)


class Slack:
    """The real aiohttp app with Slack mounted, and the fake Web API it talks to."""

    def __init__(self, client: TestClient[Any, Any], api: FakeSlackApi) -> None:
        self.client, self.api = client, api

    async def send(self, signed: tuple[str, dict[str, str]], **headers: str) -> ClientResponse:
        body, signed_headers = signed
        return await self.client.post("/slack/events", data=body, headers={**signed_headers, **headers})

    async def posted(self, count: int, **match: str) -> dict[str, Any]:
        """The count-th chat.postMessage matching ``match`` (waits for it)."""
        for _ in range(500):
            found = [
                c for c in self.api.of("chat.postMessage") if all(c.get(k) == v for k, v in match.items())
            ]
            if len(found) >= count:
                return found[count - 1]
            await pause()
        raise AssertionError(f"no postMessage #{count} matching {match}: {self.api.calls}")


async def pause(seconds: float = 0.01) -> None:
    await asyncio.sleep(seconds)


async def settle() -> None:
    """Long enough for a listener that should not run to have run."""
    await pause(0.3)


def settings_for(tmp_path: Path, api: FakeSlackApi, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'slack.db'}",
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": SECRET,
        "slack_api_url": api.api_url,
        "slack_comms_channel": "CCOMMS",
    }
    return Settings(**(values | overrides))


@asynccontextmanager
async def running(tmp_path: Path, api: FakeSlackApi | None = None, **overrides: Any) -> AsyncIterator[Slack]:
    """build_app's server on a free port, with a fake Web API (its own unless one is given)."""
    own = api is None
    api = api or FakeSlackApi()
    if own:
        await api.start()
    client = TestClient(TestServer(await build_app(settings_for(tmp_path, api, **overrides))))
    await client.start_server()
    try:
        yield Slack(client, api)
    finally:
        await client.close()
        if own:
            await api.stop()
