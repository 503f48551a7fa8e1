"""Answer each Slack delivery once, across every server sharing the database.

Slack retries an event it thinks was missed, with the same ``event_id`` (Socket Mode marks
even a first delivery ``retry_attempt: 0``, so retry headers cannot tell a retry from a first
delivery). A delivery is claimed by its ``event_id``: a repeat of one already taken is acked
and skipped, one that never arrived is processed. Slash commands and presses carry no
``event_id``; over HTTP their signature is claimed, so a replayed request is not answered
twice either.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.core.storage import Store

log = logging.getLogger("advisor.slack")

# Slack retries an event up to three times within about five minutes, and bolt accepts a
# request timestamp up to five minutes either side of now; one window covers both. Every
# claim uses the same window because a claim clears everything older than its own.
CLAIM_SECONDS = 600.0
CLAIM_CONTEXT = "advisor_claim"


class Deliveries:
    """Claims in the shared store; the clock is the engine's, so tests can move it."""

    def __init__(self, store: Store, clock: Callable[[], float]) -> None:
        self.store = store
        self.clock = clock

    async def claim(self, key: str) -> bool:
        return await self.store.claim_delivery(key, now=self.clock(), ttl_seconds=CLAIM_SECONDS)

    async def release(self, key: str) -> None:
        await self.store.release_delivery(key)

    async def once(
        self, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Bolt middleware (HTTP and Socket Mode alike): skip an event already taken."""
        event_id = req.body.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            await next()
            return None
        key = f"slack:event:{event_id}"
        if not await self.claim(key):
            retry = req.headers.get("x-slack-retry-num", [""])[0]
            log.info("slack delivery repeated event_id=%s retry=%s: acked, not answered", event_id, retry)
            return BoltResponse(status=200, body="")
        req.context[CLAIM_CONTEXT] = key
        await next()
        return None

    async def give_back(self, req: AsyncBoltRequest) -> None:
        """A delivery that failed before it was acked is released, so Slack's retry is answered."""
        key = req.context.get(CLAIM_CONTEXT)
        ack = req.context.get("ack")
        if key and (ack is None or getattr(ack, "response", None) is None):
            await self.release(str(key))
