"""The dashboard as a team member meets it: the real server (Slack on, against the fake Web
API) on a free port, the local fake OpenID provider, and a client or browser that signs in."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, CookieJar, web

from bot.server import build_app, start_site
from bot.settings import Settings
from tests import slack_helpers as s
from tests.slack_helpers import SECRET
from tools.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeOpenIdProvider
from tools.fake_slack import FakeSlackApi

MEMBER = {"sub": "u-ada", "email": "Ada@Council.Example", "name": "Ada Lovelace"}
GROUP_MEMBER = {"sub": "u-bo", "email": "bo@council.example", "name": "Bo", "groups": ["g-comms"]}
STRANGER = {"sub": "u-eve", "email": "eve@council.example", "name": "Eve"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Desk:
    """The running server and the fakes at its edges."""

    url: str
    app: web.Application
    provider: FakeOpenIdProvider
    slack: FakeSlackApi

    def client(self) -> ClientSession:
        """A client that keeps the session cookie (Secure, so loopback counts as secure) and
        does not follow redirects unless asked."""
        jar = CookieJar(unsafe=True, treat_as_secure_origin=[self.url])
        return ClientSession(base_url=self.url, cookie_jar=jar)


def dashboard_settings(
    tmp_path: Path, port: int, provider: FakeOpenIdProvider, slack: FakeSlackApi, **extra: Any
) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'desk.db'}",
        "port": port,
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": SECRET,
        "slack_api_url": slack.api_url,
        "slack_comms_channel": "CCOMMS",
        "oidc_issuer": provider.issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": CLIENT_SECRET,
        "oidc_redirect_url": f"http://127.0.0.1:{port}/comms/callback",
        "comms_allowed_emails": "ada@council.example, someone@council.example",
        "comms_group": "g-comms",
        "session_secret": "s" * 40,
    }
    return Settings(**(values | extra))


@asynccontextmanager
async def running_desk(tmp_path: Path, **extra: Any) -> AsyncIterator[Desk]:
    provider, slack = FakeOpenIdProvider(), FakeSlackApi()
    await provider.start()
    await slack.start()
    port = free_port()
    app = await build_app(dashboard_settings(tmp_path, port, provider, slack, **extra))
    runner = await start_site(app, "127.0.0.1", port)
    try:
        yield Desk(f"http://127.0.0.1:{port}", app, provider, slack)
    finally:
        await runner.cleanup()
        await slack.stop()
        await provider.stop()


async def sign_in(desk: Desk, client: ClientSession, user: dict[str, Any]) -> tuple[int, str]:
    """Follow the sign-in through the provider as a browser would; the final status and page."""
    desk.provider.next_user = user
    async with client.get("/comms/signin/start", allow_redirects=True) as response:
        return response.status, await response.text()


async def posted(desk: Desk, count: int, **match: str) -> dict[str, Any]:
    """The count-th chat.postMessage to the fake Slack matching ``match`` (waits for it)."""
    for _ in range(500):
        found = [c for c in desk.slack.of("chat.postMessage") if all(c.get(k) == v for k, v in match.items())]
        if len(found) >= count:
            return found[count - 1]
        await asyncio.sleep(0.01)
    raise AssertionError(f"no postMessage #{count} matching {match}")


async def urgent_record_from_slack(desk: Desk, client: ClientSession) -> dict[str, Any]:
    """An officer in Slack answers yes to the safety question and sends the URGENT record as it
    is, through signed requests to the real route; returns the post in the team's channel."""

    async def send(signed: tuple[str, dict[str, str]]) -> None:
        body, headers = signed
        async with client.post("/slack/events", data=body, headers=headers) as response:
            assert response.status == 200

    await send(s.dm("check"))
    question = await posted(desk, 1, channel="D1")
    url = desk.slack.response_url()
    await send(s.press(s.buttons(question["blocks"])["Yes"], "Yes", response_url=url, message=question))
    outcome = await posted(desk, 2, channel="D1")
    label = "Send to the Press Desk"
    await send(s.press(s.buttons(outcome["blocks"])[label], label, response_url=url, message=outcome))
    prompt = await posted(desk, 3, channel="D1")
    label = "Send as it is"
    await send(s.press(s.buttons(prompt["blocks"])[label], label, response_url=url, message=prompt))
    return await posted(desk, 1, channel="CCOMMS")
