"""Health for a load balancer: a server that cannot reach its database says so with a 503, so
turns go to the servers that can."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.server import build_app
from bot.settings import Settings
from tools.scratch_db import scratch_database


async def test_health_is_ok_with_the_database_and_503_without_it(postgres_server: str) -> None:
    async with scratch_database(postgres_server, prefix="advisor_test") as url:
        client = TestClient(TestServer(await build_app(Settings(database_url=url))))
        await client.start_server()
        response = await client.get("/healthz")
        assert (response.status, await response.json()) == (200, {"status": "ok"})
    try:
        response = await client.get("/healthz")  # the database has just been dropped
        assert (response.status, await response.json()) == (503, {"status": "database unavailable"})
    finally:
        await client.close()
