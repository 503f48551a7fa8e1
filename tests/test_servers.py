"""Conversation state lives in the database, not in a server: real ``app.py serve`` processes on a
real SQLite file or PostgreSQL database, talked to over HTTP on the Teams route opened for local
testing, share one walk between them and lose nothing when one is killed outright."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.core.content import Content
from bot.core.storage.relational import RelationalStore
from tests.conftest import ROOT
from tests.test_store_contract import decision
from tests.test_teams import activity, card_buttons, card_texts
from tools.processes import free_port

CREDENTIALS = ("SLACK_", "MICROSOFT_", "TEAMS_")  # none set: Slack off; Teams only by the opt-in below
START_SECONDS = 60


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


Serve = Callable[[str], Awaitable[Server]]


@pytest.fixture
async def serve(tmp_path: Path) -> AsyncIterator[Serve]:
    """Start ``app.py serve`` processes on a database; every one is ended and reaped afterwards,
    whatever the test did, so no server or zombie outlives it."""
    started: list[Server] = []

    async def start(database_url: str) -> Server:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(CREDENTIALS)}
        env |= {"DATABASE_URL": database_url, "HOST": "127.0.0.1", "PORT": str(port), "LOG_LEVEL": "INFO"}
        env["TEAMS_LOCAL_TESTING"] = "1"  # unauthenticated Teams, for local testing
        log = tmp_path / f"serve-{len(started)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "app.py", "serve"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        server = Server(process, f"http://127.0.0.1:{port}", log)
        started.append(server)
        await wait_healthy(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            if server.process.poll() is None:
                server.process.terminate()
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


async def wait_healthy(server: Server) -> None:
    """Poll /healthz; a server that exits or never answers fails the test with its own output."""
    deadline = time.monotonic() + START_SECONDS
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            code = server.process.poll()
            assert code is None, f"serve exited with {code}:\n{server.output()}"
            try:
                async with session.get(f"{server.url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"serve did not answer /healthz within {START_SECONDS} s:\n{server.output()}")


async def turn(session: aiohttp.ClientSession, server: Server, body: dict[str, Any]) -> list[dict[str, Any]]:
    """One expectReplies activity to this server; the bot's replies."""
    async with session.post(f"{server.url}/api/messages", json=body) as response:
        assert response.status == 200, f"{response.status} {await response.text()}\n{server.output()}"
        return list((await response.json())["activities"])


async def press_no(
    session: aiohttp.ClientSession, server: Server, replies: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Press No on the question card the last turn ended with, as an officer would."""
    buttons = card_buttons(replies[-1])
    assert "No" in buttons, card_texts(replies[-1])
    return await turn(session, server, activity(value=buttons["No"]))


def shown(replies: list[dict[str, Any]]) -> str:
    """The heading the turn ended on: the numbered question or the outcome's title."""
    return card_texts(replies[-1]).splitlines()[0]


def no_to_everything(content: Content) -> list[str]:
    """What answering No throughout shows, in order: the longest walk, each question once and
    numbered by its step, then the outcome. Taken from the flowchart so a reworded one still fits."""
    questions = {q.id: q for q in content.flowchart.questions}
    titles = {o.id: o.title for o in content.flowchart.outcomes}
    expected: list[str] = []
    node = content.flowchart.start
    while node in questions:
        expected.append(
            content.messages.texts.question.format(number=len(expected) + 1, text=questions[node].text)
        )
        node = questions[node].no
    assert len(expected) >= 6, "the walk is too short to prove much"
    return [*expected, titles[node]]


def assert_path_recorded_once(outcome: dict[str, Any], content: Content) -> None:
    """The outcome's one-line path comes from the stored path: every question exactly once."""
    text = card_texts(outcome)
    texts, labels = content.messages.texts, content.messages.labels
    questions = {q.id: q for q in content.flowchart.questions}
    node = content.flowchart.start
    while node in questions:
        step = texts.path_step.format(question=content.flowchart.path_names[node], answer=labels.no)
        assert text.count(step) == 1, f"{step!r} in the path {text.count(step)} times:\n{text}"
        node = questions[node].no


async def test_two_servers_on_one_postgresql_share_a_walk_taking_alternate_turns_to_its_outcome(
    postgres_url: str, serve: Serve, content: Content
) -> None:
    expected = no_to_everything(content)
    # Started together, as a scaled-out deploy does: both migrate the new database at once.
    a, b = await asyncio.gather(serve(postgres_url), serve(postgres_url))
    async with aiohttp.ClientSession() as session:
        replies = await turn(session, a, activity("check"))
        seen = [shown(replies)]
        for step in range(1, len(expected)):
            replies = await press_no(session, (a, b)[step % 2], replies)
            seen.append(shown(replies))
    assert seen == expected
    assert_path_recorded_once(replies[-1], content)


async def test_after_sigkill_a_new_server_asks_the_pending_question_and_the_walk_finishes(
    database_url: str, serve: Serve, content: Content
) -> None:
    expected = no_to_everything(content)
    first = await serve(database_url)
    async with aiohttp.ClientSession() as session:
        replies = await turn(session, first, activity("check"))
        seen = [shown(replies)]
        for _ in range(3):
            replies = await press_no(session, first, replies)
            seen.append(shown(replies))
        pending = replies[-1]

        os.kill(first.process.pid, signal.SIGKILL)
        assert first.process.wait(timeout=10) == -signal.SIGKILL

        second = await serve(database_url)
        again = await turn(session, second, activity("why"))
        assert card_texts(again[-1]) == card_texts(pending), "the new server lost the pending question"
        assert card_buttons(again[-1]) == card_buttons(pending), "its buttons no longer match"
        # The card shown before the kill still works: pressing it is not refused as expired.
        replies = [pending]
        while len(seen) < len(expected):
            replies = await press_no(session, second, replies)
            seen.append(shown(replies))
    assert seen == expected
    assert_path_recorded_once(replies[-1], content)


async def test_serve_deletes_records_past_retention_when_it_starts(tmp_path: Path, serve: Serve) -> None:
    """Retention holds without a cron job: serve purges at start-up (and daily after)."""
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    store = await RelationalStore.open(url)
    now = datetime.now(UTC)
    for number, days in ((1, 400), (2, 10)):
        when = f"{now - timedelta(days=days):%Y-%m-%dT%H:%M:%SZ}"
        await store.add_record(decision(number, created_at=when), "v")
    await store.close()

    server = await serve(url)
    store = await RelationalStore.open(url)
    try:
        for _ in range(100):
            if [r.id for r in await store.records()] == ["R-0002"]:
                break
            await asyncio.sleep(0.05)
        assert [r.id for r in await store.records()] == ["R-0002"]
    finally:
        await store.close()
    assert "records kept 365 days" in server.output()
