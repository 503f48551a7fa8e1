"""Microsoft Teams through botbuilder 4.17.1. Every botbuilder import stays in this module,
so a move to the Microsoft 365 Agents SDK touches only this file."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from botbuilder.core import CardFactory, MessageFactory, TurnContext, serializer_helper
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    ChannelAccount,
    ConversationReference,
    DeliveryModes,
)
from msrest.universal_http import requests as msrest_requests

from bot.channels.turns import safe_turn
from bot.core.engine import ConversationEngine
from bot.core.messages import Escalation, Incoming, Outgoing, Reply

CHANNEL = "teams"
COMMS_REFERENCE = "teams/comms-conversation-reference"
log = logging.getLogger("advisor.teams")


def speed_up_msrest() -> None:
    """msrest scans a 500-element list once per status code, twice a turn (~7 ms of CPU);
    a frozenset holds the same codes and makes the scan instant."""
    policy = msrest_requests.ClientRetryPolicy
    policy.safe_codes = frozenset(policy.safe_codes)  # type: ignore[assignment]


class _ReusedConnectors:
    """One connector client per service URL and audience, instead of a new client (and a new
    msrest configuration) on every turn; the credentials inside refresh their own tokens."""

    def __init__(self, inner: Any, cache: dict[tuple[str, str | None], Any]) -> None:
        self._inner = inner
        self._cache = cache

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        key = (service_url, audience)
        if key not in self._cache:
            self._cache[key] = await self._inner.create(service_url, audience)
        return self._cache[key]


class _Authentication(ConfigurationBotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's authentication, reusing the per-turn clients it would otherwise rebuild."""

    def __init__(self, configuration: Any) -> None:
        super().__init__(configuration)
        self._connectors: dict[tuple[str, str | None], Any] = {}
        self._user_tokens: dict[tuple[object, ...], Any] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> Any:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _ReusedConnectors(result.connector_factory, self._connectors)
        return result

    async def create_user_token_client(self, claims_identity: Any) -> Any:
        claims = claims_identity.claims or {}
        key = (claims.get("aud"), claims.get("appid"), claims.get("azp"))
        if key not in self._user_tokens:
            self._user_tokens[key] = await super().create_user_token_client(claims_identity)
        return self._user_tokens[key]


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

    def __init__(self, engine: ConversationEngine, comms_conversation: str | None) -> None:
        super().__init__()
        self.engine = engine
        self.comms_conversation = comms_conversation
        self.texts = engine.content.messages.texts
        self.welcome_word = engine.content.messages.words.menu[0]

    async def turn(self, incoming: Incoming) -> Outgoing:
        return await safe_turn(self.engine, incoming)

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Remember how to reach the Communications Team's channel whenever it speaks to us."""
        conversation = turn_context.activity.conversation
        if self.comms_conversation and conversation and conversation.id == self.comms_conversation:
            reference = TurnContext.get_conversation_reference(turn_context.activity)
            await self.engine.store.remember(COMMS_REFERENCE, json.dumps(reference.serialize()))
        await super().on_turn(turn_context)

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

    async def on_adaptive_card_invoke(self, turn_context: TurnContext, invoke_value: Any) -> Any:
        """Universal Actions (Action.Execute): the press is a choice; the card is replaced by
        the next step, returned in the invoke's own response."""
        action = getattr(invoke_value, "action", None)
        data = (action.get("data") if isinstance(action, dict) else None) or {}
        activity = turn_context.activity
        base = to_incoming(activity)
        choice = data.get("choice") if isinstance(data, dict) else None
        out = await self.turn(
            Incoming(
                CHANNEL, base.conversation, base.user, choice=str(choice or ""), user_name=base.user_name
            )
        )
        merged = Reply(
            text="\n\n".join(r.text for r in out.replies),
            choices=tuple(c for r in out.replies for c in r.choices),
            quotes=tuple(q for r in out.replies for q in r.quotes),
        )
        return AdaptiveCardInvokeResponse(
            status_code=200, type="application/vnd.microsoft.card.adaptive", value=card(merged)
        )

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


class TeamsRoute:
    """Stands in for CloudAdapter.process, which answers 500 to a reply body and to most
    authentication failures."""

    def __init__(self, adapter: CloudAdapter, bot: Any) -> None:
        self.adapter = adapter
        self.bot = bot

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


class _Echo(TeamsActivityHandler):  # type: ignore[misc]
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(turn_context.activity.text or ""))


def echo_route() -> TeamsRoute:
    """The benchmark's baseline: an echo bot behind the same route, botbuilder as shipped."""
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_Configuration("", "", "MultiTenant", "")))
    return TeamsRoute(adapter, _Echo())


class TeamsChannel:
    """The adapter, the bot and the route handler that stands in for CloudAdapter.process."""

    def __init__(
        self,
        *,
        engine: ConversationEngine,
        app_id: str,
        password: str,
        app_type: str,
        tenant_id: str,
        comms_conversation: str | None = None,
    ) -> None:
        speed_up_msrest()
        configuration = _Configuration(app_id, password, app_type, tenant_id)
        self.adapter = CloudAdapter(_Authentication(configuration))
        self.bot = AdvisorTeamsBot(engine, comms_conversation)
        self.route = TeamsRoute(self.adapter, self.bot)
        self.app_id = app_id
        self.store = engine.store

    async def notify(self, escalation: Escalation) -> None:
        """Post a record to the Communications Team's channel by proactive message."""
        kept = await self.store.recall(COMMS_REFERENCE)
        if kept is None:
            log.warning(
                "record id=%s not posted to Teams: the bot has not yet heard from TEAMS_COMMS_CHANNEL",
                escalation.record.id,
            )
            return
        reference = ConversationReference().deserialize(json.loads(kept))
        attachment = MessageFactory.attachment(CardFactory.adaptive_card(card(escalation.message)))

        async def send(turn_context: TurnContext) -> None:
            await turn_context.send_activity(attachment)

        try:
            await self.adapter.continue_conversation(reference, send, bot_app_id=self.app_id)
        except Exception:  # the record is stored; a connector failure must not undo the turn
            log.exception("record id=%s could not be posted to Teams", escalation.record.id)

    async def handle(self, request: web.Request) -> web.Response:
        return await self.route.handle(request)


__all__ = ["ActivityTypes", "TeamsChannel", "echo_route"]
