"""``app.py bench --slack``: slash-command throughput through the real HTTP route, side by
side with a bare bolt app that only acks and posts a fixed text to the same fake Web API.

Each server and the fake Web API run in processes of their own; this process only sends
signed requests from 50 concurrent clients over loopback.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from tools.slack_signature import signed_headers

SECRET = "bench-signing-secret"
QUESTION = "ask can I use my council email address for my personal twitter?"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def signed_command(text: str, trigger: int = 0) -> tuple[bytes, dict[str, str]]:
    """Each request is its own (as from Slack): a repeated signature is a replay, acked unanswered."""
    body = urlencode(
        {
            "command": "/socialmedia",
            "text": text,
            "user_id": "U1",
            "user_name": "bench",
            "channel_id": "C1",
            "team_id": "T1",
            "response_url": "http://127.0.0.1:9/x",
            "trigger_id": f"bench.{trigger}",
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body, SECRET)}
    return body.encode(), headers


async def load(url: str, seconds: float, concurrency: int = 50) -> tuple[int, int]:
    """Requests completed (status 200) and failed within ``seconds``."""
    ok = failed = 0
    triggers = itertools.count()
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            nonlocal ok, failed
            while time.perf_counter() < deadline:
                body, headers = signed_command(QUESTION, next(triggers))
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    ok, failed = (ok + 1, failed) if response.status == 200 else (ok, failed + 1)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ok, failed


@asynccontextmanager
async def stopping(procs: list[asyncio.subprocess.Process]) -> AsyncIterator[None]:
    """The benchmark's servers, ended however the run ends."""
    try:
        yield
    finally:
        for proc in procs:
            proc.terminate()
            await proc.wait()


async def wait_up(url: str, method: str = "GET") -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.request(method, url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


async def start(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


LoadFn = Callable[[str, float], Awaitable[tuple[int, int]]]


async def compare(
    targets: dict[str, str], load_fn: LoadFn, *, seconds: float, rounds: int, unit: str, target: float
) -> None:
    """Warm each server up, then alternate rounds between them and print each round and the
    ratio of the first (ours) to the second (the baseline)."""
    totals = dict.fromkeys(targets, 0)
    for url in targets.values():
        await load_fn(url, 1.0)  # warm up: connections, first auth.test, caches
    for _ in range(rounds):
        for name, url in targets.items():
            ok, failed = await load_fn(url, seconds)
            totals[name] += ok
            print(f"{name:<32} {ok / seconds:8.0f} {unit}  ({failed} failed)")
    ours, baseline = (totals[n] for n in targets)
    print(f"ratio ours / baseline: {ours / baseline:.2f} (target at least {target})")


async def run(seconds: float = 8.0, rounds: int = 2) -> None:
    api_port, ours_port, bare_port = free_port(), free_port(), free_port()
    api_url = f"http://127.0.0.1:{api_port}/api/"
    with tempfile.TemporaryDirectory() as folder:
        procs = [
            await start("-m", "tools.fake_slack", str(api_port)),
            await start(
                "app.py",
                "serve",
                env={
                    "PORT": str(ours_port),
                    "SLACK_BOT_TOKEN": "xoxb-bench",
                    "SLACK_SIGNING_SECRET": SECRET,
                    "SLACK_API_URL": api_url,
                    "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                    "LOG_LEVEL": "ERROR",
                },
            ),
            await start("-m", "tools.bare_bolt", str(bare_port), api_url, SECRET),
        ]
        async with stopping(procs):
            await wait_up(f"http://127.0.0.1:{api_port}/health")
            await wait_up(f"http://127.0.0.1:{ours_port}/healthz")
            await wait_up(f"http://127.0.0.1:{bare_port}/health")
            targets = {
                "advisor /socialmedia ask": f"http://127.0.0.1:{ours_port}/slack/events",
                "bare bolt ack + say": f"http://127.0.0.1:{bare_port}/slack/events",
            }
            await compare(targets, load, seconds=seconds, rounds=rounds, unit="requests/s", target=0.9)
