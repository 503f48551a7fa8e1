"""The benchmark's baseline: a bolt app that acks a slash command and posts a fixed text."""

from __future__ import annotations

import sys

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncSay
from slack_sdk.web.async_client import AsyncWebClient


def build(api_url: str, secret: str) -> web.Application:
    bolt = AsyncApp(signing_secret=secret, client=AsyncWebClient(token="xoxb-bare", base_url=api_url))

    @bolt.command("/socialmedia")
    async def command(ack: AsyncAck, say: AsyncSay) -> None:
        await ack()
        await say("A fixed reply.")

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/health", health)
    return app


if __name__ == "__main__":
    web.run_app(build(sys.argv[2], sys.argv[3]), host="127.0.0.1", port=int(sys.argv[1]), print=None)
