"""Slack at the Communications Team's desk: records posted with "I'm on it" and "Close"
buttons, a modal that asks how a record was resolved, the post updated for everyone, the
officer told by DM, and reminders for URGENT records nobody has taken.

Every word is plain_text (Slack never parses it) or escaped; the only markup the bot ever
sends on purpose is the mention the team configured (``COMMS_MENTION``) at the head of a
reminder, in a section of its own."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack import render
from bot.core.desk import CLOSE, NOTE_LIMIT, Desk, Press
from bot.core.lifecycle import Actor, DeskRecord, Lifecycle, Post, State
from bot.core.messages import DecisionRecord, Reply

log = logging.getLogger("advisor.slack")

CHANNEL = "slack"
CLOSE_VIEW = "desk-close"
RESOLUTION_BLOCK, RESOLUTION = "resolution", "resolution"
NOTE_BLOCK, NOTE = "note", "note"
FAILURES = (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError)

Payload = dict[str, Any]


class SlackDesk:
    """The desk's Slack side: a ``DeskChannel`` for the desk, and the handlers of its buttons
    and of the close modal for the Slack channel's listeners."""

    name = CHANNEL

    def __init__(
        self, *, desk: Desk, client: AsyncWebClient, comms_channel: str | None, mention: str | None
    ) -> None:
        self.desk = desk
        self.client = client
        self.comms_channel = comms_channel
        self.mention = mention

    # --- posting -----------------------------------------------------------------------------

    async def post_record(self, record: DecisionRecord) -> None:
        """Post a new record with its buttons, and remember where it went. Raises Slack's
        errors: the caller logs them."""
        message = self.desk.post_message(DeskRecord(record, Lifecycle()))
        if not self.comms_channel:
            return
        posted = await self.client.chat_postMessage(
            channel=self.comms_channel, blocks=render.reply_blocks(message), text=render.fallback([message])
        )
        channel, ts = posted.get("channel"), posted.get("ts")
        if isinstance(channel, str) and isinstance(ts, str):
            await self.desk.posted(Post(record.id, CHANNEL, "comms", channel, ts))

    # --- the desk's hooks --------------------------------------------------------------------

    async def update_post(self, post: Post, message: Reply) -> None:
        if not post.message_id:
            return
        await self._quietly(
            "chat.update",
            post.record_id,
            self.client.chat_update(
                channel=post.conversation,
                ts=post.message_id,
                blocks=render.reply_blocks(message),
                text=render.fallback([message]),
            ),
        )

    async def tell_officer(self, desk: DeskRecord, text: str) -> bool:
        """A DM from the bot (posting to a user id opens it); Slack officers only."""
        if desk.record.channel != CHANNEL:
            return False
        await self._quietly(
            "chat.postMessage",
            desk.id,
            self.client.chat_postMessage(
                channel=desk.record.user, blocks=[render.note(text)], text=render.escape(text)
            ),
        )
        return True

    async def remind(self, desk: DeskRecord, text: str) -> None:
        """In the record's thread and broadcast to the channel, headed by the one mention the
        team configured; everything after it is plain text."""
        if not self.comms_channel:
            return
        posts = [
            p for p in await self.desk.store.posts(desk.id) if p.channel == CHANNEL and p.target == "comms"
        ]
        blocks: list[dict[str, Any]] = []
        if self.mention:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=self.mention, verbatim=True)).to_dict())
        blocks.append(render.note(text))
        fallback = " ".join(part for part in (self.mention, render.escape(text)) if part)
        thread = posts[0].message_id if posts else None
        await self._quietly(
            "chat.postMessage",
            desk.id,
            self.client.chat_postMessage(
                channel=posts[0].conversation if posts else self.comms_channel,
                blocks=blocks,
                text=fallback,
                thread_ts=thread,
                reply_broadcast=bool(thread),
            ),
        )

    # --- presses -----------------------------------------------------------------------------

    async def pressed(self, press: Press, body: Payload) -> None:
        """ "I'm on it" takes the record; "Close" opens the modal. A press that changes nothing
        (someone else has it, it is closed) refreshes the pressed post and tells the presser
        alone who has it."""
        user = str((body.get("user") or {}).get("id"))
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        if channel != self.comms_channel:
            log.info("slack desk press outside the comms channel user=%s channel=%s", user, channel)
            await self._tell_presser(str(channel or ""), user, self.desk.texts.not_from_desk)
            return
        if press.verb == CLOSE:
            await self._open_close(press.record_id, body, str(channel or ""))
            return
        outcome = await self.desk.acknowledge(press.record_id, await self.actor(body))
        if not outcome.changed:
            await self._refresh(body, outcome.desk)
            await self._tell_presser(str(channel or ""), user, outcome.message)
        elif not await self._is_kept_post(press.record_id, body):
            await self._refresh(body, outcome.desk)  # a post whose place was never stored

    def refused(self, body: Payload) -> dict[str, Any] | None:
        """The close modal's errors when its choice is not one content offers (a forged
        submission), else None: checked before the acknowledgement, which closes the modal."""
        resolution, _ = _chosen(body)
        if resolution not in self.desk.labels or not _metadata(body).get("record"):
            return {
                "response_action": "errors",
                "errors": {RESOLUTION_BLOCK: self.desk.texts.close_resolution},
            }
        return None

    async def submitted(self, body: Payload) -> None:
        """The close modal sent (and acknowledged): close the record; if someone closed it
        first, tell the presser who."""
        meta = _metadata(body)
        resolution, note = _chosen(body)
        actor = await self.actor(body)
        outcome = await self.desk.close(str(meta["record"]), actor, str(resolution), note)
        if not outcome.changed:
            await self._tell_presser(str(meta.get("channel") or ""), actor.id, outcome.message)

    async def actor(self, body: Payload) -> Actor:
        """Who pressed: their Slack id and the name their colleagues see."""
        user = body.get("user") or {}
        user_id = str(user.get("id"))
        fallback = user.get("name") if isinstance(user.get("name"), str) else None
        try:
            found = await self.client.users_info(user=user_id)
        except FAILURES as exc:
            log.info("slack users.info failed user=%s: %s", user_id, type(exc).__name__)
            return Actor(user_id, fallback)
        profile = (found.get("user") or {}).get("profile") or {}
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or (found.get("user") or {}).get("real_name")
        )
        return Actor(user_id, str(name) if name else fallback)

    async def _open_close(self, record_id: str, body: Payload, channel: str) -> None:
        desk = await self.desk.record(record_id)
        user = str((body.get("user") or {}).get("id"))
        if desk is None or desk.lifecycle.state is State.CLOSED:
            await self._refresh(body, desk)
            message = self.desk.texts.no_such_record if desk is None else self.desk.already_message(desk)
            await self._tell_presser(channel, user, message)
            return
        view = self.close_view(record_id, channel)
        await self._quietly(
            "views.open", record_id, self.client.views_open(trigger_id=str(body.get("trigger_id")), view=view)
        )

    def close_view(self, record_id: str, channel: str) -> View:
        """The modal: the content's resolutions to choose from, and an optional note."""
        texts = self.desk.texts
        options = [Option(value=r.id, label=r.label) for r in self.desk.resolutions]
        return View(
            type="modal",
            callback_id=CLOSE_VIEW,
            private_metadata=json.dumps({"record": record_id, "channel": channel}),
            title=render.plain(texts.close_title, 24),
            submit=render.plain(texts.close_submit, 24),
            blocks=[
                InputBlock(
                    block_id=RESOLUTION_BLOCK,
                    label=render.plain(texts.close_resolution, 2000),
                    element=StaticSelectElement(action_id=RESOLUTION, options=options),
                ),
                InputBlock(
                    block_id=NOTE_BLOCK,
                    label=render.plain(texts.close_note, 2000),
                    element=PlainTextInputElement(action_id=NOTE, multiline=True, max_length=NOTE_LIMIT),
                    optional=True,
                ),
            ],
        )

    async def _refresh(self, body: Payload, desk: DeskRecord | None) -> None:
        """The pressed post as the record now stands (a stale post loses its old buttons)."""
        container = body.get("container") or {}
        channel, ts = container.get("channel_id"), container.get("message_ts")
        if desk is None or not isinstance(channel, str) or not isinstance(ts, str):
            return
        await self.update_post(Post(desk.id, CHANNEL, "comms", channel, ts), self.desk.post_message(desk))

    async def _is_kept_post(self, record_id: str, body: Payload) -> bool:
        """The pressed message is the post the desk updates (its place was stored)."""
        ts = (body.get("container") or {}).get("message_ts")
        posts = await self.desk.store.posts(record_id)
        return any(p.channel == CHANNEL and p.message_id == ts for p in posts)

    async def _tell_presser(self, channel: str, user: str, text: str) -> None:
        if not channel:
            return
        await self._quietly(
            "chat.postEphemeral",
            None,
            self.client.chat_postEphemeral(
                channel=channel, user=user, blocks=[render.note(text)], text=render.escape(text)
            ),
        )

    async def _quietly(self, method: str, record: str | None, call: Awaitable[Any]) -> None:
        """One Slack call; a failure is one log line with ids, and the desk goes on."""
        try:
            await call
        except FAILURES as exc:
            code = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("slack %s failed record=%s: %s", method, record, code)


def _chosen(body: Payload) -> tuple[str | None, str | None]:
    """The resolution and note a close modal was submitted with."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    selected = ((values.get(RESOLUTION_BLOCK) or {}).get(RESOLUTION) or {}).get("selected_option") or {}
    note = ((values.get(NOTE_BLOCK) or {}).get(NOTE) or {}).get("value")
    resolution = selected.get("value") if isinstance(selected, dict) else None
    return (
        resolution if isinstance(resolution, str) else None,
        note if isinstance(note, str) else None,
    )


def _metadata(body: Payload) -> dict[str, Any]:
    """What the modal was opened for: the record and the channel it was opened from."""
    value = (body.get("view") or {}).get("private_metadata")
    try:
        found = json.loads(value) if isinstance(value, str) else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
