"""Signed Slack requests, built as Slack builds them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

SECRET = "test-signing-secret"


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def event(inner: dict[str, Any], event_id: str = "Ev1") -> tuple[str, dict[str, str]]:
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": inner,
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"user_id": "UBOT", "team_id": "T1", "is_bot": True}],
        }
    )
    return body, {"Content-Type": "application/json", **sign(body)}


def dm(text: str, user: str = "U1", channel: str = "D1", ts: str = "1.1") -> tuple[str, dict[str, str]]:
    return event(
        {"type": "message", "channel_type": "im", "channel": channel, "user": user, "text": text, "ts": ts}
    )


def command(
    text: str, response_url: str, user: str = "U1", channel: str = "C1"
) -> tuple[str, dict[str, str]]:
    body = urlencode(
        {
            "command": "/socialmedia",
            "text": text,
            "user_id": user,
            "user_name": "alex",
            "channel_id": channel,
            "team_id": "T1",
            "response_url": response_url,
            "trigger_id": "t1",
        }
    )
    return body, {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}


def _action(value: str, label: str) -> dict[str, Any]:
    text = {"type": "plain_text", "text": label}
    return {"type": "button", "action_id": "choice-0", "block_id": "b1", "value": value, "text": text}


def _form(payload: dict[str, Any]) -> tuple[str, dict[str, str]]:
    body = urlencode({"payload": json.dumps(payload)})
    return body, {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}


def _payload(value: str, label: str, user: str, **extra: Any) -> dict[str, Any]:
    """A block_actions payload as Slack sends it for one button press."""
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user, "name": "alex"},
        "api_app_id": "A1",
        "trigger_id": "t1",
        "actions": [_action(value, label)],
        **extra,
    }


def press(
    value: str,
    label: str,
    *,
    response_url: str,
    user: str = "U1",
    channel: str = "D1",
    ephemeral: bool = False,
    message: dict[str, Any] | None = None,
) -> tuple[str, dict[str, str]]:
    """A press on a message (ephemeral ones carry no copy of the message)."""
    container = {"type": "message", "message_ts": "9.9", "channel_id": channel, "is_ephemeral": ephemeral}
    payload = _payload(
        value, label, user, container=container, channel={"id": channel}, response_url=response_url
    )
    if not ephemeral:
        payload["message"] = message or {"ts": "9.9", "blocks": [{"type": "actions", "elements": []}]}
    return _form(payload)


def press_in_view(value: str, label: str, user: str = "U1") -> tuple[str, dict[str, str]]:
    """A press on the Home tab: no channel and no message, only the view."""
    view = {"id": "V1", "type": "home"}
    return _form(_payload(value, label, user, container={"type": "view", "view_id": "V1"}, view=view))


def buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """Label -> value of every button in some blocks."""
    return {e["text"]["text"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


def texts(blocks: list[dict[str, Any]]) -> str:
    out = []
    for b in blocks:
        if "text" in b and isinstance(b["text"], dict):
            out.append(b["text"]["text"])
        for e in b.get("elements", []):
            if e.get("type") in {"plain_text", "mrkdwn"}:
                out.append(e["text"])
    return "\n".join(out)
