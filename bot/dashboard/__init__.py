"""The Communications Team's dashboard at /comms: the queue of records, what officers ask, the
induction, behind the council's sign-in."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.core.content import Content
from bot.core.desk import Desk
from bot.core.storage import Store
from bot.dashboard import pages
from bot.dashboard.access import GATE, gate_of, guard, sessions
from bot.dashboard.templates import Pages
from bot.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"


def dashboard(settings: Settings, *, content: Content, store: Store, desk: Desk) -> web.Application:
    """The sub-application mounted at /comms; its middlewares guard only its own routes."""
    app = web.Application(middlewares=[sessions(settings), guard(content.desk.texts)])
    app[GATE] = gate_of(settings)
    app[pages.PAGES] = Pages(settings.content_dir)
    app[pages.CONTENT] = content
    app[pages.STORE] = store
    app[pages.DESK] = desk
    app.router.add_get("/", pages.queue_page)
    app.router.add_get("/asks", pages.asks_page)
    app.router.add_get("/asks/unanswered/{key}.yaml", pages.snippet)
    app.router.add_get("/induction", pages.induction_page)
    app.router.add_post("/records/{id}/acknowledge", pages.acknowledge)
    app.router.add_post("/records/{id}/close", pages.close)
    app.router.add_get("/api/queue", pages.queue_api)
    app.router.add_get("/signin", pages.signin_page)
    app.router.add_get("/signin/start", pages.signin_start)
    app.router.add_post("/signin/local", pages.signin_local)
    app.router.add_get("/callback", pages.callback)
    app.router.add_post("/signout", pages.signout)
    app.router.add_static("/static", STATIC)
    return app


def mount(app: web.Application, settings: Settings, *, content: Content, store: Store, desk: Desk) -> None:
    """Serve the dashboard at /comms (and /comms without its slash)."""
    app.add_subapp("/comms", dashboard(settings, content=content, store=store, desk=desk))
    app.router.add_get("/comms", _to_dashboard)


async def _to_dashboard(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/comms/")
