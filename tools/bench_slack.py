"""``app.py bench --slack``: slash-command throughput through the real HTTP route, side by
side with a bare bolt app that only acks and posts a fixed text to the same fake Web API.

Each server and the fake Web API run in processes of their own; this process only sends
signed requests from 50 concurrent clients over loopback (tools/compare.py says how).
"""

from __future__ import annotations

import tempfile
from urllib.parse import urlencode

from tools.compare import Target, compare
from tools.processes import free_port, start, stopping, wait_up
from tools.slack_signature import signed_headers

SECRET = "bench-signing-secret"
BAR = 0.9
QUESTION = "ask can I use my council email address for my personal twitter?"


def request(n: int) -> tuple[bytes, dict[str, str]]:
    return signed_command(QUESTION, n)


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


async def run(seconds: float = 4.0, rounds: int = 5) -> float:
    print(
        "Slack: /socialmedia ask requests per second through POST /slack/events (answered in the "
        "acknowledgement) against a bare bolt app that acks and posts a fixed text"
    )
    api_port, ours_port, bare_port = free_port(), free_port(), free_port()
    api_url = f"http://127.0.0.1:{api_port}/api/"
    with tempfile.TemporaryDirectory() as folder:
        api = await start("-m", "tools.fake_slack", str(api_port))
        ours = await start(
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
        )
        bare = await start("-m", "tools.bare_bolt", str(bare_port), api_url, SECRET)
        async with stopping([api, ours, bare]):
            await wait_up(f"http://127.0.0.1:{api_port}/health")
            await wait_up(f"http://127.0.0.1:{ours_port}/healthz")
            await wait_up(f"http://127.0.0.1:{bare_port}/health")
            return await compare(
                Target("advisor /socialmedia ask", f"http://127.0.0.1:{ours_port}/slack/events", ours.pid),
                Target("bare bolt ack + say", f"http://127.0.0.1:{bare_port}/slack/events", bare.pid),
                request,
                seconds=seconds,
                rounds=rounds,
                unit="requests/s",
                bar=BAR,
                others=[api.pid],
            )
