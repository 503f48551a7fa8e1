"""When Slack or the request goes wrong: Web API failures, bad signatures and bad bodies,
through the real route and a fake Web API that fails the way Slack does."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests import slack_helpers as s
from tests.slack_helpers import Slack, pause
from tests.test_store_failures import LockHolder
from tools.fake_slack import Failure

QUESTION = "can I use my council email for twitter?"


TRANSIENT = {
    "429 with Retry-After": Failure(status=429, retry_after=1),
    "500": Failure(status=500),
    "503": Failure(status=503),
    "a dropped connection": Failure(drop=True),
}


@pytest.mark.parametrize("case", sorted(TRANSIENT))
async def test_a_reply_survives_a_transient_web_api_failure(
    slack: Slack, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    slack.api.fail("chat.postMessage", TRANSIENT[case])
    await slack.send(s.dm(QUESTION))
    calls = await slack.api.wait_for("chat.postMessage", count=2, timeout=10)
    assert calls[0] == calls[1], "the same reply is sent again"
    await pause(0.2)
    assert len(slack.api.of("chat.postMessage")) == 2
    assert not [r for r in caplog.records if r.exc_info], "no traceback"


async def test_a_permanent_failure_is_one_line_and_the_next_message_shows_the_question(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await slack.send(s.dm("check"))
    question = await slack.posted(1, channel="D1")
    slack.api.fail("chat.postMessage", Failure(error="channel_not_found"))
    value = s.buttons(question["blocks"])["No"]
    await slack.send(s.press(value, "No", response_url=slack.api.response_url(), message=question))
    await slack.api.wait_for("chat.postMessage", count=2)
    await pause(0.2)
    failures = [r for r in caplog.records if "channel_not_found" in r.getMessage()]
    assert len(failures) == 1 and not failures[0].exc_info
    assert "D1" in failures[0].getMessage() and "U1" in failures[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info], "no traceback"

    await slack.send(s.dm("hello?", ts="3.3"))
    post = await slack.posted(2, channel="D1")
    assert "Step 2" in s.texts(post["blocks"]), "the officer sees where they are"


async def test_a_failed_home_tab_publish_is_one_line(slack: Slack, caplog: pytest.LogCaptureFixture) -> None:
    slack.api.fail("views.publish", Failure(error="not_enabled"))
    await slack.send(s.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}))
    await slack.api.wait_for("views.publish")
    await pause(0.2)
    assert [r for r in caplog.records if "not_enabled" in r.getMessage()]
    assert not [r for r in caplog.records if r.exc_info]


SECRET_TEXT = "resident Jo Bloggs at 12 Acacia Avenue says"


def dm_body() -> str:
    return json.dumps(s.event_body(s.dm_event(f"{SECRET_TEXT} the bins were missed")))


REFUSED = {
    "a stale timestamp (clock skew)": lambda body: s.sign(body, timestamp=int(time.time()) - 3600),
    "a rotated secret": lambda body: s.sign(body, secret="the-old-secret"),
    "a forged signature": lambda body: {
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "0" * 64,
    },
}


@pytest.mark.parametrize("case", sorted(REFUSED))
async def test_a_refused_request_leaves_no_message_text_in_the_log(
    tmp_path: Path, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # as LOG_LEVEL=INFO, before the app and its loggers exist
    async with s.running(tmp_path) as slack:
        body = dm_body()
        headers = {"Content-Type": "application/json", **REFUSED[case](body)}
        response = await slack.client.post("/slack/events", data=body, headers=headers)
        assert response.status == 401
    assert SECRET_TEXT not in caplog.text
    assert "Acacia" not in caplog.text


async def test_an_answered_dm_leaves_no_message_text_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with s.running(tmp_path) as slack:
        await slack.send(s.signed_json(json.loads(dm_body())))
        await slack.posted(1, channel="D1")
    assert "Acacia" not in caplog.text


@pytest.mark.parametrize("timestamp", ["soon", "", "1e9", "-1", "１２３"])
async def test_a_non_numeric_timestamp_gets_401(slack: Slack, timestamp: str) -> None:
    body = dm_body()
    headers = {**s.sign(body), "X-Slack-Request-Timestamp": timestamp, "Content-Type": "application/json"}
    response = await slack.client.post("/slack/events", data=body, headers=headers)
    assert response.status == 401


MALFORMED = {
    "broken JSON": ("application/json", '{"type": "event_callback", "event": '),
    "JSON that is a list": ("application/json", "[1, 2, 3]"),
    "JSON that is a string": ("application/json", '"hello"'),
    "a form whose payload is not JSON": (
        "application/x-www-form-urlencoded",
        urlencode({"payload": "{nope"}),
    ),
    "a form whose payload is a list": ("application/x-www-form-urlencoded", urlencode({"payload": "[1]"})),
    "an event that is a string": ("application/json", json.dumps({"type": "event_callback", "event": "x"})),
    "actions that are not a list": (
        "application/x-www-form-urlencoded",
        urlencode({"payload": json.dumps({"type": "block_actions", "actions": {"a": 1}, "user": "U1"})}),
    ),
    "bytes that are not UTF-8": ("application/json", "\udcff"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
async def test_a_signed_malformed_body_gets_400(slack: Slack, case: str) -> None:
    content_type, body = MALFORMED[case]
    raw = body.encode("utf-8", "surrogateescape")
    headers = {"Content-Type": content_type, **s.sign(raw)}
    response = await slack.client.post("/slack/events", data=raw, headers=headers)
    assert response.status == 400
    await pause(0.2)
    assert slack.api.of("chat.postMessage") == []


async def test_a_slash_command_is_acknowledged_in_time_while_the_store_is_locked(tmp_path: Path) -> None:
    """Slack drops an acknowledgement later than 3 s: a locked store must not hold it up; the
    answer follows through the command's response_url."""
    async with s.running(tmp_path) as slack:
        holder = LockHolder(tmp_path / "slack.db")
        try:
            holder.lock()
            started = time.monotonic()
            response = await slack.send(s.command("check", slack.api.response_url()))
            elapsed = time.monotonic() - started
            assert response.status == 200 and elapsed < 3.0, elapsed
            assert "Working on it" in (await response.json())["text"]
            for _ in range(600):
                late = slack.api.of("response_url")
                if late:
                    break
                await s.pause()
            assert late and late[0]["replace_original"] is True
            assert late[0]["response_type"] == "ephemeral"
        finally:
            holder.release()
