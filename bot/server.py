"""build_app(settings): the aiohttp server with health and every channel that is configured."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

from bot.channels.slack import SlackChannel
from bot.channels.teams import TeamsChannel
from bot.core.engine import ConversationEngine
from bot.core.errors import AdvisorError
from bot.core.messages import Escalation
from bot.core.storage import Store
from bot.core.storage.relational import shown_url
from bot.records import retention_cutoff
from bot.settings import Settings
from bot.wiring import build_engine

log = logging.getLogger("advisor.server")

ENGINE = web.AppKey("engine", ConversationEngine)
SLACK = web.AppKey("slack", SlackChannel)

PURGE_EVERY_SECONDS = 24 * 3600
Notify = Callable[[Escalation], Awaitable[None]]


@dataclass
class Notifiers:
    """Escalations go to every channel that has a Communications Team destination."""

    targets: list[Notify] = field(default_factory=list)

    async def __call__(self, escalation: Escalation) -> None:
        for target in self.targets:
            await target(escalation)


def channel_status(settings: Settings) -> list[str]:
    """One line per channel: on, or which settings would turn it on."""
    if settings.slack_socket_mode:
        slack = "Slack: on (Socket Mode)"
    elif settings.slack_enabled:
        slack = f"Slack: on at POST /slack/events ({settings.slack_command})"
    else:
        slack = (
            "Slack: off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or SLACK_APP_TOKEN for Socket Mode)"
        )
    return [slack, teams_status(settings)]


def teams_status(settings: Settings) -> str:
    """Teams is on with credentials; unauthenticated only when asked for, on loopback."""
    if settings.microsoft_app_id:
        return f"Teams: on at POST /api/messages ({settings.teams_app_type})"
    if settings.teams_enabled:
        return (
            "Teams: on at POST /api/messages, unauthenticated for local testing (TEAMS_LOCAL_TESTING):"
            " replies go only to service URLs on this machine"
        )
    if settings.teams_local_testing:
        return (
            "Teams: refused: TEAMS_LOCAL_TESTING works only on a loopback HOST such as 127.0.0.1,"
            f" not {settings.host} (set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD)"
        )
    return (
        "Teams: off, /api/messages is not served (set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD,"
        " or TEAMS_LOCAL_TESTING=1 for unauthenticated local testing on a loopback HOST)"
    )


async def build_app(settings: Settings) -> web.Application:
    """The one HTTP server. Tests call this too, with their own settings."""
    notifiers = Notifiers()
    engine = await build_engine(settings, notify=notifiers)
    app = web.Application(client_max_size=1024 * 1024)
    app[ENGINE] = engine
    app.router.add_get("/healthz", healthz)
    if settings.slack_enabled and settings.slack_bot_token:
        slack = SlackChannel(
            engine=engine,
            token=settings.slack_bot_token,
            signing_secret=None if settings.slack_socket_mode else settings.slack_signing_secret,
            api_url=settings.slack_api_url,
            command=settings.slack_command,
            comms_channel=settings.slack_comms_channel,
        )
        notifiers.targets.append(slack.notify)
        app[SLACK] = slack
        if not settings.slack_socket_mode:
            app.router.add_post("/slack/events", slack_events)
    if settings.teams_enabled:
        teams = TeamsChannel(
            engine=engine,
            app_id=settings.microsoft_app_id or "",
            password=settings.microsoft_app_password or "",
            app_type=settings.teams_app_type,
            tenant_id=settings.microsoft_app_tenant_id or "",
            comms_conversation=settings.teams_comms_channel,
            comms_service_url=settings.teams_service_url,
        )
        if settings.teams_comms_channel:
            notifiers.targets.append(teams.notify)
        app.router.add_post("/api/messages", teams.handle)
    app.on_cleanup.append(_close_store)
    return app


async def healthz(request: web.Request) -> web.Response:
    """A load balancer stops sending turns to a server that cannot reach the database."""
    try:
        await request.app[ENGINE].store.ping()
    except AdvisorError:
        return web.json_response({"status": "database unavailable"}, status=503)
    return web.json_response({"status": "ok"})


async def slack_events(request: web.Request) -> web.Response:
    """Convert, dispatch, convert back: bolt verifies the signature and acks."""
    response = await request.app[SLACK].dispatch(await to_bolt_request(request))
    return await to_aiohttp_response(response)


async def serve(settings: Settings) -> None:
    """Run until interrupted; Socket Mode connects out to Slack instead of a public URL."""
    app = await build_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    print(f"Social Media Policy Advisor on http://{settings.host}:{settings.port} (GET /healthz)")
    for line in channel_status(settings):
        print(line)
    print(database_status(settings), flush=True)  # seen at once when output goes to a log
    if settings.slack_socket_mode and settings.slack_app_token:
        from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

        handler = AsyncSocketModeHandler(app[SLACK].app, settings.slack_app_token)
        await handler.connect_async()  # type: ignore[no-untyped-call]
    purging = asyncio.create_task(keep_purging(app[ENGINE].store, settings.retention_days))
    try:
        await asyncio.Event().wait()
    finally:
        purging.cancel()
        await runner.cleanup()


def database_status(settings: Settings) -> str:
    where, days = shown_url(settings.database), settings.retention_days
    return f"Database: {where}; records kept {days} days (RETENTION_DAYS), purged daily"


async def keep_purging(store: Store, days: int) -> None:
    """Delete what is past retention at start-up and then once a day. Every server does it;
    a purge that finds nothing left to delete costs nothing."""
    while True:
        try:
            purged = await store.purge(retention_cutoff(days))
            log.info("retention purge %s", purged)
        except AdvisorError as exc:
            log.warning("retention purge failed: %s", exc)
        await asyncio.sleep(PURGE_EVERY_SECONDS)


async def _close_store(app: web.Application) -> None:
    await app[ENGINE].store.close()
