"""A local stand-in for the Slack Web API, response_url and the Socket Mode websocket,
recording every call. Tests can make a method fail the way Slack does (429 with Retry-After,
5xx, a dropped connection, ``ok: false``) to prove a reply survives it or is logged."""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web


@dataclass
class Call:
    method: str
    args: dict[str, Any]


@dataclass
class Failure:
    """One failed answer: an HTTP status (429, 500, ...), a Slack error, or a dropped line."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    drop: bool = False


@dataclass
class SocketSession:
    """One Socket Mode connection: envelopes go out, acknowledgements come back."""

    ws: web.WebSocketResponse
    acks: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)

    async def hello(self) -> None:
        await self.ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})

    async def deliver(self, kind: str, payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """Send an envelope as Slack does and wait for the app's acknowledgement."""
        envelope_id = secrets.token_hex(8)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.acks[envelope_id] = future
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload, **extra}
        await self.ws.send_json({"accepts_response_payload": kind != "events_api", **envelope})
        return await asyncio.wait_for(future, timeout=10)

    async def disconnect(self) -> None:
        """Slack asks the app to reconnect (its servers are about to restart)."""
        await self.ws.send_json({"type": "disconnect", "reason": "refresh_requested"})

    def acknowledged(self, message: dict[str, Any]) -> None:
        future = self.acks.pop(str(message.get("envelope_id")), None)
        if future is not None and not future.done():
            future.set_result(message)


@dataclass
class FakeSlackApi:
    calls: list[Call] = field(default_factory=list)
    runner: web.AppRunner | None = None
    port: int = 0
    record: bool = True
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    sockets: asyncio.Queue[SocketSession] = field(default_factory=asyncio.Queue)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def fail(self, method: str, failure: Failure, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` fail; later calls succeed."""
        self.failures.setdefault(method, []).extend([failure] * times)

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack-sdk reads users.info with GET
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_get("/health", self._health)
        app.router.add_get("/link", self._socket)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args = await _args(request)
        if self.record:
            self.calls.append(Call(method, args))
        pending = self.failures.get(method)
        if pending:
            return _failed(request, pending.pop(0))
        return web.json_response({"ok": True, **self._result(method, args)})

    def _result(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "url": "https://x.slack.com/"}
        if method in {"chat.postMessage", "chat.update"}:
            return {"channel": args.get("channel"), "ts": f"{len(self.calls)}.000100"}
        if method == "users.info":
            user = str(args.get("user"))
            return {"user": {"id": user, "profile": {"real_name": f"Person {user}", "display_name": ""}}}
        if method == "conversations.open":
            return {"channel": {"id": "DHOME"}}
        if method == "apps.connections.open":
            return {"url": f"ws://127.0.0.1:{self.port}/link"}
        return {}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        session = SocketSession(ws)
        await self.sockets.put(session)
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                session.acknowledged(json.loads(message.data))
        return ws

    async def next_socket(self, timeout: float = 10.0) -> SocketSession:
        """The next Socket Mode connection the app opens."""
        return await asyncio.wait_for(self.sockets.get(), timeout=timeout)

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


def _failed(request: web.Request, failure: Failure) -> web.StreamResponse:
    if failure.drop and request.transport is not None:
        request.transport.close()  # the client sees the server disconnect mid-request
    headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
    if failure.status != 200:
        return web.json_response(
            {"ok": False, "error": "fake_failure"}, status=failure.status, headers=headers
        )
    return web.json_response({"ok": False, "error": failure.error or "fake_failure"})


async def _args(request: web.Request) -> dict[str, Any]:
    if request.method == "GET":
        return dict(request.query)
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
    fake = FakeSlackApi(record=False)
    await fake.start(port)
    await asyncio.Event().wait()


if __name__ == "__main__":
    import sys as _sys

    asyncio.run(_serve_forever(int(_sys.argv[1])))
