"""The Teams benchmark's baseline server: an echo bot behind the channel's own route handler,
with botbuilder as shipped (none of the channel's speed-ups)."""

from __future__ import annotations

import sys

from aiohttp import web
from botbuilder.core import MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.channels.teams.adapter import Configuration
from bot.channels.teams.route import TeamsRoute


class Echo(TeamsActivityHandler):  # type: ignore[misc]
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(MessageFactory.text(turn_context.activity.text or ""))


def echo_route() -> TeamsRoute:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Configuration("", "", "MultiTenant", "")))
    return TeamsRoute(adapter, Echo(), loopback_only=True)


if __name__ == "__main__":
    route = echo_route()
    app = web.Application()
    app.router.add_post("/api/messages", route.handle)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
