"""A local stand-in for the Bot Framework connector (the service URL of an activity): an aiohttp
server on a free port that records every call and answers as scripted, so tests can make the
connector refuse, throttle or fail a send."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: str | None = None  # a body that is not JSON


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any]


@dataclass
class Connector:
    url: str = ""
    calls: list[Call] = field(default_factory=list)
    script: list[Answer] = field(default_factory=list)  # answers for the next calls, in order

    def posts(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST"]

    def puts(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]

    async def answer(self, request: web.Request) -> web.Response:
        self.calls.append(Call(request.method, request.path, await request.json()))
        reply = self.script.pop(0) if self.script else Answer(body={"id": f"reply-{len(self.calls)}"})
        if reply.raw is not None:
            return web.Response(status=reply.status, text=reply.raw, headers=reply.headers)
        return web.json_response(reply.body or {}, status=reply.status, headers=reply.headers)


@asynccontextmanager
async def fake_connector() -> AsyncIterator[Connector]:
    connector = Connector()
    app = web.Application()
    app.router.add_route("*", "/v3/conversations/{conversation}/activities", connector.answer)
    app.router.add_route("*", "/v3/conversations/{conversation}/activities/{activity}", connector.answer)
    server = TestServer(app)
    await server.start_server()
    connector.url = str(server.make_url("/"))
    try:
        yield connector
    finally:
        await server.close()
