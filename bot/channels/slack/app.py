"""Slack: slash command, DMs, mentions, button presses, the Home tab and escalations.

Each listener translates a Slack payload into an ``Incoming``, runs one engine turn and
renders the ``Outgoing``; no decision about the conversation is made here.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncBoltContext, AsyncBoltRequest
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.channels.slack import incoming as to_incoming
from bot.channels.slack import payloads as p
from bot.channels.slack import render
from bot.channels.slack.deliveries import Deliveries
from bot.channels.slack.desk import CLOSE_VIEW, SlackDesk
from bot.channels.slack.http import SlackRoute
from bot.channels.slack.logs import library_logger
from bot.channels.turns import safe_turn
from bot.core.desk import Desk, Press
from bot.core.engine import ConversationEngine
from bot.core.messages import Escalation, Incoming, Outgoing

log = logging.getLogger("advisor.slack")

Payload = dict[str, Any]
Ack = Callable[..., Awaitable[None]]
# Slack wants the acknowledgement of a slash command within 3 s. A turn that has not finished by
# then (the database is locked, say) is acknowledged with a holding line and answered through
# the command's response_url when it is done, so the acknowledgement never waits on the store.
ACK_SECONDS = 0.8  # after the replay claim, which itself waits at most 2 s for the store
# What cannot reach Slack after the client's own retries: logged in one line, never raised on.
DELIVERY_ERRORS = (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError)


def retry_handlers() -> list[Any]:
    """Transient failures are retried by slack-sdk: a dropped connection, 500/503, and 429
    after its Retry-After."""
    return [
        AsyncConnectionErrorRetryHandler(),
        AsyncRateLimitErrorRetryHandler(),
        AsyncServerErrorRetryHandler(),
    ]


class SlackChannel:
    """Owns the bolt app; ``route`` serves HTTP (with a signing secret), ``app`` Socket Mode."""

    def __init__(
        self,
        *,
        engine: ConversationEngine,
        token: str,
        signing_secret: str | None,
        api_url: str,
        command: str,
        comms_channel: str | None,
        desk: Desk | None = None,
        mention: str | None = None,
    ) -> None:
        self.engine = engine
        self.chosen = engine.content.messages.texts.chosen
        self.comms_channel = comms_channel
        self.deliveries = Deliveries(engine.store, lambda: engine.clock().timestamp())
        self.client = AsyncWebClient(
            token=token, base_url=api_url, retry_handlers=retry_handlers(), logger=library_logger()
        )
        # HTTP requests are verified before bolt, by the route; Socket Mode needs no signature.
        # Unhandled requests go to on_error: bolt's own hint for them logs bodies and can crash.
        self.app = AsyncApp(
            client=self.client,
            request_verification_enabled=False,
            raise_error_for_unhandled_request=True,
            logger=library_logger(),
        )
        self.desk = (
            None
            if desk is None
            else SlackDesk(desk=desk, client=self.client, comms_channel=comms_channel, mention=mention)
        )
        self._listen(command)
        self.route = (
            SlackRoute(signing_secret=signing_secret, deliveries=self.deliveries, dispatch=self.dispatch)
            if signing_secret
            else None
        )

    def _listen(self, command: str) -> None:
        app = self.app
        app.middleware(self.on_app_rate_limited)
        app.middleware(self.deliveries.once)
        app.error(self.on_error)
        app.command(command)(self.on_command)
        app.event("message")(self.on_message)
        app.event("app_mention")(self.on_mention)
        app.event("app_home_opened")(self.on_home)
        app.event(re.compile("^(tokens_revoked|app_uninstalled)$"))(self.on_lifecycle)
        app.event(re.compile(".*"))(self.on_other_event)  # acked: a 404 counts as a failure
        app.action(re.compile(f"^{render.ACTION_PREFIX}"))(self.on_press)
        app.view(CLOSE_VIEW)(self.on_close_submitted)

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

    async def on_command(self, ack: Ack, body: Payload, respond: Any) -> None:
        """Answer in the acknowledgement itself: ephemeral, fast, no extra API call; a slow
        turn is answered through the response_url instead. The channel id alone names this
        walk, apart from any thread's in the same channel."""
        incoming = to_incoming.command(body)
        turn = asyncio.ensure_future(self.turn(incoming))
        done, _ = await asyncio.wait({turn}, timeout=ACK_SECONDS)
        if turn in done:
            await ack(response_type="ephemeral", **_ephemeral(turn.result()))
            return
        await ack(response_type="ephemeral", text=self.engine.content.messages.texts.still_working)
        out = await turn
        try:
            await respond(response_type="ephemeral", replace_original=True, **_ephemeral(out))
        except DELIVERY_ERRORS as exc:
            log.warning("slack late answer not delivered channel=%s: %s", incoming.conversation, exc)

    async def on_message(self, event: Payload, context: AsyncBoltContext) -> None:
        """An officer's DM, with a file or not, answered where it was written."""
        if not p.officer_dm(event, context.bot_user_id):
            return
        channel, thread = str(event.get("channel")), p.text_or_none(event.get("thread_ts"))
        out = await self.turn(to_incoming.written(event, channel, thread))
        await self.post(channel, out, thread_ts=thread)

    async def on_mention(self, event: Payload, context: AsyncBoltContext) -> None:
        """A mention starts or continues the conversation of its thread."""
        if p.from_bot(event, context.bot_user_id):
            return
        channel = str(event.get("channel"))
        thread = p.text_or_none(event.get("thread_ts")) or p.text_or_none(event.get("ts"))
        out = await self.turn(to_incoming.written(event, channel, thread))
        await self.post(channel, out, thread_ts=thread)

    async def on_home(self, event: Payload) -> None:
        if event.get("tab", "home") != "home":
            return
        await self.publish_home(str(event.get("user")))

    async def publish_home(self, user: str) -> None:
        view = render.home_view(await self.engine.home(user, to_incoming.CHANNEL))
        await self.client.views_publish(user_id=user, view=view)

    async def on_lifecycle(self, body: Payload, event: Payload) -> None:
        log.warning(
            "slack %s team=%s event_id=%s: the bot cannot answer until it is reinstalled",
            event.get("type"),
            body.get("team_id"),
            body.get("event_id"),
        )

    async def on_other_event(self, event: Payload) -> None:
        log.debug("slack event %s not used", event.get("type"))

    async def on_app_rate_limited(
        self, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Slack dropped events for this app this minute; it sends this outside event_callback."""
        if req.body.get("type") != "app_rate_limited":
            await next()
            return None
        log.warning(
            "slack app_rate_limited team=%s app=%s minute=%s",
            req.body.get("team_id"),
            req.body.get("api_app_id"),
            req.body.get("minute_rate_limited"),
        )
        return BoltResponse(status=200, body="")

    async def on_press(self, ack: Ack, body: Payload) -> None:
        """Show the answer chosen in place of the buttons, then carry on the conversation.
        Repeats of one press (a double click, a burst) change nothing."""
        await ack()
        user = str((body.get("user") or {}).get("id"))
        if not await self.deliveries.claim(p.press_key(body, user)):
            log.info("slack press repeated user=%s: ignored", user)
            return
        press = Press.parse((body.get("actions") or [{}])[0].get("value"))
        if press is not None and self.desk is not None:
            await self.desk.pressed(press, body)
            return
        channel, thread = p.press_place(body)
        home = channel is None
        channel = channel or await self._dm_with(user)
        action = (body.get("actions") or [{}])[0]
        out = await self.turn(to_incoming.pressed(body, channel, thread))
        chosen = self.chosen.format(label=str((action.get("text") or {}).get("text", "")))
        await self._show_press(body, channel, thread, out, chosen)
        if home:
            await self.publish_home(user)  # fresh buttons, so the next press there is new

    async def _show_press(
        self, body: Payload, channel: str, thread: str | None, out: Outgoing, chosen: str
    ) -> None:
        container = body.get("container") or {}
        if container.get("is_ephemeral"):
            blocks = [render.note(chosen), *[b for m in render.messages(out.replies) for b in m]]
            await self.respond(
                str(body.get("response_url")),
                replace_original=True,
                response_type="ephemeral",
                blocks=blocks[: render.BLOCKS_PER_MESSAGE],
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
        await self.post(channel, out, thread_ts=thread)

    async def on_close_submitted(self, ack: Ack, body: Payload) -> None:
        """The desk's close modal: closed, or shown its error (a choice content does not offer)."""
        errors = self.desk.refused(body) if self.desk is not None else None
        await ack(**(errors or {}))
        if self.desk is not None and errors is None:
            await self.desk.submitted(body)

    async def respond(self, url: str, **message: Any) -> None:
        webhook = AsyncWebhookClient(url, retry_handlers=retry_handlers(), logger=library_logger())
        response = await webhook.send(**message)
        if response.status_code != 200:
            log.warning("slack response_url failed status=%s", response.status_code)

    async def _dm_with(self, user: str) -> str:
        """A Home tab press continues in the officer's DM with the bot."""
        opened = await self.client.conversations_open(users=user)
        return str((opened.get("channel") or {}).get("id"))

    # --- failures -------------------------------------------------------------------

    async def on_error(self, error: Exception, request: AsyncBoltRequest, context: AsyncBoltContext) -> None:
        """Every listener failure, caught once: a Slack or network failure in one line with
        ids (the officer's next message shows where they are); anything else in full."""
        await self.deliveries.give_back(request)
        ids = f"team={context.team_id} channel={context.channel_id} user={context.user_id}"
        if isinstance(error, BoltUnhandledRequestError):
            log.info("slack %s not handled (404) %s", request.body.get("type"), ids)
        elif isinstance(error, SlackApiError):
            method = str(error.response.api_url).rsplit("/", 1)[-1]
            code = error.response.get("error") or f"http {error.response.status_code}"
            log.warning("slack %s failed: %s %s", method, code, ids)
        elif isinstance(error, DELIVERY_ERRORS):
            log.warning("slack web api unreachable: %s %s", type(error).__name__, ids)
        else:
            log.error("slack listener failed %s", ids, exc_info=error)

    # --- escalation -----------------------------------------------------------------

    async def notify(self, escalation: Escalation) -> None:
        """Post a record to the Communications Team's channel."""
        record = escalation.record.id
        if not self.comms_channel:
            log.warning("record id=%s not posted: SLACK_COMMS_CHANNEL is not set", record)
            return
        try:
            if self.desk is not None:
                await self.desk.post_record(escalation.record)
            else:
                await self.client.chat_postMessage(
                    channel=self.comms_channel,
                    blocks=render.reply_blocks(escalation.message),
                    text=render.fallback([escalation.message]),
                )
        except DELIVERY_ERRORS as exc:
            # The record is already stored; the officer was told it was sent to the team.
            code = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("record id=%s could not be posted to Slack: %s", record, code)


def _ephemeral(out: Outgoing) -> dict[str, Any]:
    """A turn's replies as one ephemeral message (blocks and the notification text)."""
    blocks = [b for message in render.messages(out.replies) for b in message][: render.BLOCKS_PER_MESSAGE]
    return {"blocks": blocks, "text": render.fallback(out.replies)}
