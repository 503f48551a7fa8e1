"""Microsoft Teams through botbuilder 4.17.1. Every botbuilder import stays in this module,
so a move to the Microsoft 365 Agents SDK touches only this file."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from botbuilder.core import CardFactory, MessageFactory, TurnContext, serializer_helper
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, DeliveryModes
from msrest.universal_http import requests as msrest_requests

from bot.core.engine import ConversationEngine
from bot.core.errors import AdvisorError
from bot.core.messages import Incoming, Outgoing, Reply

CHANNEL = "teams"
log = logging.getLogger("advisor.teams")


def speed_up_msrest() -> None:
    """msrest scans a 500-element list once per status code, twice a turn (~7 ms of CPU);
    a frozenset holds the same codes and makes the scan instant."""
    policy = msrest_requests.ClientRetryPolicy
    policy.safe_codes = frozenset(policy.safe_codes)  # type: ignore[assignment]


class _Configuration:
    """The attribute names botbuilder's configuration factories read."""

    def __init__(self, app_id: str, password: str, app_type: str, tenant_id: str) -> None:
        self.APP_ID = app_id
        self.APP_PASSWORD = password
        self.APP_TYPE = app_type
        self.APP_TENANTID = tenant_id


def card(reply: Reply) -> dict[str, Any]:
    """A reply as an Adaptive Card: text blocks, quoted passages, Action.Submit buttons."""
    body: list[dict[str, Any]] = []
    if reply.title:
        body.append(
            {"type": "TextBlock", "text": reply.title, "weight": "Bolder", "size": "Medium", "wrap": True}
        )
    body.append({"type": "TextBlock", "text": reply.text, "wrap": True})
    for quote in reply.quotes:
        passage = f"“{quote.text}”" if quote.verbatim else quote.text
        body.append({"type": "TextBlock", "text": passage, "wrap": True, "isSubtle": True, "separator": True})
        body.append(
            {"type": "TextBlock", "text": quote.cite, "wrap": True, "isSubtle": True, "size": "Small"}
        )
    if reply.prompt:
        body.append({"type": "TextBlock", "text": reply.prompt, "wrap": True})
    actions = [
        {"type": "Action.Submit", "title": c.label, "data": {"choice": c.value, "label": c.label}}
        for c in reply.choices
    ]
    return {
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": actions,
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
    }


def chosen_card(text: str) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
    }


def to_incoming(activity: Activity) -> Incoming:
    """A Teams message: typed text (the bot's @mention removed) or a card submit."""
    value = activity.value if isinstance(activity.value, dict) else {}
    user = activity.from_property or ChannelAccount(id="unknown")
    conversation = activity.conversation.id if activity.conversation else "unknown"
    choice = value.get("choice") if isinstance(value.get("choice"), str) else None
    text = "" if choice else TurnContext.remove_recipient_mention(activity) or ""
    return Incoming(CHANNEL, str(conversation), str(user.id), text=text, choice=choice, user_name=user.name)


class AdvisorTeamsBot(TeamsActivityHandler):  # type: ignore[misc]
    """Translates and routes; the engine decides."""

    def __init__(self, engine: ConversationEngine) -> None:
        self.engine = engine
        self.texts = engine.content.messages.texts
        self.welcome_word = engine.content.messages.words.menu[0]

    async def turn(self, incoming: Incoming) -> Outgoing:
        try:
            return await self.engine.handle(incoming)
        except AdvisorError:
            log.exception("turn failed user=%s conversation=%s", incoming.user, incoming.conversation)
        except Exception:  # the one place a Teams turn's unexpected failure is caught
            log.exception("turn crashed user=%s conversation=%s", incoming.user, incoming.conversation)
        return Outgoing(replies=(self.engine.error_reply(),))

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        incoming = to_incoming(activity)
        out = await self.turn(incoming)
        if (
            incoming.choice
            and activity.reply_to_id
            and activity.delivery_mode != DeliveryModes.expect_replies
        ):
            label = str((activity.value or {}).get("label", ""))
            done = MessageFactory.attachment(
                CardFactory.adaptive_card(chosen_card(self.texts.chosen.format(label=label)))
            )
            done.id = activity.reply_to_id
            await turn_context.update_activity(done)
        await self.send(turn_context, out)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """Installed, or added to a team: greet with the menu."""
        recipient = turn_context.activity.recipient
        if any(member.id == getattr(recipient, "id", None) for member in members_added):
            incoming = to_incoming(turn_context.activity)
            out = await self.turn(
                Incoming(CHANNEL, incoming.conversation, incoming.user, text=self.welcome_word)
            )
            await self.send(turn_context, out)

    async def send(self, turn_context: TurnContext, out: Outgoing) -> None:
        for reply in out.replies:
            await turn_context.send_activity(
                MessageFactory.attachment(CardFactory.adaptive_card(card(reply)))
            )


class TeamsChannel:
    """The adapter, the bot and the route handler that stands in for CloudAdapter.process."""

    def __init__(
        self, *, engine: ConversationEngine, app_id: str, password: str, app_type: str, tenant_id: str
    ) -> None:
        speed_up_msrest()
        configuration = _Configuration(app_id, password, app_type, tenant_id)
        self.adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(configuration))
        self.bot = AdvisorTeamsBot(engine)

    async def handle(self, request: web.Request) -> web.Response:
        """POST /api/messages. Every authentication failure is 401; a reply body
        (expectReplies, invoke) is answered 200 with it."""
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.Response(status=415)
        try:
            body = await request.json()
            activity = Activity().deserialize(body) if isinstance(body, dict) else Activity()
        except ValueError:
            return web.Response(status=400)
        if not activity.type:
            return web.Response(status=400)
        try:
            auth = await self.adapter.bot_framework_authentication.authenticate_request(
                activity, request.headers.get("Authorization", "")
            )
        except Exception:  # botbuilder raises many kinds (PermissionError, jwt errors, ...)
            log.info("teams request refused: authentication failed")
            return web.Response(status=401)
        response = await self.adapter.process_activity(auth, activity, self.bot.on_turn)
        if response is None:
            return web.Response(status=201)
        payload = (
            response.body
            if isinstance(response.body, (dict, list)) or response.body is None
            else serializer_helper(response.body)
        )
        return web.json_response(payload, status=response.status or 200)


__all__ = ["ActivityTypes", "TeamsChannel"]
