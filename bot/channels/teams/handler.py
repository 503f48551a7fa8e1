"""The Teams activity handler: translates activities to turns and turns to cards."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse, ChannelAccount, DeliveryModes

from bot.channels.teams.activities import submitted, to_incoming
from bot.channels.teams.cards import card, chosen_card, label_of, merged
from bot.channels.teams.sending import Sent, deliver
from bot.channels.turns import safe_turn
from bot.core.desk import Press
from bot.core.engine import ConversationEngine
from bot.core.messages import Incoming, Outgoing, Reply

if TYPE_CHECKING:
    from bot.channels.teams.desk import TeamsDesk

COMMS_REFERENCE = "teams/comms-conversation-reference"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"


class AdvisorTeamsBot(TeamsActivityHandler):  # type: ignore[misc]
    """Translates and routes; the engine decides."""

    def __init__(
        self, engine: ConversationEngine, comms_conversation: str | None, *, learn_comms: bool
    ) -> None:
        super().__init__()
        self.engine = engine
        self.comms_conversation = comms_conversation
        self.learn_comms = learn_comms
        self.texts = engine.content.messages.texts
        self.desk: TeamsDesk | None = None  # set by the channel when the desk is on

    async def turn(self, incoming: Incoming) -> Outgoing:
        return await safe_turn(self.engine, incoming)

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Remember how to reach the Communications Team's channel when it speaks to us, but
        only from an authenticated activity: an unauthenticated one could name any URL."""
        conversation = turn_context.activity.conversation
        if self.learn_comms and self.comms_conversation and conversation.id == self.comms_conversation:
            reference = TurnContext.get_conversation_reference(turn_context.activity)
            await self.engine.store.remember(COMMS_REFERENCE, json.dumps(reference.serialize()))
        await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        press = Press.parse(submitted(activity).get("choice"))
        if press is not None and self.desk is not None:
            await self.desk.pressed(turn_context, press)
            return
        incoming = to_incoming(activity)
        out = await self.turn(incoming)
        if out.escalations and self.desk is not None:
            await self.desk.remember_officer(activity, [e.record for e in out.escalations])
        if incoming.choice is None:
            await self.send(turn_context, out)
        elif _foreign(submitted(activity), incoming.user) and not out.accepted:
            await self.send(turn_context, Outgoing(replies=(Reply(self.texts.not_your_check),)))
        else:
            if out.accepted and not _foreign(submitted(activity), incoming.user):
                await self.mark_chosen(turn_context)
            await self.send(turn_context, out)

    async def mark_chosen(self, turn_context: TurnContext) -> None:
        """The pressed card shows the answer taken, with no live buttons left."""
        activity = turn_context.activity
        if not activity.reply_to_id or activity.delivery_mode == DeliveryModes.expect_replies:
            return
        label = label_of(submitted(activity))
        text = self.texts.chosen.format(label=label) if label else self.texts.chosen_unlabelled
        done = MessageFactory.attachment(CardFactory.adaptive_card(chosen_card(text)))
        done.id = activity.reply_to_id
        await deliver(lambda: turn_context.update_activity(done), what="card update", activity=activity)

    async def on_adaptive_card_invoke(self, turn_context: TurnContext, invoke_value: Any) -> Any:
        """Universal Actions (Action.Execute): the answer goes only in the invoke response,
        which Teams shows to the presser alone. An accepted press replaces the card with the
        next step; a refused one, or a press on someone else's check, is a message and the
        card stays as it was."""
        action = getattr(invoke_value, "action", None)
        data = (action.get("data") if isinstance(action, dict) else None) or {}
        data = data if isinstance(data, dict) else {}
        choice = data.get("choice")
        incoming = to_incoming(turn_context.activity, choice=choice if isinstance(choice, str) else "")
        out = await self.turn(incoming)
        if out.accepted and not _foreign(data, incoming.user):
            value: Any = card(merged(out.replies), owner=incoming.user)
            return AdaptiveCardInvokeResponse(status_code=200, type=CARD_TYPE, value=value)
        text = self.texts.not_your_check if _foreign(data, incoming.user) else merged(out.replies).text
        return _MessageInvokeResponse(status_code=200, type=MESSAGE_TYPE, value=text)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """Only the bot's own arrival matters. botbuilder's Teams dispatch would first fetch
        every other member added from the connector, one call each, and fail the turn when a
        lookup fails."""
        members = turn_context.activity.members_added or []
        if members:
            await self.on_members_added_activity(members, turn_context)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """Installed, or added to a team: greet with the menu. Nobody typed anything, so this
        is no turn of a conversation."""
        recipient = turn_context.activity.recipient
        if any(getattr(member, "id", None) == recipient.id for member in members_added or []):
            await self.send(turn_context, Outgoing(replies=(self.engine.greeting(),)))

    async def send(self, turn_context: TurnContext, out: Outgoing) -> None:
        """Each reply on its own, so one failed send does not lose the rest; stop only when the
        conversation itself is out of reach (the bot was removed, say)."""
        owner = str(turn_context.activity.from_property.id)
        for reply in out.replies:
            message = MessageFactory.attachment(CardFactory.adaptive_card(card(reply, owner=owner)))
            if await self.send_one(turn_context, message) is Sent.GONE:
                return

    async def send_one(self, turn_context: TurnContext, message: Activity) -> Sent:
        return await deliver(
            lambda: turn_context.send_activity(message), what="reply", activity=turn_context.activity
        )


class _MessageInvokeResponse(AdaptiveCardInvokeResponse):  # type: ignore[misc]
    """The invoke response whose value is a message to the presser, not a card: botbuilder's
    model types its value as a card object and cannot serialise text."""

    _attribute_map: ClassVar[dict[str, Any]] = {
        **AdaptiveCardInvokeResponse._attribute_map,
        "value": {"key": "value", "type": "str"},
    }


def _foreign(data: dict[str, Any], presser: str) -> bool:
    """A press on a card made for another officer (a check someone else started)."""
    owner = data.get("owner")
    return isinstance(owner, str) and bool(owner) and owner != presser
