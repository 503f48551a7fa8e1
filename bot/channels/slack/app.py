"""Slack: slash command, DMs, mentions, button presses, the Home tab and escalations.

Each listener translates a Slack payload into an ``Incoming``, runs one engine turn and
renders the ``Outgoing``; no decision about the conversation is made here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack import render
from bot.channels.turns import safe_turn
from bot.core.engine import ConversationEngine
from bot.core.messages import Escalation, Incoming, Outgoing

CHANNEL = "slack"
log = logging.getLogger("advisor.slack")

Payload = dict[str, Any]


class SlackChannel:
    """Owns the bolt app; ``dispatch`` is all an HTTP route or Socket Mode needs."""

    def __init__(
        self,
        *,
        engine: ConversationEngine,
        token: str,
        signing_secret: str | None,
        api_url: str,
        command: str,
        comms_channel: str | None,
    ) -> None:
        self.engine = engine
        self.chosen = engine.content.messages.texts.chosen
        self.help_word = engine.content.messages.words.help[0]  # a bare /socialmedia shows help
        self.comms_channel = comms_channel
        self.client = AsyncWebClient(token=token, base_url=api_url)
        self.app = AsyncApp(
            signing_secret=signing_secret,
            client=self.client,
            request_verification_enabled=signing_secret is not None,
        )
        self.app.middleware(skip_retries)
        self.app.command(command)(self.on_command)
        self.app.event("message")(self.on_message)
        self.app.event("app_mention")(self.on_mention)
        self.app.event("app_home_opened")(self.on_home)
        self.app.action(re.compile(f"^{render.ACTION_PREFIX}"))(self.on_press)

    async def dispatch(self, request: AsyncBoltRequest) -> BoltResponse:
        return await self.app.async_dispatch(request)

    async def turn(self, incoming: Incoming) -> Outgoing:
        return await safe_turn(self.engine, incoming)

    async def post(self, channel: str, out: Outgoing, thread_ts: str | None = None) -> None:
        for blocks in render.messages(out.replies):
            await self.client.chat_postMessage(
                channel=channel, blocks=blocks, text=render.fallback(out.replies), thread_ts=thread_ts
            )

    # --- listeners ------------------------------------------------------------------

    async def on_command(self, ack: Callable[..., Awaitable[None]], body: Payload) -> None:
        """Answer in the acknowledgement itself: ephemeral, fast, no extra API call."""
        text = str(body.get("text") or "").strip() or self.help_word
        out = await self.turn(
            _incoming(body.get("channel_id"), body.get("user_id"), body.get("user_name"), text)
        )
        blocks = [b for message in render.messages(out.replies) for b in message][: render.BLOCKS_PER_MESSAGE]
        await ack(response_type="ephemeral", blocks=blocks, text=render.fallback(out.replies))

    async def on_message(self, event: Payload) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        channel = str(event.get("channel"))
        out = await self.turn(_incoming(channel, event.get("user"), None, str(event.get("text") or "")))
        await self.post(channel, out)

    async def on_mention(self, event: Payload) -> None:
        channel = str(event.get("channel"))
        out = await self.turn(_incoming(channel, event.get("user"), None, str(event.get("text") or "")))
        await self.post(channel, out, thread_ts=event.get("thread_ts") or event.get("ts"))

    async def on_home(self, event: Payload) -> None:
        if event.get("tab", "home") != "home":
            return
        reply = await self.engine.home(str(event.get("user")))
        view = {"type": "home", "blocks": render.reply_blocks(reply)}
        await self.client.views_publish(user_id=str(event.get("user")), view=view)

    async def on_press(self, ack: Callable[..., Awaitable[None]], body: Payload, respond: Any) -> None:
        """Show the answer chosen in place of the buttons, then carry on the conversation."""
        await ack()
        action = (body.get("actions") or [{}])[0]
        user = body.get("user") or {}
        container = body.get("container") or {}
        chosen = self.chosen.format(label=str((action.get("text") or {}).get("text", "")))
        channel = await self._press_channel(body)
        incoming = Incoming(
            CHANNEL,
            channel,
            str(user.get("id")),
            choice=str(action.get("value", "")),
            user_name=user.get("name") or user.get("username"),
        )
        out = await self.turn(incoming)
        if container.get("is_ephemeral"):
            note = {"type": "context", "elements": [render.plain(chosen)]}
            blocks = [note, *[b for m in render.messages(out.replies) for b in m]][
                : render.BLOCKS_PER_MESSAGE
            ]
            await respond(
                replace_original=True,
                response_type="ephemeral",
                blocks=blocks,
                text=render.fallback(out.replies),
            )
            return
        message = body.get("message")
        if container.get("type") == "message" and message:
            await self.client.chat_update(
                channel=channel,
                ts=str(container.get("message_ts")),
                blocks=render.answered(message.get("blocks", []), chosen),
                text=render.escape(chosen),
            )
        await self.post(channel, out, thread_ts=(message or {}).get("thread_ts"))

    async def _press_channel(self, body: Payload) -> str:
        """The conversation a press belongs to; a Home tab press continues in the DM."""
        channel = (body.get("channel") or {}).get("id")
        if channel:
            return str(channel)
        opened = await self.client.conversations_open(users=str((body.get("user") or {}).get("id")))
        return str((opened.get("channel") or {}).get("id"))

    # --- escalation -----------------------------------------------------------------

    async def notify(self, escalation: Escalation) -> None:
        """Post a record to the Communications Team's channel."""
        if not self.comms_channel:
            log.warning("record id=%s not posted: SLACK_COMMS_CHANNEL is not set", escalation.record.id)
            return
        try:
            await self.client.chat_postMessage(
                channel=self.comms_channel,
                blocks=render.reply_blocks(escalation.message),
                text=render.fallback([escalation.message]),
            )
        except (SlackApiError, aiohttp.ClientError):
            # The record is already stored; the officer was told it was sent to the team.
            log.exception("record id=%s could not be posted to Slack", escalation.record.id)


async def skip_retries(
    req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
) -> BoltResponse:
    """Slack re-sends an event it thinks was missed; the first delivery was handled."""
    if req.headers.get("x-slack-retry-num"):
        return BoltResponse(status=200, body="")
    return await next()


def _incoming(channel: object, user: object, user_name: object, text: str) -> Incoming:
    name = str(user_name) if user_name else None
    return Incoming(CHANNEL, str(channel), str(user), text=text, user_name=name)
