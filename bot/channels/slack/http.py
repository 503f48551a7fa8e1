"""``POST /slack/events``: verify, read, claim, then hand the request to bolt.

Verification and reading happen here, before bolt, so that a bad or stale signature is a 401
whose log line holds no body, a non-numeric timestamp is a 401 rather than a crash, and a
signed body that is not a Slack payload is a 400.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.channels.slack.deliveries import Deliveries
from bot.channels.slack.payloads import Malformed, Payload, parse
from bot.core.errors import AdvisorError

log = logging.getLogger("advisor.slack")

Dispatch = Callable[[AsyncBoltRequest], Awaitable[BoltResponse]]


class SlackRoute:
    def __init__(self, *, signing_secret: str, deliveries: Deliveries, dispatch: Dispatch) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.deliveries = deliveries
        self.dispatch = dispatch

    async def handle(self, request: web.Request) -> web.Response:
        try:
            text = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:
            return _malformed("not UTF-8")  # Slack sends UTF-8; nothing else can be signed by it
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not self.verified(text, timestamp, signature):
            log.info("slack request refused: bad or stale signature")
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            body = parse(text, request.content_type)
        except Malformed as exc:
            return _malformed(str(exc))
        replay = None if body.get("event_id") else f"slack:signature:{signature}"
        if replay and not await self.first_delivery(replay):
            log.info("slack request replayed: acked, not answered")
            return web.Response(status=200)
        response = await self.dispatch(_bolt_request(body, request))
        if replay and response.status >= 500:
            await self.deliveries.release(replay)
        return await to_aiohttp_response(response)

    async def first_delivery(self, key: str) -> bool:
        """Claim the request; a store that cannot take the claim (it waits at most about 2 s)
        does not hold up the acknowledgement: the request is answered, and its turn meets the
        same store and answers politely."""
        try:
            return await self.deliveries.claim(key)
        except AdvisorError:
            log.warning("slack request not de-duplicated: the store is unavailable")
            return True

    def verified(self, text: str, timestamp: str, signature: str) -> bool:
        if not (timestamp.isascii() and timestamp.isdigit()):
            return False  # slack-sdk would raise on int() of it
        return self.verifier.is_valid(text, timestamp, signature)


def _malformed(reason: str) -> web.Response:
    log.info("slack request refused: malformed body (%s)", reason)
    return web.json_response({"error": "malformed request"}, status=400)


def _bolt_request(body: Payload, request: web.Request) -> AsyncBoltRequest:
    """Bolt parses the body again; as JSON it reads exactly what was checked here."""
    headers: dict[str, str | Sequence[str]] = {
        k: v for k, v in request.headers.items() if k.lower() != "content-type"
    }
    headers["content-type"] = "application/json"
    return AsyncBoltRequest(body=json.dumps(body), query=request.query_string, headers=headers)
