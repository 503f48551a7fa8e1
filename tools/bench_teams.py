"""``app.py bench --teams``: expectReplies turns per second through POST /api/messages, side
by side with an echo bot behind the same route handler with botbuilder left as shipped.
Each server runs in its own process; this one only sends requests from 50 clients."""

from __future__ import annotations

import asyncio
import tempfile
import time
from typing import Any

import aiohttp

from tools.bench_slack import compare, free_port, start, stopping, wait_up

QUESTION = "can I use my council email address for my personal twitter?"


def activity(n: int) -> dict[str, Any]:
    return {
        "type": "message",
        "id": f"a{n}",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:9/",
        "deliveryMode": "expectReplies",
        "from": {"id": f"29:u{n % 50}", "name": "Bench"},
        "recipient": {"id": "28:bot"},
        "conversation": {"id": f"a:c{n % 50}"},
        "text": QUESTION,
        "channelData": {"tenant": {"id": "t"}},
    }


async def load(url: str, seconds: float, concurrency: int = 50) -> tuple[int, int]:
    ok = failed = sent = 0
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            nonlocal ok, failed, sent
            while time.perf_counter() < deadline:
                sent += 1
                async with session.post(url, json=activity(sent)) as response:
                    await response.read()
                    ok, failed = (ok + 1, failed) if response.status == 200 else (ok, failed + 1)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ok, failed


async def run(seconds: float = 8.0, rounds: int = 2) -> None:
    ours_port, echo_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as folder:
        procs = [
            await start(
                "app.py",
                "serve",
                env={
                    "PORT": str(ours_port),
                    "HOST": "127.0.0.1",
                    "TEAMS_LOCAL_TESTING": "1",
                    "LOG_LEVEL": "ERROR",
                    "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                },
            ),
            await start("-m", "tools.echo_teams", str(echo_port)),
        ]
        async with stopping(procs):
            await wait_up(f"http://127.0.0.1:{ours_port}/healthz")
            await wait_up(f"http://127.0.0.1:{echo_port}/api/messages", method="POST")
            targets = {
                "advisor FAQ turn": f"http://127.0.0.1:{ours_port}/api/messages",
                "echo bot, botbuilder as shipped": f"http://127.0.0.1:{echo_port}/api/messages",
            }
            await compare(targets, load, seconds=seconds, rounds=rounds, unit="turns/s", target=5)
