"""Running one engine turn for a channel: the one place a turn's failure is caught."""

from __future__ import annotations

import logging

from bot.core.engine import ConversationEngine
from bot.core.errors import StorageError
from bot.core.messages import Incoming, Outgoing

log = logging.getLogger("advisor.channels")


async def safe_turn(engine: ConversationEngine, incoming: Incoming) -> Outgoing:
    """Run the turn; any failure is logged by id (never message text) and the officer gets
    the polite error reply with the state as stored, so no channel ever shows a traceback,
    goes silent or shows an intact walk as idle."""
    try:
        return await engine.handle(incoming)
    except StorageError as exc:
        # Expected in operation (a locked or unreachable database): one line, no traceback.
        log.warning(
            "turn failed channel=%s user=%s conversation=%s: %s",
            incoming.channel,
            incoming.user,
            incoming.conversation,
            exc,
        )
        return await engine.failed(incoming)
    except Exception:
        log.exception(
            "turn failed channel=%s user=%s conversation=%s",
            incoming.channel,
            incoming.user,
            incoming.conversation,
        )
        return await engine.failed(incoming)
