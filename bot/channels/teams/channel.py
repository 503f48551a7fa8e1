"""The Teams channel: the adapter, the bot, the route, and records for the Communications Team."""

from __future__ import annotations

import json
import logging

from aiohttp import web
from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

from bot.channels.teams.adapter import cloud_adapter
from bot.channels.teams.cards import card
from bot.channels.teams.desk import TeamsDesk
from bot.channels.teams.handler import COMMS_REFERENCE, AdvisorTeamsBot
from bot.channels.teams.route import Deliveries, TeamsRoute
from bot.channels.teams.sending import deliver
from bot.core.desk import Desk
from bot.core.engine import ConversationEngine
from bot.core.messages import Escalation

log = logging.getLogger("advisor.teams")


class TeamsChannel:
    """With no app id the channel is for local testing: unauthenticated, it sends only to
    service URLs on this machine and never learns where the Communications Team is."""

    def __init__(
        self,
        *,
        engine: ConversationEngine,
        app_id: str,
        password: str,
        app_type: str,
        tenant_id: str,
        comms_conversation: str | None = None,
        comms_service_url: str | None = None,
        desk: Desk | None = None,
    ) -> None:
        self.adapter = cloud_adapter(app_id=app_id, password=password, app_type=app_type, tenant_id=tenant_id)
        self.bot = AdvisorTeamsBot(engine, comms_conversation, learn_comms=bool(app_id))
        store = engine.store
        self.route = TeamsRoute(
            self.adapter,
            self.bot,
            loopback_only=not app_id,
            deliveries=Deliveries(store.claim_delivery, store.release_delivery),
        )
        self.app_id = app_id
        self.store = store
        self.comms_conversation = comms_conversation
        self.comms_service_url = comms_service_url
        self.desk = (
            None
            if desk is None
            else TeamsDesk(
                desk=desk,
                adapter=self.adapter,
                app_id=app_id,
                comms=self.comms_reference,
                comms_conversation=comms_conversation,
            )
        )
        self.bot.desk = self.desk

    async def comms_reference(self) -> ConversationReference | None:
        """Where records go: set in settings, or learned from an authenticated activity."""
        if self.comms_conversation and self.comms_service_url:
            return ConversationReference(
                channel_id="msteams",
                service_url=self.comms_service_url,
                conversation=ConversationAccount(id=self.comms_conversation, is_group=True),
                bot=ChannelAccount(id=self.app_id),
            )
        kept = await self.store.recall(COMMS_REFERENCE)
        return None if kept is None else ConversationReference().deserialize(json.loads(kept))

    async def notify(self, escalation: Escalation) -> None:
        """Post a record to the Communications Team's channel by proactive message."""
        reference = await self.comms_reference()
        if reference is None:
            log.warning(
                "record id=%s not posted to Teams: the bot has not yet heard from TEAMS_COMMS_CHANNEL",
                escalation.record.id,
            )
            return
        if self.desk is not None:
            await self.desk.post_record(escalation.record, reference)
            return
        attachment = MessageFactory.attachment(CardFactory.adaptive_card(card(escalation.message)))

        async def send(turn_context: TurnContext) -> None:
            await deliver(
                lambda: turn_context.send_activity(attachment), what="record", activity=turn_context.activity
            )

        try:
            await self.adapter.continue_conversation(reference, send, bot_app_id=self.app_id)
        except Exception:  # the record is stored; a connector failure must not undo the turn
            log.exception("record id=%s could not be posted to Teams", escalation.record.id)

    async def handle(self, request: web.Request) -> web.Response:
        return await self.route.handle(request)
