"""The dashboard's pages and API: each handler gathers values and renders one template."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from aiohttp_session import get_session

from bot.core.content import Content
from bot.core.desk import Desk, Outcome
from bot.core.lifecycle import Actor, AuditEntry, DeskRecord, State
from bot.core.storage import Store
from bot.dashboard import views
from bot.dashboard.access import GATE, csrf_token, start_session
from bot.dashboard.charts import ranked_bars, stacked_bars
from bot.dashboard.oidc import Person, SignInError
from bot.dashboard.templates import Pages

log = logging.getLogger("advisor.dashboard")

PAGES = web.AppKey("pages", Pages)
STORE = web.AppKey("store", Store)
CONTENT = web.AppKey("content", Content)
DESK = web.AppKey("desk", Desk)
OPEN_SHOWN, CLOSED_SHOWN = 500, 50
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


def queue_item(desk: DeskRecord, trail: list[AuditEntry], questions: dict[str, str]) -> views.QueueItem:
    r, life = desk.record, desk.lifecycle
    return views.QueueItem(
        id=r.id,
        created_at=r.created_at,
        state=life.state.value,
        urgency=r.urgency,
        outcome_title=r.outcome_title,
        officer=r.user_name or r.user,
        channel=r.channel,
        path=tuple(views.Step(questions.get(node, node), answer) for node, answer in r.path),
        comment=r.comment,
        link=r.link,
        acknowledged_by=life.acknowledged_by_name or life.acknowledged_by,
        acknowledged_at=life.acknowledged_at,
        closed_by=life.closed_by_name or life.closed_by,
        closed_at=life.closed_at,
        resolution=life.resolution,
        note=life.note,
        trail=tuple(views.TrailLine(e.at, e.actor_name or e.actor_id, e.action, e.detail) for e in trail),
    )


async def queue_items(app: web.Application) -> list[views.QueueItem]:
    """Every open record, and the most recent closed ones, each with its audit trail."""
    desk = app[DESK]
    questions = {q.id: q.text for q in app[CONTENT].flowchart.questions}
    open_ = await desk.queue(states=(State.NEW, State.ACKNOWLEDGED), limit=OPEN_SHOWN)
    closed = await desk.queue(states=(State.CLOSED,), limit=CLOSED_SHOWN)
    shown = open_ + closed
    trails = await desk.trails([d.id for d in shown])
    return [queue_item(d, trails[d.id], questions) for d in shown]


async def queue_page(request: web.Request) -> web.Response:
    items = await queue_items(request.app)
    session = await get_session(request)
    notice = session.pop("notice", None)
    desk = request.app[DESK]
    return await render(
        request,
        "queue.html",
        sections=views.queue_sections(items),
        notice=notice,
        desk_texts=desk.texts,
        resolutions=desk.resolutions,
    )


async def acknowledge(request: web.Request) -> web.StreamResponse:
    """The same acknowledgement as the chat button: the store's rules, every post updated,
    the officer told; the outcome is shown at the top of the queue."""
    actor = await _actor(request)
    outcome = await request.app[DESK].acknowledge(request.match_info["id"], actor)
    return await _back_to_queue(request, outcome)


async def close(request: web.Request) -> web.StreamResponse:
    actor = await _actor(request)
    form = await request.post()
    resolution, note = str(form.get("resolution", "")), str(form.get("note", ""))
    desk = request.app[DESK]
    if resolution not in {r.id for r in desk.resolutions}:
        raise web.HTTPBadRequest(text=desk.texts.close_resolution)
    outcome = await desk.close(request.match_info["id"], actor, resolution, note)
    return await _back_to_queue(request, outcome)


async def _actor(request: web.Request) -> Actor:
    session = await get_session(request)
    return Actor(id=str(session["email"]), name=str(session.get("name") or session["email"]))


async def _back_to_queue(request: web.Request, outcome: Outcome) -> web.StreamResponse:
    """Post, redirect, get: a reload does not press again; the message waits in the session."""
    (await get_session(request))["notice"] = outcome.message
    raise web.HTTPSeeOther(f"/comms/#record-{outcome.desk.id}" if outcome.desk else "/comms/")


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
                "acknowledged_by": i.acknowledged_by,
                "closed_by": i.closed_by,
                "trail": [{"at": t.at, "who": t.who, "action": t.action} for t in i.trail],
            }
            for i in items
        ]
    )


async def asks_page(request: web.Request) -> web.Response:
    store, weeks = request.app[STORE], views.recent_weeks()
    content = request.app[CONTENT]
    unanswered = await store.unanswered(limit=10_000)
    named = {o.id: o.title for o in content.flowchart.outcomes}
    counted = await store.outcome_counts(since=weeks[0].isoformat())  # every record, counted in SQL
    outcomes = views.weekly_counts(((c.week, named.get(c.entry, c.entry), c.count) for c in counted), weeks)
    questions = views.weekly(((q.asked_at, "unanswered") for q in unanswered), weeks)
    titles = {e.id: e.title for e in content.faq.entries}
    top = views.top_per_week(await store.answered_counts(since=weeks[0].isoformat()), titles, weeks)
    return await render(
        request,
        "asks.html",
        outcomes=outcomes,
        outcomes_chart=stacked_bars(outcomes),
        top=top,
        top_chart=ranked_bars(top),
        top_shown=views.TOP,
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
        raise web.HTTPNotFound(text=request.app[CONTENT].desk.texts.no_such_group)
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
