"""A local stand-in for the Slack Web API (and response_url), recording every call."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    method: str
    args: dict[str, Any]


@dataclass
class FakeSlackApi:
    calls: list[Call] = field(default_factory=list)
    runner: web.AppRunner | None = None
    port: int = 0
    record: bool = True

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_get("/health", self._health)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _args(request)
        if self.record:
            self.calls.append(Call(method, args))
        result: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            result |= {"user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "url": "https://x.slack.com/"}
        elif method in {"chat.postMessage", "chat.update"}:
            result |= {"channel": args.get("channel"), "ts": f"{len(self.calls)}.000100"}
        elif method == "conversations.open":
            result |= {"channel": {"id": "DHOME"}}
        return web.json_response(result)

    async def _health(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def _respond(self, request: web.Request) -> web.Response:
        self.calls.append(Call("response_url", await request.json()))
        return web.json_response({"ok": True})

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Listeners run after the ack, so their calls arrive a moment later."""
        for _ in range(int(timeout / 0.01)):
            if len(self.of(method)) >= count:
                return self.of(method)
            await asyncio.sleep(0.01)
        raise AssertionError(f"expected {count} {method} call(s), got {self.of(method)}")


async def _args(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return dict(await request.json())
    form = await request.post()
    return {key: _maybe_json(str(value)) for key, value in form.items()}


def _maybe_json(text: str) -> Any:
    if text[:1] in {"[", "{"}:
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


async def _serve_forever(port: int) -> None:
    """Run the fake on a fixed port (for benchmarks in another process)."""
    import asyncio as _asyncio

    fake = FakeSlackApi(record=False)
    await fake.start(port)
    await _asyncio.Event().wait()


if __name__ == "__main__":
    import asyncio as _asyncio
    import sys as _sys

    _asyncio.run(_serve_forever(int(_sys.argv[1])))
