"""POST /api/messages around botbuilder 4.17.1: checks the activity's shape, authenticates,
claims the delivery once, and answers with a 2xx or 4xx, never a 5xx for an activity it took."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, DeliveryModes

from bot.channels.teams.activities import from_ourselves, is_loopback_url, problem
from bot.core.errors import AdvisorError

log = logging.getLogger("advisor.teams")

Claim = Callable[[str], Awaitable[bool]]
Release = Callable[[str], Awaitable[None]]
DELIVERY_WINDOW_SECONDS = 3600.0  # the Bot Connector retries within seconds; replays come later


class Deliveries:
    """Each activity is answered once, across every server sharing the database."""

    def __init__(self, claim: Callable[..., Awaitable[bool]], release: Release) -> None:
        self._claim = claim
        self.release = release

    async def claim(self, key: str) -> bool:
        return await self._claim(key, now=time.time(), ttl_seconds=DELIVERY_WINDOW_SECONDS)


class TeamsRoute:
    """Stands in for CloudAdapter.process, which answers 500 to a reply body, to most
    authentication failures and to any activity missing a field it assumes."""

    def __init__(
        self,
        adapter: CloudAdapter,
        bot: Any,
        *,
        loopback_only: bool,
        deliveries: Deliveries | None = None,
    ) -> None:
        self.adapter = adapter
        self.bot = bot
        self.loopback_only = loopback_only  # unauthenticated: send only to this machine
        self.deliveries = deliveries
        adapter.on_turn_error = self.turn_failed

    async def handle(self, request: web.Request) -> web.Response:
        """POST /api/messages. Bad shape 400, every authentication failure 401, a repeat or
        our own echo 200 with nothing sent, a reply body (expectReplies, invoke) 200 with it."""
        activity = await self.read(request)
        if isinstance(activity, web.Response):
            return activity
        try:
            auth = await self.adapter.bot_framework_authentication.authenticate_request(
                activity, request.headers.get("Authorization", "")
            )
        except Exception:  # botbuilder raises many kinds (PermissionError, jwt errors, ...)
            log.info("teams request refused: authentication failed")
            return web.Response(status=401)
        if from_ourselves(activity):
            return nothing(activity)
        key = delivery_key(activity)
        if key and self.deliveries is not None:
            try:
                if not await self.deliveries.claim(key):
                    log.info("teams repeat ignored activity=%s", activity.id)
                    return nothing(activity)
            except AdvisorError:
                log.warning("teams activity=%s not taken: database unavailable", activity.id)
                return web.Response(status=503)
        return await self.process(auth, activity, key)

    async def turn_failed(self, turn_context: TurnContext, error: Exception) -> None:
        """botbuilder's on_turn_error: log it by ids and give the delivery back, so a later
        retry is processed; the request is still answered 2xx, since the activity was taken."""
        activity = turn_context.activity
        log.error(
            "teams turn failed type=%s activity=%s conversation=%s error=%s",
            activity.type,
            activity.id,
            activity.conversation.id if activity.conversation else None,
            type(error).__name__,
            exc_info=error,
        )
        key = delivery_key(activity)
        if key and self.deliveries is not None:
            await self.deliveries.release(key)

    async def read(self, request: web.Request) -> Activity | web.Response:
        """The activity, or the 4xx that refuses it; nothing is sent for a refused one."""
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.Response(status=415)
        try:
            body = await request.json()
        except ValueError:
            return web.Response(status=400)
        wrong = problem(body)
        if wrong is None and self.loopback_only and not is_loopback_url(body["serviceUrl"]):
            wrong = "serviceUrl is not on this machine"
        if wrong is not None:
            log.info("teams activity refused: %s", wrong)
            return web.Response(status=400)
        try:
            return Activity().deserialize(body)
        except Exception:  # msrest raises DeserializationError and plain errors alike
            log.info("teams activity refused: does not deserialize")
            return web.Response(status=400)

    async def process(self, auth: Any, activity: Activity, key: str | None) -> web.Response:
        try:
            response = await self.adapter.process_activity(auth, activity, self.bot.on_turn)
        except Exception:  # on_turn_error catches the turn; this is botbuilder around it
            log.exception("teams activity=%s conversation=%s failed", activity.id, activity.conversation.id)
            if key and self.deliveries is not None:
                await self.deliveries.release(key)
            return nothing(activity)
        if response is None:
            return web.Response(status=201)
        if response.status == 501:  # an invoke we have no handler for: not a server failure
            log.info("teams invoke name=%s not handled", activity.name)
            return web.json_response({}, status=200)
        payload = (
            response.body
            if isinstance(response.body, (dict, list)) or response.body is None
            else serializer_helper(response.body)
        )
        return web.json_response(payload, status=response.status or 200)


def delivery_key(activity: Activity) -> str | None:
    """Activity ids are unique only within a conversation; hashed, so a key stays short."""
    if not activity.id:
        return None
    digest = hashlib.sha256(f"{activity.conversation.id}\n{activity.id}".encode()).hexdigest()
    return f"teams/{digest}"


def nothing(activity: Activity) -> web.Response:
    """Taken, and deliberately not answered."""
    if activity.delivery_mode == DeliveryModes.expect_replies:
        return web.json_response({"activities": []})
    return web.Response(status=200)
