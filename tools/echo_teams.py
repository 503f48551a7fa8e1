"""The Teams benchmark's baseline server: an echo bot, botbuilder as shipped."""

from __future__ import annotations

import sys

from aiohttp import web

from bot.channels.teams import echo_route

if __name__ == "__main__":
    route = echo_route()
    app = web.Application()
    app.router.add_post("/api/messages", route.handle)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
