"""Teams at the Communications Team's desk: records posted as cards with "I'm on it" and, for
closing, a choice of resolution, a note and "Close"; the card updated for everyone; the officer
told by a proactive message in their chat with the bot; reminders as plain card text.

Cards cannot mention anyone: Teams shows TextBlock text as text, so nothing an officer typed
(and no reminder) can ping the channel."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import BotAdapter, CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference

from bot.channels.teams.activities import submitted
from bot.channels.teams.cards import card
from bot.channels.teams.sending import deliver
from bot.core.desk import ACKNOWLEDGE, CLOSE, NOTE_LIMIT, Desk, Press
from bot.core.lifecycle import Actor, DeskRecord, Lifecycle, Post
from bot.core.messages import DecisionRecord, Reply

log = logging.getLogger("advisor.teams")

CHANNEL = "teams"
RESOLUTION, NOTE = "resolution", "note"
References = Callable[[], Awaitable[ConversationReference | None]]


class TeamsDesk:
    """The desk's Teams side: a ``DeskChannel`` for the desk, and the handling of its card
    buttons for the Teams bot."""

    name = CHANNEL

    def __init__(
        self,
        *,
        desk: Desk,
        adapter: BotAdapter,
        app_id: str,
        comms: References,
        comms_conversation: str | None,
    ) -> None:
        self.desk = desk
        self.comms_conversation = comms_conversation
        self.adapter = adapter
        self.app_id = app_id
        self.comms = comms

    def record_card(self, message: Reply) -> dict[str, Any]:
        """The record's card: its text, "I'm on it" while it is new and, while it is open,
        "Close", which opens a required choice of resolution and an optional note under the
        card (Teams shows them in place; only their own button sends them)."""
        close = [c for c in message.choices if (p := Press.parse(c.value)) is not None and p.verb == CLOSE]
        found = card(
            dataclasses.replace(message, choices=tuple(c for c in message.choices if c not in close))
        )
        if close:
            texts = self.desk.texts
            choices = [{"title": r.label, "value": r.id} for r in self.desk.resolutions]
            inputs = [
                {
                    "type": "Input.ChoiceSet",
                    "id": RESOLUTION,
                    "label": texts.close_resolution,
                    "choices": choices,
                    "isRequired": True,
                    "errorMessage": texts.close_resolution,
                },
                {
                    "type": "Input.Text",
                    "id": NOTE,
                    "label": texts.close_note,
                    "isMultiline": True,
                    "maxLength": NOTE_LIMIT,
                },
            ]
            submit = {
                "type": "Action.Submit",
                "title": texts.close_submit,
                "data": {"choice": close[0].value, "label": close[0].label},
            }
            shown = {"type": "AdaptiveCard", "version": "1.4", "body": inputs, "actions": [submit]}
            found["actions"].append({"type": "Action.ShowCard", "title": close[0].label, "card": shown})
        return found

    def _card_of(self, desk: DeskRecord) -> dict[str, Any]:
        return self.record_card(self.desk.post_message(desk))

    # --- posting -----------------------------------------------------------------------------

    async def post_record(self, record: DecisionRecord, reference: ConversationReference) -> None:
        """Post a new record to the Communications Team's channel and remember the card's id."""
        attachment = MessageFactory.attachment(
            CardFactory.adaptive_card(self._card_of(DeskRecord(record, Lifecycle())))
        )
        sent: list[str] = []

        async def send(turn_context: TurnContext) -> None:
            async def post() -> None:
                response = await turn_context.send_activity(attachment)
                if response is not None and response.id:
                    sent.append(str(response.id))

            await deliver(post, what="record", activity=turn_context.activity)

        await self._proactive(reference, send, record.id)
        if sent and reference.conversation is not None:
            conversation = str(reference.conversation.id)
            await self.desk.posted(
                Post(record.id, CHANNEL, "comms", conversation, sent[0], reference.service_url)
            )

    async def remember_officer(self, activity: Activity, records: list[DecisionRecord]) -> None:
        """How to reach the officer who just sent records: their personal chat with the bot,
        never a channel, where everyone would see it."""
        conversation = activity.conversation
        if not records or conversation is None or conversation.conversation_type not in (None, "personal"):
            return
        if conversation.is_group:
            return
        for record in records:
            post = Post(record.id, CHANNEL, "officer", str(conversation.id), None, activity.service_url)
            await self.desk.posted(post)

    # --- the desk's hooks --------------------------------------------------------------------

    async def update_post(self, post: Post, message: Reply) -> None:
        if not post.message_id or not post.service_url:
            return
        activity = MessageFactory.attachment(CardFactory.adaptive_card(self.record_card(message)))
        activity.id = post.message_id

        async def update(turn_context: TurnContext) -> None:
            await deliver(
                lambda: turn_context.update_activity(activity),
                what="record update",
                activity=turn_context.activity,
            )

        await self._proactive(self._reference(post), update, post.record_id)

    async def tell_officer(self, desk: DeskRecord, text: str) -> bool:
        posts = [
            p for p in await self.desk.store.posts(desk.id) if p.channel == CHANNEL and p.target == "officer"
        ]
        if not posts or not posts[0].service_url:
            return False
        await self._send_text(self._reference(posts[0]), text, desk.id)
        return True

    async def remind(self, desk: DeskRecord, text: str) -> None:
        reference = await self.comms()
        if reference is not None:
            await self._send_text(reference, text, desk.id, title=self.desk.texts.reminder_attention)

    # --- presses -----------------------------------------------------------------------------

    async def pressed(self, turn_context: TurnContext, press: Press) -> None:
        """A desk button on a record's card. A press that changes nothing refreshes the pressed
        card and says, in its thread and naming nobody, who has the record."""
        activity = turn_context.activity
        conversation = str(activity.conversation.id if activity.conversation else "")
        if conversation.split(";")[0] != self.comms_conversation:  # a channel thread adds ";messageid=..."
            log.info("teams desk press outside the comms channel conversation=%s", conversation)
            await self._reply(turn_context, self.desk.texts.not_from_desk)
            return
        sender = activity.from_property
        actor = Actor(str(sender.id), getattr(sender, "name", None) or None)
        if press.verb == ACKNOWLEDGE:
            outcome = await self.desk.acknowledge(press.record_id, actor)
        else:
            data = submitted(activity)
            resolution, note = data.get(RESOLUTION), data.get(NOTE)
            if not isinstance(resolution, str) or resolution not in self.desk.labels:
                await self._reply(turn_context, self.desk.texts.close_resolution)
                return
            outcome = await self.desk.close(
                press.record_id, actor, resolution, note if isinstance(note, str) else None
            )
        if outcome.changed:
            return
        if outcome.desk is not None and activity.reply_to_id:
            refreshed = MessageFactory.attachment(CardFactory.adaptive_card(self._card_of(outcome.desk)))
            refreshed.id = activity.reply_to_id
            await deliver(
                lambda: turn_context.update_activity(refreshed), what="record update", activity=activity
            )
        await self._reply(turn_context, outcome.message)

    async def _reply(self, turn_context: TurnContext, text: str) -> None:
        message = MessageFactory.attachment(CardFactory.adaptive_card(card(Reply(text=text))))
        await deliver(
            lambda: turn_context.send_activity(message), what="reply", activity=turn_context.activity
        )

    # --- sending -----------------------------------------------------------------------------

    def _reference(self, post: Post) -> ConversationReference:
        return ConversationReference(
            channel_id="msteams",
            service_url=post.service_url,
            conversation=ConversationAccount(id=post.conversation, is_group=post.target == "comms"),
            bot=ChannelAccount(id=self.app_id),
        )

    async def _send_text(
        self, reference: ConversationReference, text: str, record_id: str, title: str | None = None
    ) -> None:
        message = MessageFactory.attachment(CardFactory.adaptive_card(card(Reply(text=text, title=title))))

        async def send(turn_context: TurnContext) -> None:
            await deliver(
                lambda: turn_context.send_activity(message),
                what="desk message",
                activity=turn_context.activity,
            )

        await self._proactive(reference, send, record_id)

    async def _proactive(
        self, reference: ConversationReference, work: Callable[[TurnContext], Awaitable[None]], record_id: str
    ) -> None:
        """A message outside any turn; the connector's own failures are logged by ``deliver``."""
        try:
            await self.adapter.continue_conversation(reference, work, bot_app_id=self.app_id)
        except Exception:  # a token or connector failure must not undo the desk's change
            log.exception("teams desk message for record id=%s could not be sent", record_id)
