"""Teams through the real route: expectReplies with no app id; 401 for bad tokens."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.storage import conversation_key
from bot.server import ENGINE, build_app
from bot.settings import Settings
from tests.conftest import CliRunner  # noqa: F401  (the cli fixture)

_ids = itertools.count(1)


def activity(
    text: str | None = None,
    *,
    value: dict[str, Any] | None = None,
    user: str = "29:u1",
    conversation: str = "a:conv1",
    mention: bool = False,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "message",
        "id": f"act{next(_ids)}",  # a real client gives every activity its own id
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:9/",
        "deliveryMode": "expectReplies",
        "from": {"id": user, "name": "Alex Officer"},
        "recipient": {"id": "28:bot", "name": "Policy Advisor"},
        "conversation": {"id": conversation},
        "text": text,
        "channelData": {"tenant": {"id": "tenant-1"}},
        "value": value,
    }
    if mention:
        body["text"] = f"<at>Policy Advisor</at> {text}"
        body["entities"] = [
            {
                "type": "mention",
                "text": "<at>Policy Advisor</at>",
                "mentioned": {"id": "28:bot", "name": "Policy Advisor"},
            }
        ]
    return body


def card_texts(reply: dict[str, Any]) -> str:
    content = reply["attachments"][0]["content"]
    return "\n".join(b["text"] for b in content["body"])


def card_buttons(reply: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["title"]: a["data"] for a in reply["attachments"][0]["content"].get("actions", [])}


async def client_for(tmp_path: Path, **settings: Any) -> TestClient[Any, Any]:
    settings.setdefault("teams_local_testing", True)
    app = await build_app(Settings(database_url=f"sqlite:///{tmp_path / 'teams.db'}", **settings))
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.fixture
async def teams(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    client = await client_for(tmp_path)
    yield client
    await client.close()


async def say(client: TestClient[Any, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    response = await client.post("/api/messages", json=body)
    assert response.status == 200, await response.text()
    return list((await response.json())["activities"])


async def test_a_personal_chat_question_is_answered_with_its_passage(teams: TestClient[Any, Any]) -> None:
    (reply,) = await say(teams, activity("can I use my council email for my personal twitter?"))
    assert "Work email" in card_texts(reply) and "Part B" in card_texts(reply)


async def test_a_channel_mention_is_stripped_before_the_core_sees_it(teams: TestClient[Any, Any]) -> None:
    replies = await say(teams, activity("check", mention=True))
    assert "Step 1" in card_texts(replies[-1])


async def test_a_walk_by_card_submits_reaches_an_outcome_and_a_stale_submit_is_refused(
    teams: TestClient[Any, Any],
) -> None:
    replies = await say(teams, activity("check"))
    first = card_buttons(replies[-1])
    replies = await say(teams, activity(value=first["No"]))
    assert "Step 2" in card_texts(replies[-1])
    stale = await say(teams, activity(value=first["Yes"]))
    assert "out of date" in card_texts(stale[0]) and "Step 2" in card_texts(stale[-1])
    replies = await say(teams, activity(value=card_buttons(replies[-1])["Yes"]))
    assert "Route: Danger=No · Rule-breaking=Yes" in card_texts(replies[-1])


async def test_a_burst_of_identical_submits_moves_the_walk_once(teams: TestClient[Any, Any]) -> None:
    import asyncio

    replies = await say(teams, activity("check"))
    no = card_buttons(replies[-1])["No"]
    results = await asyncio.gather(*(say(teams, activity(value=no)) for _ in range(5)))
    moved = [r for r in results if "Step 2" in card_texts(r[0])]
    assert len(moved) == 1
    replies = await say(teams, activity("why"))
    assert "Step 2" in card_texts(replies[-1])


async def test_the_welcome_shows_the_menu_with_the_induction(teams: TestClient[Any, Any]) -> None:
    body = activity()
    body |= {"type": "conversationUpdate", "membersAdded": [{"id": "28:bot"}], "text": None}
    replies = await say(teams, body)
    assert "New starter tour" in card_buttons(replies[0])


async def test_the_install_greeting_arrives_and_writes_no_conversation_state(
    teams: TestClient[Any, Any],
) -> None:
    store = teams.app[ENGINE].store
    added = activity(conversation="a:new") | {
        "type": "conversationUpdate",
        "membersAdded": [{"id": "28:bot"}],
    }
    (greeting,) = await say(teams, added | {"text": None})
    assert "Check a post" in card_buttons(greeting)
    assert await store.load(conversation_key("teams", "a:new", "29:u1")) is None
    await say(teams, activity("check"))
    engine = teams.app[ENGINE]
    walking = await engine.load(conversation_key("teams", "a:conv1", "29:u1"))
    assert walking.walk is not None and walking.walk.at == "safety"
    (greeting,) = await say(
        teams, activity() | {"type": "conversationUpdate", "membersAdded": [{"id": "28:bot"}]}
    )
    assert "Check a post" in card_buttons(greeting)
    assert await engine.load(conversation_key("teams", "a:conv1", "29:u1")) == walking


@pytest.mark.parametrize("token", [None, "Bearer garbage", "Bearer a.b.c", "Basic dXNlcjpwYXNz"])
async def test_with_an_app_id_every_bad_token_gets_401(tmp_path: Path, token: str | None) -> None:
    client = await client_for(
        tmp_path, microsoft_app_id="app-1", microsoft_app_password="pw", microsoft_app_type="MultiTenant"
    )
    try:
        headers = {"Authorization": token} if token else {}
        response = await client.post("/api/messages", json=activity("hello"), headers=headers)
        assert response.status == 401
    finally:
        await client.close()


async def test_malformed_requests_get_4xx(teams: TestClient[Any, Any]) -> None:
    assert (
        await teams.post("/api/messages", data="not json", headers={"Content-Type": "application/json"})
    ).status == 400
    assert (await teams.post("/api/messages", data="x", headers={"Content-Type": "text/plain"})).status == 415
    assert (await teams.post("/api/messages", json={"no": "type"})).status == 400


APP_ID = "app-1"


@pytest.mark.parametrize(
    "case",
    ["expired", "wrong audience", "wrong issuer", "valid"],
)
async def test_signed_tokens_are_checked_and_only_a_valid_one_is_accepted(tmp_path: Path, case: str) -> None:
    from tests.teams_tokens import install_test_key, token

    install_test_key()
    body = activity("can I use my council email for twitter?")
    service_url = body["serviceUrl"]
    tokens = {
        "expired": token(app_id=APP_ID, service_url=service_url, expires_in=-3600),
        "wrong audience": token(app_id=APP_ID, service_url=service_url, audience="someone-else"),
        "wrong issuer": token(app_id=APP_ID, service_url=service_url, issuer="https://evil.example"),
        "valid": token(app_id=APP_ID, service_url=service_url),
    }
    client = await client_for(
        tmp_path, microsoft_app_id=APP_ID, microsoft_app_password="pw", microsoft_app_type="MultiTenant"
    )
    try:
        response = await client.post(
            "/api/messages", json=body, headers={"Authorization": f"Bearer {tokens[case]}"}
        )
        assert response.status == (200 if case == "valid" else 401), await response.text()
    finally:
        await client.close()


async def test_normal_delivery_posts_replies_to_the_connector_and_updates_the_pressed_card(
    teams: TestClient[Any, Any],
) -> None:
    from aiohttp import web

    calls: list[tuple[str, str, dict[str, Any]]] = []

    async def record(request: web.Request) -> web.Response:
        calls.append((request.method, request.path, await request.json()))
        return web.json_response({"id": f"reply-{len(calls)}"})

    connector = web.Application()
    connector.router.add_route("*", "/v3/conversations/{conversation}/activities", record)
    connector.router.add_route("*", "/v3/conversations/{conversation}/activities/{activity}", record)
    server = TestServer(connector)
    await server.start_server()
    try:
        body = activity("check") | {"deliveryMode": None, "serviceUrl": str(server.make_url("/"))}
        response = await teams.post("/api/messages", json=body)
        assert response.status == 201
        posts = [c for c in calls if c[0] == "POST"]
        assert posts and "Step 1" in card_texts(posts[-1][2])
        no = card_buttons(posts[-1][2])["No"]
        press = activity(value=no) | {
            "deliveryMode": None,
            "serviceUrl": body["serviceUrl"],
            "replyToId": "card-1",
        }
        assert (await teams.post("/api/messages", json=press)).status == 201
        (update,) = [c for c in calls if c[0] == "PUT"]
        assert update[1].endswith("/activities/card-1")
        assert "Picked: No" in card_texts(update[2]) and not card_buttons(update[2])
    finally:
        await server.close()


async def test_a_record_goes_to_the_comms_channel_by_proactive_message(tmp_path: Path) -> None:
    from aiohttp import web

    calls: list[tuple[str, str, dict[str, Any]]] = []

    async def record(request: web.Request) -> web.Response:
        calls.append((request.method, request.path, await request.json()))
        return web.json_response({"id": "x"})

    connector = web.Application()
    connector.router.add_route("*", "/v3/conversations/{conversation}/activities", record)
    connector.router.add_route("*", "/v3/conversations/{conversation}/activities/{activity}", record)
    server = TestServer(connector)
    await server.start_server()
    client = await client_for(
        tmp_path, teams_comms_channel="19:comms@thread.tacv2", teams_service_url=str(server.make_url("/"))
    )
    try:
        added = activity(conversation="19:comms@thread.tacv2") | {
            "type": "conversationUpdate",
            "membersAdded": [{"id": "28:bot"}],
            "text": None,
            "deliveryMode": None,
            "serviceUrl": str(server.make_url("/")),
        }
        assert (await client.post("/api/messages", json=added)).status == 201
        replies = await say(client, activity("check"))
        replies = await say(client, activity(value=card_buttons(replies[-1])["Yes"]))
        replies = await say(client, activity(value=card_buttons(replies[-1])["Send to the Press Desk"]))
        note = "<at>everyone</at> see https://x.test/post/1"
        await say(client, activity(note))
        posted = [c for c in calls if "19:comms" in c[1] and "URGENT" in card_texts(c[2])]
        assert posted, calls
        assert "entities" not in posted[0][2] or not posted[0][2]["entities"]
    finally:
        await client.close()
        await server.close()


def test_the_teams_package_has_the_manifest_and_both_icons(cli: Any, tmp_path: Path) -> None:
    import json
    import struct
    import zipfile

    out = tmp_path / "app.zip"
    run = cli(
        "teams-package",
        "--out",
        str(out),
        "--domain",
        "advisor.council.test",
        env={
            "MICROSOFT_APP_ID": "00000000-0000-0000-0000-000000000001",
            "MICROSOFT_APP_PASSWORD": "pw",
            "MICROSOFT_APP_TENANT_ID": "t",
        },
    )
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(out) as package:
        manifest = json.loads(package.read("manifest.json"))
        sizes = {
            name: struct.unpack(">II", package.read(name)[16:24]) for name in ("color.png", "outline.png")
        }
    assert manifest["bots"][0]["botId"] == "00000000-0000-0000-0000-000000000001"
    assert manifest["validDomains"] == ["advisor.council.test"]
    assert {c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]} == {
        "help",
        "check",
        "ask",
        "induction",
    }
    assert sizes == {"color.png": (192, 192), "outline.png": (32, 32)}


def test_the_teams_package_needs_the_app_id(cli: Any) -> None:
    run = cli("teams-package", "--out", "/tmp/never.zip")
    assert run.returncode == 2 and "MICROSOFT_APP_ID" in run.stderr and "Traceback" not in run.stderr


def test_anonymous_teams_is_refused_off_loopback_and_credentials_must_be_complete() -> None:
    from bot.server import channel_status

    assert "refused" in channel_status(Settings(host="0.0.0.0", teams_local_testing=True))[1]
    assert not Settings(host="0.0.0.0", teams_local_testing=True).teams_enabled
    assert Settings(host="127.0.0.1", teams_local_testing=True).teams_enabled
    with pytest.raises(ValueError, match="MICROSOFT_APP_PASSWORD"):
        Settings(microsoft_app_id="a")
    with pytest.raises(ValueError, match="MICROSOFT_APP_TENANT_ID"):
        Settings(microsoft_app_id="a", microsoft_app_password="p", microsoft_app_type="SingleTenant")


async def test_an_invoke_is_answered_200_with_its_body(teams: TestClient[Any, Any]) -> None:
    replies = await say(teams, activity("check"))
    no = card_buttons(replies[-1])["No"]
    body = activity() | {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "deliveryMode": None,
        "value": {"action": {"type": "Action.Execute", "verb": "choose", "data": no}},
    }
    response = await teams.post("/api/messages", json=body)
    assert response.status == 200
    answer = await response.json()
    assert answer["statusCode"] == 200 and "Step 2" in "\n".join(b["text"] for b in answer["value"]["body"])
