"""``app.py bench --teams``: Teams turns per second through POST /api/messages with
``deliveryMode: expectReplies`` (the replies come back in the HTTP body), 50 clients asking an
FAQ question, against an echo bot behind the same route handler with botbuilder as shipped.
Each server runs in its own process with its own SQLite file; this one only sends requests."""

from __future__ import annotations

import json
import tempfile
from typing import Any

from tools.compare import Target, compare
from tools.processes import free_port, start, stopping, wait_up

QUESTION = "can I use my council email address for my personal twitter?"
BAR = 5.0
HEADERS = {"Content-Type": "application/json"}


def activity(n: int, text: str = QUESTION, users: int = 50) -> dict[str, Any]:
    """The ``n``th message, from one of ``users`` officers, each in a conversation of their own."""
    return {
        "type": "message",
        "id": f"a{n}",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:9/",
        "deliveryMode": "expectReplies",
        "from": {"id": f"29:u{n % users}", "name": "Bench"},
        "recipient": {"id": "28:bot"},
        "conversation": {"id": f"a:c{n % users}"},
        "text": text,
        "channelData": {"tenant": {"id": "t"}},
    }


def request(n: int) -> tuple[bytes, dict[str, str]]:
    """Each activity has an id of its own: a repeated id is a redelivery, taken once."""
    return json.dumps(activity(n)).encode(), HEADERS


async def run(seconds: float = 4.0, rounds: int = 5) -> float:
    print(
        "Teams: expectReplies message turns per second (an FAQ question, answered with a card) "
        "against an echo bot behind the same route with botbuilder as shipped"
    )
    ours_port, echo_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as folder:
        ours = await start(
            "app.py",
            "serve",
            env={
                "PORT": str(ours_port),
                "HOST": "127.0.0.1",
                "TEAMS_LOCAL_TESTING": "1",
                "LOG_LEVEL": "ERROR",
                "DATABASE_URL": f"sqlite:///{folder}/bench.db",
            },
        )
        echo = await start("-m", "tools.echo_teams", str(echo_port))
        async with stopping([ours, echo]):
            await wait_up(f"http://127.0.0.1:{ours_port}/healthz")
            await wait_up(f"http://127.0.0.1:{echo_port}/api/messages", method="POST")
            return await compare(
                Target("advisor FAQ turn", f"http://127.0.0.1:{ours_port}/api/messages", ours.pid),
                Target(
                    "echo bot, botbuilder as shipped", f"http://127.0.0.1:{echo_port}/api/messages", echo.pid
                ),
                request,
                seconds=seconds,
                rounds=rounds,
                unit="turns/s",
                bar=BAR,
            )
