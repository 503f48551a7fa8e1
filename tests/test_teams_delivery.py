"""Teams through the real /api/messages route and a local fake connector: failed sends,
refused presses, echoes, malformed activities, repeats, labels and channels, and who may use
the route without authentication."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.engine import ConversationEngine
from bot.core.messages import Incoming, Outgoing
from bot.server import ENGINE, build_app, channel_status
from bot.settings import Settings
from tests.teams_connector import Answer, Connector, fake_connector
from tests.test_teams import activity, card_buttons, card_texts, client_for, say

NOT_IN_ROSTER = {
    "error": {"code": "BotNotInConversationRoster", "message": "The bot is not part of the roster"}
}


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    async with fake_connector() as fake:
        yield fake


@pytest.fixture
async def teams(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    client = await client_for(tmp_path)
    yield client
    await client.close()


def delivered(connector: Connector, text: str | None = None, **fields: Any) -> dict[str, Any]:
    """An activity for normal delivery: replies go to the fake connector."""
    return activity(text, **fields) | {"deliveryMode": None, "serviceUrl": connector.url}


async def post(client: TestClient[Any, Any], body: dict[str, Any]) -> int:
    response = await client.post("/api/messages", json=body)
    assert "Traceback" not in await response.text()
    return response.status


# 1. A failed send --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [Answer(429, {}, {"Retry-After": "0"}), Answer(503, {}), Answer(502, {}, {"Retry-After": "0.1"})],
    ids=["429 with Retry-After", "503", "502"],
)
async def test_a_transient_connector_failure_is_retried_and_no_reply_is_lost(
    teams: TestClient[Any, Any], connector: Connector, failure: Answer
) -> None:
    expected = len(await say(teams, activity("check", user="29:other")))
    connector.script = [failure]
    assert await post(teams, delivered(connector, "check")) == 201
    posts = connector.posts()
    assert len(posts) == expected + 1  # the refused one, sent again, then the rest
    assert "Step 1" in card_texts(posts[-1].body)


async def test_a_bot_removed_from_the_conversation_is_logged_once_and_answered_2xx(
    teams: TestClient[Any, Any], connector: Connector, caplog: pytest.LogCaptureFixture
) -> None:
    connector.script = [Answer(403, NOT_IN_ROSTER)]
    with caplog.at_level(logging.INFO):
        assert await post(teams, delivered(connector, "check", conversation="a:gone")) == 201
    assert len(connector.posts()) == 1  # the conversation is out of reach: no more tries
    (line,) = [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert "BotNotInConversationRoster" in line and "a:gone" in line and "status=403" in line


async def test_a_send_that_fails_unexpectedly_is_answered_2xx_not_500(
    teams: TestClient[Any, Any], connector: Connector
) -> None:
    connector.script = [Answer(200, raw="<html>proxy error</html>")] * 5
    assert await post(teams, delivered(connector, "check")) in {200, 201}


# 2. Refused presses ------------------------------------------------------------------------


async def test_a_stale_press_leaves_its_card_as_it_was(
    teams: TestClient[Any, Any], connector: Connector
) -> None:
    assert await post(teams, delivered(connector, "check")) == 201
    first = card_buttons(connector.posts()[-1].body)
    assert await post(teams, delivered(connector, value=first["No"]) | {"replyToId": "card-1"}) == 201
    assert len(connector.puts()) == 1
    assert await post(teams, delivered(connector, value=first["Yes"]) | {"replyToId": "card-1"}) == 201
    assert len(connector.puts()) == 1  # the stale press did not rewrite the card
    assert "out of date" in card_texts(connector.posts()[-2].body)


async def test_a_press_on_someone_elses_check_changes_nothing_and_is_answered_to_the_presser(
    teams: TestClient[Any, Any], connector: Connector
) -> None:
    channel = {"conversation": "19:general@thread.tacv2", "mention": True}
    assert await post(teams, delivered(connector, "check", user="29:alex", **channel)) == 201
    alex_no = card_buttons(connector.posts()[-1].body)["No"]
    assert alex_no["owner"] == "29:alex"
    before = len(connector.posts())
    press = delivered(connector, value=alex_no, user="29:sam", conversation=channel["conversation"])
    assert await post(teams, press | {"replyToId": "alex-card"}) == 201
    assert not connector.puts()
    (answer,) = connector.posts()[before:]
    assert "began this check" in card_texts(answer.body)
    assert not card_buttons(answer.body)
    own = delivered(connector, value=alex_no, user="29:alex", conversation=channel["conversation"])
    assert await post(teams, own | {"replyToId": "alex-card"}) == 201
    assert "Step 2" in card_texts(connector.posts()[-1].body) and len(connector.puts()) == 1


async def test_a_universal_action_on_someone_elses_check_is_answered_only_in_the_invoke(
    teams: TestClient[Any, Any], connector: Connector
) -> None:
    replies = await say(teams, activity("check", user="29:alex", conversation="19:c@thread.tacv2"))
    alex_no = card_buttons(replies[-1])["No"]
    invoke = delivered(connector, user="29:sam", conversation="19:c@thread.tacv2") | {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "value": {"action": {"type": "Action.Execute", "verb": "choose", "data": alex_no}},
    }
    response = await teams.post("/api/messages", json=invoke)
    assert response.status == 200
    answer = await response.json()
    assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert "began this check" in answer["value"] and not connector.calls
    replies = await say(teams, activity("why", user="29:alex", conversation="19:c@thread.tacv2"))
    assert "Step 1" in card_texts(replies[-1])


async def test_a_stale_universal_action_keeps_its_card(teams: TestClient[Any, Any]) -> None:
    replies = await say(teams, activity("check"))
    first = card_buttons(replies[-1])
    await say(teams, activity(value=first["No"]))
    body = activity() | {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "deliveryMode": None,
        "value": {"action": {"type": "Action.Execute", "verb": "choose", "data": first["Yes"]}},
    }
    answer = await (await teams.post("/api/messages", json=body)).json()
    assert answer["type"] == "application/vnd.microsoft.activity.message" and "out of date" in answer["value"]


# 3. Our own messages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sender", [{"id": "28:bot", "name": "Policy Advisor"}, {"id": "28:other-bot", "role": "bot"}]
)
async def test_the_bot_never_answers_its_own_or_a_bots_message(
    teams: TestClient[Any, Any], connector: Connector, sender: dict[str, str]
) -> None:
    assert await post(teams, delivered(connector, "check") | {"from": sender}) == 200
    assert await say(teams, activity("check") | {"from": sender}) == []
    assert not connector.calls


# 4. Malformed activities -------------------------------------------------------------------


def _without(name: str) -> Any:
    return lambda body: {k: v for k, v in body.items() if k != name}


MALFORMED = {
    "no conversation": _without("conversation"),
    "no recipient": _without("recipient"),
    "no serviceUrl": _without("serviceUrl"),
    "no from": _without("from"),
    "conversation without id": lambda body: body | {"conversation": {"name": "x"}},
    "serviceUrl not a URL": lambda body: body | {"serviceUrl": "javascript:alert(1)"},
    "mention without mentioned": lambda body: (
        body | {"entities": [{"type": "mention", "text": "<at>Policy Advisor</at>"}]}
    ),
    "entity without type": lambda body: body | {"entities": [{"mentioned": {"id": "28:bot"}}]},
    "entities not a list": lambda body: body | {"entities": {"type": "mention"}},
}


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_a_malformed_activity_gets_400_and_nothing_is_sent(
    teams: TestClient[Any, Any], connector: Connector, case: str
) -> None:
    body = MALFORMED[case](delivered(connector, "check", mention=True))
    assert await post(teams, body) == 400
    assert not connector.calls


async def test_a_mention_with_neither_text_nor_name_is_answered(teams: TestClient[Any, Any]) -> None:
    body = activity("check") | {"entities": [{"type": "mention", "mentioned": {"id": "28:bot"}}]}
    assert "Step 1" in card_texts((await say(teams, body))[-1])


# 5. Repeats --------------------------------------------------------------------------------


async def test_the_same_activity_delivered_twice_is_answered_once(
    teams: TestClient[Any, Any], connector: Connector
) -> None:
    body = delivered(connector, "check")
    assert await post(teams, body) == 201
    sent = len(connector.posts())
    assert await post(teams, body) == 200
    assert len(connector.posts()) == sent
    again = activity("hello")
    assert await say(teams, again) and await say(teams, again) == []


async def test_the_same_activity_id_in_another_conversation_is_answered(teams: TestClient[Any, Any]) -> None:
    body = activity("hello")
    assert await say(teams, body)
    assert await say(teams, body | {"conversation": {"id": "a:another"}})


# 6. Labels and channels --------------------------------------------------------------------


async def test_a_submit_whose_label_is_an_object_shows_text_not_a_repr(
    teams: TestClient[Any, Any], connector: Connector
) -> None:
    assert await post(teams, delivered(connector, "check")) == 201
    no = card_buttons(connector.posts()[-1].body)["No"] | {"label": {"text": "No", "x": [1]}}
    assert await post(teams, delivered(connector, value=no) | {"replyToId": "card-1"}) == 201
    (update,) = connector.puts()
    assert card_texts(update.body) == "Recorded."


@pytest.mark.parametrize(
    ("channel_id", "recorded"),
    [("msteams", "teams"), ("emulator", "emulator"), ("webchat", "webchat"), ("directline", "directline")],
)
async def test_the_real_channel_is_recorded(
    teams: TestClient[Any, Any], channel_id: str, recorded: str
) -> None:
    def turn(text: str | None = None, **fields: Any) -> dict[str, Any]:
        return activity(text, **fields) | {"channelId": channel_id}

    replies = await say(teams, turn("check"))
    replies = await say(teams, turn(value=card_buttons(replies[-1])["Yes"]))
    replies = await say(teams, turn(value=card_buttons(replies[-1])["Send to the Press Desk"]))
    await say(teams, turn("skip"))
    (record,) = await teams.app[ENGINE].store.records(user="29:u1")
    assert record.channel == recorded


async def walk_to_a_record(engine: ConversationEngine) -> None:
    """A Slack officer's walk that ends with a record for the Communications Team."""

    async def press(label: str, out: Outgoing) -> Outgoing:
        choice = {c.label: c.value for r in out.replies for c in r.choices}[label]
        return await engine.handle(Incoming("slack", "D1", "U1", choice=choice))

    out = await engine.handle(Incoming("slack", "D1", "U1", text="check"))
    out = await press("Send to the Press Desk", await press("Yes", out))
    await engine.handle(Incoming("slack", "D1", "U1", text="skip"))
    assert await engine.store.records(user="U1")


# 7. Unauthenticated use --------------------------------------------------------------------


async def test_with_no_app_id_and_no_opt_in_the_route_is_off(tmp_path: Path) -> None:
    client = await client_for(tmp_path, teams_local_testing=False)
    try:
        assert (await client.post("/api/messages", json=activity("hello"))).status == 404
    finally:
        await client.close()
    status = channel_status(Settings(host="127.0.0.1"))[1]
    assert status.startswith("Teams: off") and "TEAMS_LOCAL_TESTING" in status


@pytest.mark.parametrize("host", ["127.example.com", "127.0.0.1.nip.io", "0.0.0.0", "localhost", "10.0.0.1"])
def test_local_testing_needs_a_loopback_address_literal(host: str) -> None:
    settings = Settings(host=host, teams_local_testing=True)
    assert not settings.teams_enabled
    assert "refused" in channel_status(settings)[1]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1"])
def test_local_testing_on_a_loopback_address_turns_teams_on(host: str) -> None:
    assert Settings(host=host, teams_local_testing=True).teams_enabled


@pytest.mark.parametrize(
    "url", ["https://smba.trafficmanager.net/uk/", "http://203.0.113.5/", "http://127.0.0.1.nip.io/"]
)
async def test_local_testing_sends_only_to_service_urls_on_this_machine(
    teams: TestClient[Any, Any], url: str
) -> None:
    assert await post(teams, activity("check") | {"serviceUrl": url, "deliveryMode": None}) == 400


async def test_an_unauthenticated_activity_cannot_redirect_records_for_the_communications_team(
    tmp_path: Path, connector: Connector, caplog: pytest.LogCaptureFixture
) -> None:
    client = await client_for(tmp_path, teams_comms_channel="19:comms@thread.tacv2")
    try:
        hijack = delivered(connector, conversation="19:comms@thread.tacv2") | {
            "type": "conversationUpdate",
            "membersAdded": [{"id": "28:bot"}],
        }
        assert await post(client, hijack) == 201
        await walk_to_a_record(client.app[ENGINE])
        records = [c for c in connector.calls if "for the press desk" in card_texts(c.body).lower()]
        assert not records
    finally:
        await client.close()


async def test_a_deployment_without_a_teams_comms_channel_logs_no_teams_warning_per_record(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = await build_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'slack.db'}",
            slack_bot_token="xoxb-1",
            slack_signing_secret="s",
            slack_api_url="http://127.0.0.1:9/api/",
        )
    )
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        engine = app[ENGINE]
        with caplog.at_level(logging.INFO):
            await walk_to_a_record(engine)
        assert await engine.store.records(user="U1")
        assert not [r for r in caplog.records if r.name == "advisor.teams"]
    finally:
        await client.close()
