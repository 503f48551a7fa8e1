"""Sending to the Bot Framework connector: a transient failure (429, 5xx, a dropped
connection) is tried again a few times, honouring Retry-After; anything else is logged on one
line with ids and the turn goes on. A failed send never fails the turn."""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from botbuilder.schema import Activity
from msrest.exceptions import (  # type: ignore[attr-defined]  # re-exported from azure-core
    ClientRequestError,
    DeserializationError,
    HttpOperationError,
)

log = logging.getLogger("advisor.teams")

TRANSIENT = frozenset({429, 500, 502, 503, 504})
GONE = frozenset({401, 403, 404})  # the bot cannot reach this conversation: stop trying it
ATTEMPTS = 3
BACKOFF_SECONDS = 0.25
MAX_WAIT_SECONDS = 5.0  # a longer Retry-After is not waited for inside a turn


class Sent(enum.Enum):
    OK = "ok"
    FAILED = "failed"
    GONE = "gone"


async def deliver(action: Callable[[], Awaitable[Any]], *, what: str, activity: Activity) -> Sent:
    """Run one connector call, trying a transient failure again."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            await action()
            return Sent.OK
        except HttpOperationError as exc:
            status, headers = _status(exc)
            wait = _wait(headers, attempt)
            if status in TRANSIENT and attempt < ATTEMPTS and wait <= MAX_WAIT_SECONDS:
                await asyncio.sleep(wait)
                continue
            _log_failure(what, activity, status, _code(exc), attempt)
            return Sent.GONE if status in GONE else Sent.FAILED
        except (ClientRequestError, DeserializationError) as exc:
            # unreachable, or an answer that is not the connector's JSON (a proxy's error
            # page, say): the status is unknown, so it is treated as passing
            if attempt < ATTEMPTS:
                await asyncio.sleep(BACKOFF_SECONDS * attempt)
                continue
            reason = "unreachable" if isinstance(exc, ClientRequestError) else "unreadable answer"
            _log_failure(what, activity, None, reason, attempt)
    return Sent.FAILED


def _status(exc: HttpOperationError) -> tuple[int | None, Any]:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None), getattr(response, "headers", None) or {}


def _code(exc: HttpOperationError) -> str | None:
    """The connector's error code, e.g. BotNotInConversationRoster."""
    inner = getattr(getattr(exc, "error", None), "error", None)
    code = getattr(inner, "code", None)
    return code if isinstance(code, str) else None


def _wait(headers: Any, attempt: int) -> float:
    """Seconds to wait: the Retry-After header (seconds or an HTTP date), else a backoff."""
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    if isinstance(value, str) and value.strip():
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            pass
    return BACKOFF_SECONDS * attempt


def _log_failure(what: str, activity: Activity, status: int | None, code: str | None, attempts: int) -> None:
    log.warning(
        "teams %s failed status=%s code=%s conversation=%s activity=%s attempts=%d",
        what,
        status,
        code,
        activity.conversation.id if activity.conversation else None,
        activity.id,
        attempts,
    )
