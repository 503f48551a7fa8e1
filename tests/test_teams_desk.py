"""The desk across channels, through the real routes: an URGENT record sent from Slack is
posted to both Communications channels and taken from the Teams one (the Teams card and the
Slack post both update, and the Slack officer is told); a record sent from Teams is taken from
Slack and its officer told in their Teams chat; Close in Teams sends the card's resolution."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.lifecycle import Post
from tests import slack_helpers as s
from tests.slack_helpers import Slack
from tests.teams_connector import Call, Connector, fake_connector
from tests.test_slack_desk import comms_ts, comms_updates, desk_of, press_on_post, send_urgent_record
from tests.test_teams import card_buttons, card_texts

COMMS = "19:comms@thread.tacv2"
_ids = itertools.count(1)


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    async with fake_connector() as fake:
        yield fake


@pytest.fixture
async def both(tmp_path: Path, connector: Connector) -> AsyncIterator[Slack]:
    """One server with Slack and Teams (local testing), each with a Communications channel."""
    async with s.running(
        tmp_path, teams_local_testing=True, teams_comms_channel=COMMS, teams_service_url=connector.url
    ) as route:
        yield route


def teams_activity(connector: Connector, **fields: Any) -> dict[str, Any]:
    """A Teams message delivered normally (replies go to the fake connector)."""
    return {
        "type": "message",
        "id": f"tact{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": connector.url,
        "from": {"id": "29:sam", "name": "Sam Press"},
        "recipient": {"id": "28:bot", "name": "Policy Advisor"},
        "conversation": {"id": COMMS, "conversationType": "channel", "isGroup": True},
        "channelData": {"tenant": {"id": "tenant-1"}},
        **fields,
    }


async def deliver(both: Slack, body: dict[str, Any]) -> None:
    response = await both.client.post("/api/messages", json=body)
    assert response.status in (200, 201), await response.text()


async def teams_post(both: Slack, record: str) -> Post:
    for _ in range(500):
        posts = [p for p in await desk_of(both).store.posts(record) if p.channel == "teams"]
        if posts:
            return posts[0]
        await s.pause()
    raise AssertionError("the record was not posted to Teams")


async def only_record(both: Slack) -> str:
    (record,) = await desk_of(both).queue()
    return record.id


def actions(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A record card's buttons by title: what each sends ("Close" opens a form with its own)."""
    found = {}
    for action in body["attachments"][0]["content"].get("actions", []):
        if action["type"] == "Action.ShowCard":
            found[action["title"]] = action["card"]["actions"][0]["data"]
        else:
            found[action["title"]] = action["data"]
    return found


def close_form(body: dict[str, Any]) -> dict[str, Any]:
    (shown,) = [a for a in body["attachments"][0]["content"]["actions"] if a["type"] == "Action.ShowCard"]
    return dict(shown["card"])


def calls_to(connector: Connector, method: str, conversation: str) -> list[Call]:
    return [c for c in connector.calls if c.method == method and f"/conversations/{conversation}/" in c.path]


async def test_an_urgent_slack_record_is_taken_from_the_teams_channel_and_the_officer_told(
    both: Slack, connector: Connector
) -> None:
    await send_urgent_record(both)
    record = await only_record(both)
    post = await teams_post(both, record)
    (card_post,) = calls_to(connector, "POST", COMMS)
    buttons = actions(card_post.body)
    assert list(buttons) == ["Mine", "Shut it"] and "URGENT" in card_texts(card_post.body)
    press = teams_activity(connector, value=buttons["Mine"], replyToId=post.message_id)
    await deliver(both, press)
    (update,) = calls_to(connector, "PUT", COMMS)
    assert update.path.endswith(f"/activities/{post.message_id}")
    assert "Taken by Sam Press at" in card_texts(update.body) and list(actions(update.body)) == ["Shut it"]
    (slack_update,) = await comms_updates(both)
    assert "Taken by Sam Press at" in s.texts(slack_update["blocks"])
    told = await both.posted(1, channel="U1")
    assert s.texts(told["blocks"]).startswith("Sam Press from the Press Desk is on it")
    trail = [(e.action, e.actor_id) for e in await desk_of(both).trail(record)]
    assert ("acknowledged", "29:sam") in trail and trail.count(("posted", "system")) == 2


async def test_a_second_press_in_teams_refreshes_the_card_and_names_who_has_it(
    both: Slack, connector: Connector
) -> None:
    post_message = await send_urgent_record(both)
    record = await only_record(both)
    slack_ts = await comms_ts(both, record)  # noted just after posting: wait for it
    post = await teams_post(both, record)
    assert slack_ts
    await both.send(press_on_post(post_message, "Mine", "U7", "1.1"))
    await both.posted(1, channel="U1")
    buttons = actions(calls_to(connector, "POST", COMMS)[0].body)
    await deliver(both, teams_activity(connector, value=buttons["Mine"], replyToId=post.message_id))
    answers = [c for c in calls_to(connector, "POST", COMMS) if "already took" in card_texts(c.body)]
    assert len(answers) == 1 and "Person U7" in card_texts(answers[0].body)
    assert "entities" not in answers[0].body or not answers[0].body["entities"]
    updates = calls_to(connector, "PUT", COMMS)
    assert updates and all("Taken by Person U7" in card_texts(u.body) for u in updates)
    await s.settle()
    assert len([c for c in both.api.of("chat.postMessage") if c["channel"] == "U1"]) == 1


async def test_close_in_teams_takes_the_resolution_chosen_on_the_card(
    both: Slack, connector: Connector
) -> None:
    await send_urgent_record(both)
    record = await only_record(both)
    post = await teams_post(both, record)
    form = close_form(calls_to(connector, "POST", COMMS)[0].body)
    (choice_set,) = [b for b in form["body"] if b["type"] == "Input.ChoiceSet"]
    assert [c["value"] for c in choice_set["choices"]] == ["handled", "no_action", "escalated"]
    assert choice_set["isRequired"] and form["actions"][0]["title"] == "Shut"
    close = actions(calls_to(connector, "POST", COMMS)[0].body)["Shut it"]
    await deliver(
        both, teams_activity(connector, value={**close, "note": "rang them"}, replyToId=post.message_id)
    )
    (asked,) = [c for c in calls_to(connector, "POST", COMMS) if card_texts(c.body) == "Outcome"]
    assert asked, "closing without a resolution asks for one"
    value = {**close, "resolution": "escalated", "note": "rang them"}
    await deliver(both, teams_activity(connector, value=value, replyToId=post.message_id))
    (update,) = calls_to(connector, "PUT", COMMS)
    shown = card_texts(update.body)
    assert "Shut by Sam Press at" in shown and "Sent up the chain" in shown and "Said: rang them" in shown
    assert actions(update.body) == {}
    desk = await desk_of(both).record(record)
    assert desk is not None and desk.lifecycle.resolution == "escalated"


async def test_a_teams_officers_record_taken_in_slack_is_told_in_their_teams_chat(
    both: Slack, connector: Connector
) -> None:
    personal = {"id": "a:officer", "conversationType": "personal"}
    officer = {"id": "29:officer", "name": "Olu Officer"}

    async def say(**fields: Any) -> list[Call]:
        before = len(connector.calls)
        await deliver(both, teams_activity(connector, conversation=personal, **{"from": officer, **fields}))
        return connector.calls[before:]

    replies = await say(text="check")
    replies = await say(value=card_buttons(replies[-1].body)["Yes"])
    replies = await say(value=card_buttons(replies[-1].body)["Send to the Press Desk"])
    await say(text="skip")
    record = await only_record(both)
    slack_post = await both.posted(1, channel="CCOMMS")
    await both.send(press_on_post(slack_post, "Mine", "U7", "1.1"))
    for _ in range(500):
        told = [c for c in calls_to(connector, "POST", "a:officer") if "is on it" in card_texts(c.body)]
        if told:
            break
        await s.pause()
    assert (
        card_texts(told[0].body)
        == f"Person U7 from the Press Desk is on it ({record}, Hand it to the Press Desk now)."
    )
    assert [c for c in both.api.of("chat.postMessage") if c["channel"] == "29:officer"] == []


async def test_a_reminder_in_teams_is_card_text_that_mentions_nobody(
    both: Slack, connector: Connector
) -> None:
    await send_urgent_record(both)
    record = await only_record(both)
    await teams_post(both, record)
    desk = desk_of(both)
    desk.ack_minutes = 0  # due at once: the two-server timing is proved with Slack in test_reminders
    assert [d.id for d in await desk.remind_due()] == [record]
    (reminder,) = [
        c for c in calls_to(connector, "POST", COMMS) if "Press Desk, please look" in card_texts(c.body)
    ]
    assert f"Still nobody on URGENT {record}" in card_texts(reminder.body)
    assert not reminder.body.get("entities")


async def test_a_desk_button_sent_from_another_conversation_changes_nothing(
    both: Slack, connector: Connector
) -> None:
    await send_urgent_record(both)
    record = await only_record(both)
    await teams_post(both, record)
    mine = actions(calls_to(connector, "POST", COMMS)[0].body)["Mine"]
    await deliver(both, teams_activity(connector, value=mine, conversation={"id": "a:someone"}))
    (answer,) = calls_to(connector, "POST", "a:someone")
    assert card_texts(answer.body) == "Only the Press Desk's channel can do that."
    desk = await desk_of(both).record(record)
    assert desk is not None and desk.lifecycle.state == "new"
