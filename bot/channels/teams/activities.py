"""What an incoming Bot Framework activity must hold before anything acts on it, and how one
becomes an ``Incoming``. The shape checks run on the JSON as sent, so a malformed activity is
refused (400) before botbuilder, which assumes these fields, can fail on it."""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from botbuilder.schema import Activity

from bot.core.messages import Incoming

CHANNEL = "teams"
CHANNEL_NAMES = {"msteams": CHANNEL}  # records made before the real channel was kept say "teams"
CHANNEL_ID = re.compile(r"[a-z0-9_-]{1,32}")
# Teams sends the typed text as plain text (its HTML rendering comes separately, as a
# text/html attachment, which is not read); the one markup in it is a mention, <at>Name</at>.
# The pattern cannot run past the next "<", so unclosed tags cost one scan of the text.
MENTION = re.compile(r"<at(?:\s[^<>]*)?>[^<]*</at>", re.IGNORECASE)
# A Teams message holds at most about 28 KB; reading no more bounds the work on any body.
TEXT_LIMIT = 40_000


def problem(body: object) -> str | None:
    """Why this JSON is not an activity we can answer, or None. Names fields only."""
    if not isinstance(body, dict):
        return "not an object"
    if not isinstance(body.get("type"), str) or not body["type"]:
        return "type"
    for name in ("conversation", "recipient", "from"):
        if not _has_id(body.get(name)):
            return name
    if not isinstance(body.get("channelId"), str) or not CHANNEL_ID.fullmatch(body["channelId"].lower()):
        return "channelId"
    if _host(body.get("serviceUrl")) is None:
        return "serviceUrl"
    return _entities_problem(body.get("entities"))


def _has_id(account: object) -> bool:
    return isinstance(account, dict) and isinstance(account.get("id"), str) and bool(account["id"])


def _entities_problem(entities: object) -> str | None:
    if entities is None:
        return None
    if not isinstance(entities, list):
        return "entities"
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            return "entities.type"
        if entity["type"].lower() == "mention" and not _has_id(entity.get("mentioned")):
            return "entities.mentioned"
    return None


def _host(url: object) -> str | None:
    """The host of an http(s) service URL, or None when it is not one."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    return host if parts.scheme in {"http", "https"} and host else None


def is_loopback_url(url: str | None) -> bool:
    """A service URL on this machine: the only kind an unauthenticated server may send to.
    ``localhost`` is allowed because the Bot Framework Emulator names itself so."""
    host = _host(url)
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def from_ourselves(activity: Activity) -> bool:
    """An echo of the bot's own message: never answered."""
    sender, recipient = activity.from_property, activity.recipient
    return bool((sender and recipient and sender.id == recipient.id) or (sender and sender.role == "bot"))


def channel_name(activity: Activity) -> str:
    """The channel recorded for the turn: Teams keeps its old name; the Emulator, Web Chat and
    Direct Line are recorded as themselves."""
    raw = str(activity.channel_id or "").lower()
    return CHANNEL_NAMES.get(raw, raw)


def submitted(activity: Activity) -> dict[str, Any]:
    """The data of a card's Action.Submit, or an empty dict."""
    return activity.value if isinstance(activity.value, dict) else {}


def typed_text(activity: Activity) -> str:
    """The message text without mentions: the bot's own as its mention entity spells it,
    matched literally, then any other <at>Name</at>."""
    text = activity.text[:TEXT_LIMIT] if isinstance(activity.text, str) else ""
    recipient = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        if str(entity.type).lower() != "mention":
            continue
        props = entity.additional_properties or {}
        mentioned, shown = props.get("mentioned") or {}, props.get("text")
        if mentioned.get("id") == recipient and isinstance(shown, str) and shown:
            text = text.replace(shown, " ")
    return MENTION.sub(" ", text).strip()


def to_incoming(activity: Activity, choice: str | None = None) -> Incoming:
    """A Teams message: typed text (the bot's @mention removed) or a card submit."""
    user = activity.from_property
    if choice is None:
        value = submitted(activity).get("choice")
        choice = value if isinstance(value, str) else None
    return Incoming(
        channel_name(activity),
        str(activity.conversation.id),
        str(user.id),
        text="" if choice is not None else typed_text(activity),
        choice=choice,
        user_name=user.name if isinstance(user.name, str) else None,
    )
