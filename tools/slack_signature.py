"""Slack's request signature, made by slack_sdk's own ``SignatureVerifier``, for every test and
benchmark that sends a request as Slack would."""

from __future__ import annotations

import time

from slack_sdk.signature import SignatureVerifier


def signed_headers(body: str | bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The timestamp and signature headers Slack sends with ``body`` (now, unless ``timestamp``).

    Slack only sends UTF-8; bytes that are not UTF-8 get the signature of their text with
    replacement characters, which a route must refuse (400) before it checks the signature."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=text)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": str(signature)}
