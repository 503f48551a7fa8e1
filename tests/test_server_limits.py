"""The HTTP server under slow, abandoned and hostile clients, and health that proves the store
can be written; start-up and bad settings fail in one line."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.core.messages import InductionRecord
from bot.core.storage.relational import RelationalStore
from bot.reports import induction_report
from bot.server import BODY_TIMEOUT, build_app, start_site
from bot.settings import Settings
from tests.conftest import CliRunner
from tools.scratch_db import scratch_database

TIMEOUT = 1.0
# A Teams activity cut off half-way (the Teams route is on, anonymously, on a loopback host).
ABANDONED = (
    b"POST /api/messages HTTP/1.1\r\nHost: advisor\r\nContent-Type: application/json\r\n"
    b'Content-Length: 5000\r\n\r\n{"type": "message", "text": "hel'
)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[web.Application, int]]:
    """The real server on a free port, with its timeouts shortened to ``TIMEOUT``."""
    app = await build_app(Settings(database_url=f"sqlite:///{tmp_path / 'advisor.db'}"))
    app[BODY_TIMEOUT] = TIMEOUT
    runner = await start_site(app, "127.0.0.1", 0, idle=TIMEOUT)
    port = runner.addresses[0][1]
    yield app, port
    await runner.cleanup()


async def closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """Everything the server sent before it closed the connection; fails if it stays open."""
    return await asyncio.wait_for(reader.read(), timeout=seconds)


async def test_slow_headers_and_slow_bodies_are_cut_off_and_health_still_answers(
    server: tuple[web.Application, int],
) -> None:
    _, port = server
    headers_only = b"POST /healthz HTTP/1.1\r\nHost: advisor\r\nContent-Le"
    part_body = b'POST /healthz HTTP/1.1\r\nHost: advisor\r\nContent-Length: 1000\r\n\r\n{"type":'
    slow = []
    for n in range(100):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(headers_only if n % 2 else part_body)
        await writer.drain()
        slow.append((n, reader, writer))
    started = time.monotonic()
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/healthz") as health:
        assert health.status == 200
    assert time.monotonic() - started < TIMEOUT
    answers = await asyncio.gather(*(closed_within(reader, TIMEOUT + 3) for _, reader, _ in slow))
    for (n, _, writer), answer in zip(slow, answers, strict=True):
        assert answer == b"" if n % 2 else answer.startswith(b"HTTP/1.1 408")
        writer.close()


async def test_an_upload_the_client_abandons_is_logged_in_one_line_without_a_traceback(
    server: tuple[web.Application, int], caplog: pytest.LogCaptureFixture
) -> None:
    _, port = server
    caplog.set_level(logging.DEBUG)
    for _ in range(5):
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(ABANDONED)
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()
    await asyncio.sleep(0.5)
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING] == []


async def read_only_sqlite(tmp_path: Path) -> str:
    path = tmp_path / "advisor.db"
    store = await RelationalStore.open(f"sqlite:///{path}")
    await store.close()
    return f"sqlite:///file:{path}?mode=ro&uri=true"


async def test_health_is_503_on_a_read_only_sqlite_file(tmp_path: Path) -> None:
    client = TestClient(TestServer(await build_app(Settings(database_url=await read_only_sqlite(tmp_path)))))
    await client.start_server()
    try:
        response = await client.get("/healthz")
        assert (response.status, await response.json()) == (503, {"status": "database unavailable"})
    finally:
        await client.close()


async def test_health_is_503_on_a_read_only_postgresql_database(postgres_server: str) -> None:
    async with scratch_database(postgres_server, prefix="advisor_test") as url:
        store = await RelationalStore.open(url)
        name = url.rsplit("/", 1)[1]
        await store.run_sync(
            lambda c: c.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        )
        await store.close()
        client = TestClient(TestServer(await build_app(Settings(database_url=url))))
        await client.start_server()
        try:
            response = await client.get("/healthz")
            assert response.status == 503
        finally:
            await client.close()


async def test_serve_stops_in_one_line_on_a_read_only_database(cli: CliRunner, tmp_path: Path) -> None:
    run = cli("serve", env={"DATABASE_URL": await read_only_sqlite(tmp_path), "PORT": "0"})
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "cannot be written" in run.stderr


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://advisor@127.0.0.1:notaport/postgres",
        "postgresql://advisor@127.0.0.1:99999/postgres",
        "postgresql://advisor@127.0.0.1:1/postgres?foo=bar",
    ],
)
@pytest.mark.parametrize("command", ["unanswered", "serve"])
def test_a_bad_database_url_stops_every_command_in_one_line(cli: CliRunner, url: str, command: str) -> None:
    run = cli(command, env={"DATABASE_URL": url, "PORT": "0"})
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr


def test_the_induction_report_never_prints_control_characters() -> None:
    record = InductionRecord(
        user="U1\x1b]0;owned\x07",
        user_name="Jo\x1b[2J\x1b[31m Evil\r\n\u202e",
        channel="slack",
        started_at="2026-11-01T09:00:00Z",
        finished_at=None,
        score=None,
        out_of=9,
        acknowledged=False,
        content_version="v",
    )
    for fmt in ("table", "csv"):
        shown = induction_report([record], fmt)
        assert not any(ch in shown for ch in "\x1b\x07\r\u202e"), repr(shown)
        assert "Jo[2J[31m Evil" in shown
