"""build_app(settings): the aiohttp server with health and every channel that is configured."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from aiohttp import ClientError, web
from aiohttp.http_exceptions import HttpProcessingError

from bot.channels.slack import SlackChannel
from bot.channels.teams import TeamsChannel
from bot.core.desk import Desk
from bot.core.engine import ConversationEngine, utc_now
from bot.core.errors import AdvisorError, StorageError
from bot.core.messages import Escalation
from bot.core.storage import Store
from bot.core.storage.relational import shown_url
from bot.dashboard import mount as mount_dashboard
from bot.records import retention_cutoff
from bot.settings import Settings
from bot.wiring import build_desk, build_engine

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

log = logging.getLogger("advisor.server")

ENGINE = web.AppKey("engine", ConversationEngine)
DESK = web.AppKey("desk", Desk)
SLACK = web.AppKey("slack", SlackChannel)

PURGE_EVERY_SECONDS = 24 * 3600
# Slow clients: a connection must send its request line and headers, and an idle kept-alive
# connection its next request, within IDLE_SECONDS; a request its whole body within
# BODY_SECONDS. Slack and Teams send a request in milliseconds; a client that trickles bytes
# would otherwise hold a connection (and a file descriptor) for as long as it likes.
IDLE_SECONDS = 10.0
BODY_SECONDS = 10.0
BODY_TIMEOUT = web.AppKey("body_timeout", float)
Notify = Callable[[Escalation], Awaitable[None]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


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
    return [slack, teams_status(settings), dashboard_status(settings)]


def dashboard_status(settings: Settings) -> str:
    """The dashboard is always served; who can sign in depends on the settings."""
    if settings.dashboard_sign_in == "oidc":
        return f"Dashboard: on at /comms, sign-in through {settings.oidc_issuer}"
    if settings.dashboard_sign_in == "local":
        return "Dashboard: on at /comms, local sign-in, no identity provider (DASHBOARD_LOCAL, loopback)"
    if settings.dashboard_local:
        return (
            "Dashboard: no sign-in: DASHBOARD_LOCAL works only on a loopback HOST such as 127.0.0.1,"
            f" not {settings.host}"
        )
    return (
        "Dashboard: no sign-in (set OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URL,"
        " SESSION_SECRET and COMMS_ALLOWED_EMAILS or COMMS_GROUP)"
    )


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


async def build_app(settings: Settings, *, clock: Callable[[], datetime] = utc_now) -> web.Application:
    """The one HTTP server. Tests call this too, with their own settings (and clock)."""
    notifiers = Notifiers()
    engine = await build_engine(settings, notify=notifiers, clock=clock)
    app = web.Application(client_max_size=1024 * 1024, middlewares=[body_in_time])
    app[ENGINE] = engine
    desk = app[DESK] = build_desk(settings, engine)
    app[BODY_TIMEOUT] = BODY_SECONDS
    app.router.add_get("/healthz", healthz)
    if settings.slack_enabled and settings.slack_bot_token:
        slack = SlackChannel(
            engine=engine,
            token=settings.slack_bot_token,
            signing_secret=None if settings.slack_socket_mode else settings.slack_signing_secret,
            api_url=settings.slack_api_url,
            command=settings.slack_command,
            comms_channel=settings.slack_comms_channel,
            desk=desk,
            mention=settings.comms_mention,
        )
        notifiers.targets.append(slack.notify)
        if slack.desk is not None:
            desk.channels.append(slack.desk)
        app[SLACK] = slack
        if slack.route is not None:
            app.router.add_post("/slack/events", slack.route.handle)
    if settings.teams_enabled:
        teams = TeamsChannel(
            engine=engine,
            app_id=settings.microsoft_app_id or "",
            password=settings.microsoft_app_password or "",
            app_type=settings.teams_app_type,
            tenant_id=settings.microsoft_app_tenant_id or "",
            comms_conversation=settings.teams_comms_channel,
            comms_service_url=settings.teams_service_url,
            desk=desk,
        )
        if settings.teams_comms_channel:
            notifiers.targets.append(teams.notify)
        if teams.desk is not None:
            desk.channels.append(teams.desk)
        app.router.add_post("/api/messages", teams.handle)
    mount_dashboard(app, settings, content=engine.content, store=engine.store, desk=desk)
    app.cleanup_ctx.append(reminders(desk, settings.reminder_check_seconds))
    app.on_cleanup.append(_close_store)
    return app


@web.middleware
async def body_in_time(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Read the whole body (at most ``client_max_size``) before any route sees it, within
    ``BODY_TIMEOUT``: a slow upload gets 408 and its connection closed; an upload the client
    abandoned is logged in one line, not a traceback. Routes then read the body from memory."""
    if request.body_exists:
        try:
            async with asyncio.timeout(request.app[BODY_TIMEOUT]):
                await request.read()
        except TimeoutError:
            log.info("request body not received in time path=%s", request.path)
            return _closing(web.Response(status=408, text="request body not received in time"))
        except (OSError, ClientError, HttpProcessingError) as exc:
            log.info("request body abandoned path=%s: %s", request.path, type(exc).__name__)
            return _closing(web.Response(status=400, text="request body incomplete"))
    return await handler(request)


def _closing(response: web.Response) -> web.Response:
    response.force_close()
    return response


async def healthz(request: web.Request) -> web.Response:
    """A load balancer stops sending turns to a server that cannot use the database: the check
    writes a row, because a read-only database answers reads while every turn fails."""
    try:
        await request.app[ENGINE].store.ping()
    except AdvisorError:
        return web.json_response({"status": "database unavailable"}, status=503)
    return web.json_response({"status": "ok"})


async def serve(settings: Settings) -> None:
    """Run until interrupted; Socket Mode connects out to Slack instead of a public URL."""
    app = await build_app(settings)
    await writable(app[ENGINE].store, settings)
    runner = await start_site(app, settings.host, settings.port)
    print(f"Social Media Policy Advisor on http://{settings.host}:{settings.port} (GET /healthz)")
    for line in channel_status(settings):
        print(line)
    print(database_status(settings), flush=True)  # seen at once when output goes to a log
    socket = await start_socket_mode(app, settings)
    purging = asyncio.create_task(keep_purging(app[ENGINE].store, settings.retention_days))
    try:
        await asyncio.Event().wait()
    finally:
        purging.cancel()
        if socket is not None:
            await socket.close_async()  # type: ignore[no-untyped-call]
        await runner.cleanup()


async def start_site(
    app: web.Application, host: str, port: int, *, idle: float = IDLE_SECONDS
) -> web.AppRunner:
    """Listen with slow clients timed out: aiohttp's ``keepalive_timeout`` also runs from the
    moment a connection opens until its first request is whole. Tests start servers this way."""
    # No lingering: body_in_time has read every body before a route runs, so a body still unread
    # after the response belongs to a client already cut off (or too large); don't wait for it.
    runner = web.AppRunner(app, keepalive_timeout=idle, lingering_time=0)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def writable(store: Store, settings: Settings) -> None:
    """Stop at start-up, in one line, on a database that cannot be written."""
    try:
        await store.ping()
    except StorageError as exc:
        await store.close()
        raise StorageError(f"the database {shown_url(settings.database)} cannot be written ({exc})") from None


async def start_socket_mode(app: web.Application, settings: Settings) -> AsyncSocketModeHandler | None:
    """Connect out to Slack; the client reconnects by itself when Slack asks it to."""
    if not (settings.slack_socket_mode and settings.slack_app_token):
        return None
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(app[SLACK].app, settings.slack_app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    return handler


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


def reminders(desk: Desk, every: float) -> Callable[[web.Application], AsyncIterator[None]]:
    """While the server runs, look for URGENT records nobody has taken every ``every`` seconds
    (``REMINDER_CHECK_SECONDS``); stopped before the store closes. Every server looks; the
    store gives each reminder to exactly one of them."""

    async def running(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(keep_reminding(desk, every)) if desk.channels else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return running


async def keep_reminding(desk: Desk, every: float) -> None:
    while True:
        try:
            await desk.remind_due()
        except AdvisorError as exc:
            log.warning("reminders failed: %s", exc)
        await asyncio.sleep(every)


async def _close_store(app: web.Application) -> None:
    await app[ENGINE].store.close()
