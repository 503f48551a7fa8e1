"""The desk in Slack, through the real route and a fake Slack Web API: an URGENT record
arrives with "Mine" and "Shut it" buttons (the fixture's words for "I'm on it" and "Close");
a press updates the post for everyone and DMs the officer; a second press is told, privately,
who has it; Close asks for a resolution in a modal; nobody is ever mentioned but by the
reminder's one configured mention."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import yaml

from bot.core.desk import Desk
from bot.server import DESK
from tests import slack_helpers as s
from tests.conftest import ROOT
from tests.slack_helpers import Slack


def desk_of(slack: Slack) -> Desk:
    """The server's desk, as the dashboard and the channels reach it."""
    desk: Desk = slack.client.app[DESK]
    return desk


async def send_urgent_record(slack: Slack, note: str | None = None) -> dict[str, Any]:
    """Officer U1 walks to the urgent outcome by DM and sends the record; the comms post."""
    url = slack.api.response_url()
    await slack.send(s.dm("check"))
    question = await slack.posted(1, channel="D1")
    await slack.send(s.press(s.buttons(question["blocks"])["Yes"], "Yes", response_url=url, message=question))
    outcome = await slack.posted(2, channel="D1")
    label = "Send to the Press Desk"
    await slack.send(s.press(s.buttons(outcome["blocks"])[label], label, response_url=url, message=outcome))
    prompt = await slack.posted(3, channel="D1")
    if note is None:
        label = "Send as it is"
        await slack.send(s.press(s.buttons(prompt["blocks"])[label], label, response_url=url, message=prompt))
    else:
        await slack.send(s.dm(note, ts="2.2"))
    return await slack.posted(1, channel="CCOMMS")


async def record_id(slack: Slack) -> str:
    (record,) = await desk_of(slack).queue()
    return record.id


async def comms_ts(slack: Slack, record: str) -> str:
    """Where the record was posted, once the channel has noted it (just after posting)."""
    for _ in range(500):
        posts = [p for p in await desk_of(slack).store.posts(record) if p.target == "comms"]
        if posts:
            assert posts[0].conversation == "CCOMMS" and posts[0].message_id
            return posts[0].message_id
        await s.pause()
    raise AssertionError(f"record {record} was not noted as posted")


async def comms_updates(slack: Slack, count: int = 1) -> list[dict[str, Any]]:
    """The chat.update calls on the Communications Team's channel (waits for ``count``)."""
    for _ in range(500):
        found = [u for u in slack.api.of("chat.update") if u["channel"] == "CCOMMS"]
        if len(found) >= count:
            return found
        await s.pause()
    raise AssertionError(f"expected {count} chat.update on CCOMMS: {slack.api.of('chat.update')}")


def press_on_post(post: dict[str, Any], label: str, user: str, ts: str) -> tuple[str, dict[str, str]]:
    message = {**post, "ts": ts}
    payload = s.press_payload(
        s.buttons(post["blocks"])[label],
        label,
        response_url="http://127.0.0.1:9/unused",
        user=user,
        channel="CCOMMS",
        message=message,
    )
    payload["user"] = {"id": user, "name": user.lower()}
    body = urlencode({"payload": json.dumps(payload)})
    return body, {"Content-Type": "application/x-www-form-urlencoded", **s.sign(body)}


def close_submission(
    record: str, resolution: str | None, note: str | None, user: str = "U8"
) -> tuple[str, dict[str, str]]:
    values: dict[str, Any] = {"note": {"note": {"type": "plain_text_input", "value": note}}}
    if resolution is not None:
        option = {"value": resolution, "text": {"type": "plain_text", "text": resolution}}
        values["resolution"] = {"resolution": {"type": "static_select", "selected_option": option}}
    payload = {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": user, "name": user.lower()},
        "api_app_id": "A1",
        "trigger_id": "t9",
        "view": {
            "id": "V9",
            "type": "modal",
            "callback_id": "desk-close",
            "private_metadata": json.dumps({"record": record, "channel": "CCOMMS"}),
            "state": {"values": values},
        },
    }
    body = urlencode({"payload": json.dumps(payload)})
    return body, {"Content-Type": "application/x-www-form-urlencoded", **s.sign(body)}


async def test_an_urgent_record_arrives_with_buttons_to_take_it_or_close_it(slack: Slack) -> None:
    post = await send_urgent_record(slack)
    assert list(s.buttons(post["blocks"])) == ["Mine", "Shut it"]
    assert "Nobody has this yet." in s.texts(post["blocks"])
    record = await record_id(slack)
    assert s.buttons(post["blocks"])["Mine"] == f"desk:ack:{record}"
    await comms_ts(slack, record)
    trail = [e.action for e in await desk_of(slack).trail(record)]
    assert trail == ["sent", "posted"]


async def test_taking_a_record_updates_the_post_for_everyone_and_tells_the_officer(slack: Slack) -> None:
    post = await send_urgent_record(slack)
    record = await record_id(slack)
    ts = await comms_ts(slack, record)
    response = await slack.send(press_on_post(post, "Mine", "U7", ts))
    assert response.status == 200
    (update,) = await comms_updates(slack)
    assert (update["channel"], update["ts"]) == ("CCOMMS", ts)
    assert "Taken by Person U7 at" in s.texts(update["blocks"])
    assert list(s.buttons(update["blocks"])) == ["Shut it"]
    told = await slack.posted(1, channel="U1")
    assert (
        s.texts(told["blocks"])
        == f"Person U7 from the Press Desk is on it ({record}, Hand it to the Press Desk now)."
    )
    assert slack.api.of("chat.postEphemeral") == []


async def test_a_second_press_is_told_privately_who_has_the_record_and_changes_nothing(slack: Slack) -> None:
    post = await send_urgent_record(slack)
    record = await record_id(slack)
    ts = await comms_ts(slack, record)
    await slack.send(press_on_post(post, "Mine", "U7", ts))
    await slack.posted(1, channel="U1")
    await slack.send(press_on_post(post, "Mine", "U8", ts))  # a stale copy of the post
    (ephemeral,) = await slack.api.wait_for("chat.postEphemeral")
    assert ephemeral["user"] == "U8" and ephemeral["channel"] == "CCOMMS"
    assert f"Person U7 already took {record} at" in s.texts(ephemeral["blocks"])
    updates = await comms_updates(slack, 2)
    assert all("Taken by Person U7" in s.texts(u["blocks"]) for u in updates), "the stale post is refreshed"
    await s.settle()
    assert len([c for c in slack.api.of("chat.postMessage") if c["channel"] == "U1"]) == 1, "told once"
    desk = await desk_of(slack).record(record)
    assert desk is not None and desk.lifecycle.acknowledged_by == "U7"


async def test_close_asks_for_a_resolution_in_a_modal_and_shows_it_on_the_post(slack: Slack) -> None:
    post = await send_urgent_record(slack)
    record = await record_id(slack)
    ts = await comms_ts(slack, record)
    await slack.send(press_on_post(post, "Shut it", "U8", ts))
    (opened,) = await slack.api.wait_for("views.open")
    view = opened["view"]
    assert view["callback_id"] == "desk-close" and view["title"]["text"] == "Shut the record"
    options = [o["value"] for o in view["blocks"][0]["element"]["options"]]
    assert options == ["handled", "no_action", "escalated"]
    response = await slack.send(close_submission(record, "handled", "Rang <!channel> them"))
    assert response.status == 200 and not await response.text()
    (update,) = await comms_updates(slack)
    shown = s.texts(update["blocks"])
    assert "Shut by Person U8 at" in shown and "Dealt with" in shown and "Said: Rang <!channel> them" in shown
    assert s.buttons(update["blocks"]) == {}
    assert all(b["text"]["type"] == "plain_text" for b in update["blocks"] if "text" in b)
    told = await slack.posted(1, channel="U1")
    assert "shut" in s.texts(told["blocks"]) and "<!channel>" not in told["text"]
    trail = [(e.action, e.actor_id, e.detail) for e in await desk_of(slack).trail(record)]
    assert trail[-1] == ("closed", "U8", "handled")


async def test_a_forged_close_without_a_known_resolution_is_refused_in_the_modal(slack: Slack) -> None:
    await send_urgent_record(slack)
    record = await record_id(slack)
    for resolution in (None, "made_up"):
        response = await slack.send(close_submission(record, resolution, None))
        assert response.status == 200
        assert (await response.json())["response_action"] == "errors"
    desk = await desk_of(slack).record(record)
    assert desk is not None and desk.lifecycle.state == "new"


async def test_pressing_close_on_a_closed_record_opens_no_modal_and_says_who_closed_it(slack: Slack) -> None:
    post = await send_urgent_record(slack)
    record = await record_id(slack)
    ts = await comms_ts(slack, record)
    await slack.send(close_submission(record, "no_action", None, user="U7"))
    await comms_updates(slack)
    await slack.send(press_on_post(post, "Shut it", "U8", ts))
    (ephemeral,) = await slack.api.wait_for("chat.postEphemeral")
    assert f"{record} was already shut by Person U7" in s.texts(ephemeral["blocks"])
    assert slack.api.of("views.open") == []


async def test_a_press_on_a_record_no_longer_kept_is_answered_politely(slack: Slack) -> None:
    post = await send_urgent_record(slack)
    forged = json.loads(json.dumps(post))
    for block in forged["blocks"]:
        for element in block.get("elements", []):
            if element.get("value", "").startswith("desk:ack:"):
                element["value"] = "desk:ack:R-GONE"
    await slack.send(press_on_post(forged, "Mine", "U7", "5.5"))
    (ephemeral,) = await slack.api.wait_for("chat.postEphemeral")
    assert s.texts(ephemeral["blocks"]) == "No such record any more."
    await s.settle()
    assert [u for u in slack.api.of("chat.update") if u["channel"] == "CCOMMS"] == []


async def test_a_desk_button_pressed_outside_the_comms_channel_changes_nothing(slack: Slack) -> None:
    post = await send_urgent_record(slack)
    record = await record_id(slack)
    payload = s.press_payload(
        s.buttons(post["blocks"])["Mine"],
        "Mine",
        response_url="http://127.0.0.1:9/x",
        user="U1",
        channel="C9",
    )
    body = urlencode({"payload": json.dumps(payload)})
    await slack.send((body, {"Content-Type": "application/x-www-form-urlencoded", **s.sign(body)}))
    (ephemeral,) = await slack.api.wait_for("chat.postEphemeral")
    assert (
        ephemeral["channel"] == "C9"
        and s.texts(ephemeral["blocks"]) == "Only the Press Desk's channel can do that."
    )
    desk = await desk_of(slack).record(record)
    assert desk is not None and desk.lifecycle.state == "new"


def test_both_manifests_let_the_bot_read_the_name_of_whoever_presses() -> None:
    for name in ("manifest.yml", "manifest-socket-mode.yml"):
        manifest = yaml.safe_load((ROOT / "slack" / name).read_text(encoding="utf-8"))
        assert "users:read" in manifest["oauth_config"]["scopes"]["bot"]


async def test_a_post_whose_place_was_not_stored_is_still_updated_when_pressed(slack: Slack) -> None:
    post = await send_urgent_record(slack)
    record = await record_id(slack)
    await comms_ts(slack, record)
    await slack.send(press_on_post(post, "Mine", "U7", "77.7"))
    updates = await comms_updates(slack, 2)
    assert "77.7" in [u["ts"] for u in updates], "the pressed message, as well as the stored post"
    assert all("Taken by Person U7" in s.texts(u["blocks"]) for u in updates)
