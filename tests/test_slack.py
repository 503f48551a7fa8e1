"""Slack through the real aiohttp route: signed requests in, a local fake Web API out."""

from __future__ import annotations

import json
import time

import pytest

from tests import slack_helpers as s
from tests.slack_helpers import Slack, pause


async def test_a_dm_question_gets_the_answer_with_its_quoted_passage(slack: Slack) -> None:
    response = await slack.send(s.dm("can I use my council email for my personal twitter?"))
    assert response.status == 200
    post = await slack.posted(1, channel="D1")
    body = s.texts(post["blocks"])
    assert "Work email" in body and "Part B" in body
    assert any(b["type"] == "context" for b in post["blocks"])


async def test_slash_commands_in_a_channel_answer_ephemerally_in_the_ack(slack: Slack) -> None:
    for text, expect in [
        ("help", "Things I can do"),
        ("ask can I add a council logo to my blog?", "logo"),
        ("check", "Step 1"),
        ("", "Things I can do"),
    ]:
        response = await slack.send(s.command(text, slack.api.response_url()))
        assert response.status == 200
        data = await response.json()
        assert data["response_type"] == "ephemeral"
        assert expect in s.texts(data["blocks"]), text
    assert slack.api.of("chat.postMessage") == []


async def test_a_mention_is_answered_in_a_thread(slack: Slack) -> None:
    await slack.send(
        s.event(
            {
                "type": "app_mention",
                "channel": "C9",
                "user": "U1",
                "text": "<@UBOT> can I share photos of colleagues on instagram?",
                "ts": "77.1",
            }
        )
    )
    post = await slack.posted(1, channel="C9")
    assert post["thread_ts"] == "77.1"
    assert "<@UBOT>" not in json.dumps(post)


async def test_a_full_walk_by_buttons_ends_with_an_urgent_post_to_the_comms_channel(slack: Slack) -> None:
    await slack.send(s.dm("check"))
    question = await slack.posted(1, channel="D1")
    url = slack.api.response_url()
    await slack.send(s.press(s.buttons(question["blocks"])["Yes"], "Yes", response_url=url, message=question))
    updated = await slack.api.wait_for("chat.update")
    assert not [b for b in updated[0]["blocks"] if b["type"] == "actions"], (
        "the pressed message keeps no buttons"
    )
    assert "Picked: Yes" in s.texts(updated[0]["blocks"])
    outcome = await slack.posted(2, channel="D1")
    assert "Hand it to the Press Desk now" in s.texts(outcome["blocks"])
    label = "Send to the Press Desk"
    await slack.send(s.press(s.buttons(outcome["blocks"])[label], label, response_url=url, message=outcome))
    prompt = await slack.posted(3, channel="D1")
    label = "Send as it is"
    await slack.send(s.press(s.buttons(prompt["blocks"])[label], label, response_url=url, message=prompt))
    comms = await slack.posted(1, channel="CCOMMS")
    assert "URGENT" in s.texts(comms["blocks"])
    assert "Is anyone at risk" in s.texts(comms["blocks"])  # the path, in words


async def test_a_stale_button_says_it_has_expired_and_repeats_the_question(slack: Slack) -> None:
    await slack.send(s.dm("check"))
    first = await slack.posted(1, channel="D1")
    url = slack.api.response_url()
    values = s.buttons(first["blocks"])
    await slack.send(s.press(values["No"], "No", response_url=url, message=first))
    await slack.posted(2, channel="D1")
    await slack.send(s.press(values["Yes"], "Yes", response_url=url, message=first))
    stale = await slack.posted(3, channel="D1")
    text = s.texts(stale["blocks"])
    assert "out of date" in text and "Step 2" in text


async def test_a_press_on_an_ephemeral_message_replaces_it(slack: Slack) -> None:
    response = await slack.send(s.command("check", slack.api.response_url()))
    blocks = (await response.json())["blocks"]
    await slack.send(
        s.press(
            s.buttons(blocks)["No"], "No", response_url=slack.api.response_url(), ephemeral=True, channel="C1"
        )
    )
    (replaced,) = await slack.api.wait_for("response_url")
    assert replaced["replace_original"] is True
    assert "Picked: No" in s.texts(replaced["blocks"]) and "Step 2" in s.texts(replaced["blocks"])


async def test_a_retried_delivery_is_acknowledged_and_not_answered_twice(slack: Slack) -> None:
    signed = s.dm("can I use my council email for twitter?", event_id="EvRetried")
    await slack.send(signed)
    await slack.posted(1, channel="D1")
    response = await slack.send(
        s.dm("can I use my council email for twitter?", event_id="EvRetried"),
        **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert response.status == 200
    await pause()
    await pause()
    assert len(slack.api.of("chat.postMessage")) == 1


BODY = json.dumps(
    {"type": "event_callback", "event": {"type": "message", "channel_type": "im", "text": "hi"}}
)
BAD_SIGNATURES = {
    "forged": {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64},
    "for another body": s.sign("another body"),
    "stale": s.sign(BODY, timestamp=int(time.time()) - 3600),
    "missing": {},
}


@pytest.mark.parametrize("case", sorted(BAD_SIGNATURES))
async def test_forged_stale_and_missing_signatures_get_401(slack: Slack, case: str) -> None:
    headers = {"Content-Type": "application/json", **BAD_SIGNATURES[case]}
    response = await slack.client.post("/slack/events", data=BODY, headers=headers)
    assert response.status == 401
    assert slack.api.of("chat.postMessage") == []


async def test_url_verification_is_answered(slack: Slack) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    response = await slack.client.post(
        "/slack/events", data=body, headers={"Content-Type": "application/json", **s.sign(body)}
    )
    assert response.status == 200
    assert "abc123" in await response.text()


async def test_injection_attempts_never_ping_or_format(slack: Slack) -> None:
    await slack.send(s.dm("check", channel="D2", user="U2"))
    q = await slack.posted(1, channel="D2")
    url = slack.api.response_url()
    await slack.send(
        s.press(s.buttons(q["blocks"])["Yes"], "Yes", response_url=url, user="U2", channel="D2", message=q)
    )
    outcome = await slack.posted(2, channel="D2")
    label = "Send to the Press Desk"
    await slack.send(
        s.press(
            s.buttons(outcome["blocks"])[label],
            label,
            response_url=url,
            user="U2",
            channel="D2",
            message=outcome,
        )
    )
    await slack.posted(3, channel="D2")
    note = "<!channel> <!here> <@U123> <!subteam^S1> *bold _under `code ~x https://x.test/p " + "z" * 40_000
    await slack.send(s.dm(note, channel="D2", user="U2"))
    comms = await slack.posted(1, channel="CCOMMS")
    assert "<!channel>" not in comms["text"] and "<@U123>" not in comms["text"]
    for block in comms["blocks"]:
        for part in [block.get("text"), *block.get("elements", [])]:
            if isinstance(part, dict) and "type" in part and part["type"] in {"plain_text", "mrkdwn"}:
                assert part["type"] == "plain_text"
                assert len(part["text"]) <= 3000
    assert "<!channel>" not in s.texts(comms["blocks"])  # mention syntax is removed before it is kept


async def test_the_home_tab_shows_the_menu_and_recent_records(slack: Slack) -> None:
    await slack.send(s.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}))
    (view,) = await slack.api.wait_for("views.publish")
    assert view["user_id"] == "U1"
    assert "Check a post" in s.buttons(view["view"]["blocks"])


async def test_a_home_tab_button_continues_in_the_dm(slack: Slack) -> None:
    await slack.send(s.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}))
    (view,) = await slack.api.wait_for("views.publish")
    value = s.buttons(view["view"]["blocks"])["Check a post"]
    await slack.send(s.press_in_view(value, "Check a post"))
    post = await slack.posted(1, channel="DHOME")
    assert "Step 1" in s.texts(post["blocks"])


async def test_health_answers_ok(slack: Slack) -> None:
    response = await slack.client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"


async def test_the_slash_command_offers_the_induction(slack: Slack) -> None:
    response = await slack.send(s.command("induction", slack.api.response_url()))
    assert "Part 1/" in s.texts((await response.json())["blocks"])
