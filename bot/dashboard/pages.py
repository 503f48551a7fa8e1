"""The dashboard's pages and API: each handler gathers values and renders one template."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from aiohttp_session import get_session

from bot.core.content import Content
from bot.core.storage import Store, StoredRecord
from bot.dashboard import views
from bot.dashboard.access import GATE, csrf_token, start_session
from bot.dashboard.charts import stacked_bars
from bot.dashboard.oidc import Person, SignInError
from bot.dashboard.templates import Pages

log = logging.getLogger("advisor.dashboard")

PAGES = web.AppKey("pages", Pages)
STORE = web.AppKey("store", Store)
CONTENT = web.AppKey("content", Content)
LOCAL_PERSON = Person(subject="local", email="local@localhost", name="local user", groups=frozenset())


async def render(request: web.Request, name: str, status: int = 200, **values: Any) -> web.Response:
    """A page with what every page needs: the signed-in name, the CSRF token, the bot's names."""
    session = await get_session(request)
    html = request.app[PAGES].render(
        name,
        page=name.removesuffix(".html"),
        user=session.get("name"),
        csrf=csrf_token(session),
        about=request.app[CONTENT].about,
        mode=request.app[GATE].mode,
        **values,
    )
    return web.Response(text=html, status=status, content_type="text/html")


def queue_item(kept: StoredRecord, questions: dict[str, str]) -> views.QueueItem:
    r = kept.record
    return views.QueueItem(
        id=r.id,
        created_at=r.created_at,
        state="new",
        urgency=r.urgency,
        outcome_title=r.outcome_title,
        officer=r.user_name or r.user,
        channel=r.channel,
        path=tuple(views.Step(questions.get(node, node), answer) for node, answer in r.path),
        comment=r.comment,
        link=r.link,
    )


async def queue_items(app: web.Application) -> list[views.QueueItem]:
    questions = {q.id: q.text for q in app[CONTENT].flowchart.questions}
    return [queue_item(kept, questions) for kept in await app[STORE].export()]


async def queue_page(request: web.Request) -> web.Response:
    items = await queue_items(request.app)
    return await render(request, "queue.html", sections=views.queue_sections(items))


async def queue_api(request: web.Request) -> web.Response:
    items = await queue_items(request.app)
    return web.json_response(
        [
            {
                "id": i.id,
                "created_at": i.created_at,
                "state": i.state,
                "urgency": i.urgency,
                "outcome": i.outcome_title,
                "officer": i.officer,
                "channel": i.channel,
            }
            for i in items
        ]
    )


async def asks_page(request: web.Request) -> web.Response:
    store, weeks = request.app[STORE], views.recent_weeks()
    records = await store.records(limit=10_000)
    unanswered = await store.unanswered(limit=10_000)
    outcomes = views.weekly(((r.created_at, r.outcome_title) for r in records), weeks)
    questions = views.weekly(((q.asked_at, "unanswered") for q in unanswered), weeks)
    return await render(
        request,
        "asks.html",
        outcomes=outcomes,
        outcomes_chart=stacked_bars(outcomes),
        questions=questions,
        questions_chart=stacked_bars(questions),
        groups=views.group_unanswered(unanswered),
    )


async def snippet(request: web.Request) -> web.Response:
    """One group of unanswered questions as YAML to paste into ``content/faq.yaml``."""
    key = request.match_info["key"]
    groups = views.group_unanswered(await request.app[STORE].unanswered(limit=10_000))
    group = next((g for g in groups if g.key == key), None)
    if group is None:
        raise web.HTTPNotFound(text="no such group of questions (the log may have changed): reload the page")
    return web.Response(
        text=views.faq_snippet(group),
        content_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="unanswered-{key}.yaml"'},
    )


async def induction_page(request: web.Request) -> web.Response:
    done, started = views.induction_rows(await request.app[STORE].inductions())
    return await render(request, "induction.html", done=done, started=started)


async def signin_page(request: web.Request) -> web.Response:
    return await render(request, "signin.html")


async def signin_start(request: web.Request) -> web.StreamResponse:
    """Off to the identity provider, with state, nonce and PKCE verifier kept in the session."""
    oidc = request.app[GATE].oidc
    if oidc is None:
        raise web.HTTPFound("/comms/signin")
    try:
        url = await oidc.start(await get_session(request))
    except SignInError as exc:
        log.warning("dashboard sign-in could not start: %s", exc)
        return await render(request, "refused.html", status=502, reason="provider")
    raise web.HTTPFound(url)


async def callback(request: web.Request) -> web.StreamResponse:
    """Back from the identity provider: a validated member gets a session, anyone else 403."""
    gate = request.app[GATE]
    if gate.oidc is None:
        raise web.HTTPFound("/comms/signin")
    try:
        person = await gate.oidc.finish(await get_session(request), dict(request.query))
    except SignInError as exc:
        log.info("dashboard sign-in failed: %s", exc)
        return await render(request, "refused.html", status=401, reason="failed")
    if not gate.admits(person):
        log.info("dashboard sign-in refused: not a team member subject=%s", person.subject)
        return await render(request, "refused.html", status=403, reason="not_member")
    await start_session(request, person)
    log.info("dashboard sign-in subject=%s", person.subject)
    raise web.HTTPFound("/comms/")


async def signin_local(request: web.Request) -> web.StreamResponse:
    """The loopback-only opt-in: no identity provider, one local user."""
    if request.app[GATE].mode != "local":
        raise web.HTTPNotFound()
    await start_session(request, LOCAL_PERSON)
    raise web.HTTPFound("/comms/")


async def signout(request: web.Request) -> web.StreamResponse:
    (await get_session(request)).invalidate()
    raise web.HTTPFound("/comms/signin")
