"""Teams through the real route: expectReplies with no app id; 401 for bad tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.server import build_app
from bot.settings import Settings


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
        "id": "act1",
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
    assert "Council email" in card_texts(reply) and "Appendix B" in card_texts(reply)


async def test_a_channel_mention_is_stripped_before_the_core_sees_it(teams: TestClient[Any, Any]) -> None:
    replies = await say(teams, activity("check", mention=True))
    assert "Question 1" in card_texts(replies[-1])


async def test_a_walk_by_card_submits_reaches_an_outcome_and_a_stale_submit_is_refused(
    teams: TestClient[Any, Any],
) -> None:
    replies = await say(teams, activity("check"))
    first = card_buttons(replies[-1])
    replies = await say(teams, activity(value=first["No"]))
    assert "Question 2" in card_texts(replies[-1])
    stale = await say(teams, activity(value=first["Yes"]))
    assert "expired" in card_texts(stale[0]) and "Question 2" in card_texts(stale[-1])
    replies = await say(teams, activity(value=card_buttons(replies[-1])["Yes"]))
    assert "What to do" in card_texts(replies[-1])


async def test_a_burst_of_identical_submits_moves_the_walk_once(teams: TestClient[Any, Any]) -> None:
    import asyncio

    replies = await say(teams, activity("check"))
    no = card_buttons(replies[-1])["No"]
    results = await asyncio.gather(*(say(teams, activity(value=no)) for _ in range(5)))
    moved = [r for r in results if "Question 2" in card_texts(r[0])]
    assert len(moved) == 1
    replies = await say(teams, activity("why"))
    assert "Question 2" in card_texts(replies[-1])


async def test_the_welcome_shows_the_menu_with_the_induction(teams: TestClient[Any, Any]) -> None:
    body = activity()
    body |= {"type": "conversationUpdate", "membersAdded": [{"id": "28:bot"}], "text": None}
    replies = await say(teams, body)
    assert "Induction for new starters" in card_buttons(replies[0])


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
