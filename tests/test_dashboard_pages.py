"""The dashboard's pages and actions over HTTP, signed in: the desk's rules through the page
(the same store, the same audit trail), and the unanswered questions' YAML download."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from aiohttp import ClientSession

from bot.core.storage import AnsweredQuestion
from bot.dashboard.views import recent_weeks
from bot.server import ENGINE
from tests.dashboard_helpers import MEMBER, running_desk, sign_in, urgent_record_from_slack


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


async def queue(client: ClientSession) -> list[dict[str, Any]]:
    async with client.get("/comms/api/queue") as response:
        assert response.status == 200
        data: list[dict[str, Any]] = await response.json()
        return data


async def test_acknowledging_twice_changes_the_record_once_and_says_who_has_it(tmp_path: Path) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        await urgent_record_from_slack(desk, client)
        _, page = await sign_in(desk, client, MEMBER)
        [record] = await queue(client)
        assert record["state"] == "new" and record["urgency"] == "urgent"
        path = f"/comms/records/{record['id']}/acknowledge"
        for _ in range(2):
            async with client.post(path, data={"csrf": csrf_of(page)}) as response:
                page = await response.text()
        assert "Ada Lovelace already took" in page
        [record] = await queue(client)
        assert record["state"] == "acknowledged" and record["acknowledged_by"] == "Ada Lovelace"
        assert [t["action"] for t in record["trail"]] == ["sent", "posted", "acknowledged"]


async def test_closing_needs_a_resolution_from_the_content_and_keeps_it_in_the_trail(tmp_path: Path) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        await urgent_record_from_slack(desk, client)
        _, page = await sign_in(desk, client, MEMBER)
        [record] = await queue(client)
        path = f"/comms/records/{record['id']}/close"
        async with client.post(path, data={"csrf": csrf_of(page), "resolution": "made-up"}) as response:
            assert response.status == 400
        resolution = re.findall(r'<option value="([^"]+)"', page)[0]
        data = {"csrf": csrf_of(page), "resolution": resolution, "note": "dealt with by phone"}
        async with client.post(path, data=data) as response:
            assert response.status == 200
            assert "dealt with by phone" in await response.text()
        [record] = await queue(client)
        assert record["state"] == "closed" and record["closed_by"] == "Ada Lovelace"


async def test_each_group_of_unanswered_questions_downloads_as_yaml(tmp_path: Path) -> None:
    async with running_desk(tmp_path) as desk, desk.client() as client:
        store = desk.app[ENGINE].store
        await store.log_unanswered("can I post memes on the council page", "2026-11-21T10:00:00Z")
        await store.log_unanswered("posting memes on the council page?", "2026-11-22T10:00:00Z")
        _, _ = await sign_in(desk, client, MEMBER)
        async with client.get("/comms/asks") as response:
            page = await response.text()
        [link] = re.findall(r'href="(/comms/asks/unanswered/[0-9a-f]+\.yaml)"', page)
        async with client.get(link) as response:
            assert response.headers["Content-Disposition"].startswith("attachment")
            assert yaml.safe_load(await response.text()) == {
                "asked": ["posting memes on the council page?", "can I post memes on the council page"]
            }
        async with client.get("/comms/asks/unanswered/000000000000.yaml") as response:
            assert response.status == 404


async def test_the_top_questions_per_week_show_titles_counts_and_an_unknown_entry_by_id(
    tmp_path: Path,
) -> None:
    this_week, last_week = (f"{w.isoformat()}T10:00:00Z" for w in reversed(recent_weeks()[-2:]))
    async with running_desk(tmp_path) as desk, desk.client() as client:
        await desk.app[ENGINE].store.log_answered(
            [
                AnsweredQuestion("logo-personal", this_week),
                AnsweredQuestion("logo-personal", this_week),
                AnsweredQuestion("retired-entry", this_week),
                AnsweredQuestion("work-email-personal", last_week),
            ]
        )
        _, _ = await sign_in(desk, client, MEMBER)
        async with client.get("/comms/asks") as response:
            page = await response.text()
        section = page[page.index('id="top-questions"') : page.index('aria-labelledby="questions"')]
        rows = re.findall(r"<td>([^<]*)</td><td>(\d+)</td>", section)
        assert rows[:3] == [
            ("The Testshire logo on personal accounts", "2"),
            ("retired-entry", "1"),
            ("Work email on personal accounts", "1"),
        ]
        assert "<svg" in section and "The same figures are in the table below." in section
