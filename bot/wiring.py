"""Factories that build the bot from settings; app.py and the tests both call them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from bot.core.content import Content
from bot.core.content.loader import load_content
from bot.core.desk import Desk
from bot.core.engine import ConversationEngine, Notify, utc_now
from bot.core.faq import FaqMatcher
from bot.core.safety import SafetyNet
from bot.core.storage.relational import RelationalStore
from bot.core.triage import Triage
from bot.settings import Settings


async def build_engine(
    settings: Settings,
    *,
    content: Content | None = None,
    notify: Notify | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> ConversationEngine:
    """Load content (unless given), open the store and assemble the engine."""
    content = content or load_content(settings.content_dir, cache=settings.cache_dir)
    store = await open_store(settings)
    safety = SafetyNet.from_content(content, cache=settings.cache_dir)
    return ConversationEngine(
        content=content,
        store=store,
        idle_minutes=settings.idle_minutes,
        clock=clock,
        notify=notify,
        matcher=FaqMatcher.from_content(content, cache=settings.cache_dir),
        safety=safety,
        triage=Triage.from_content(content, net=safety, cache=settings.cache_dir),
    )


def build_desk(settings: Settings, engine: ConversationEngine) -> Desk:
    """The Communications Team's desk on the engine's store, content and clock."""
    store = engine.store
    if not isinstance(store, RelationalStore):
        raise TypeError("the desk needs the relational store")
    return Desk(
        store=store, content=engine.content, clock=engine.clock, ack_minutes=settings.urgent_ack_minutes
    )


async def open_store(settings: Settings) -> RelationalStore:
    """The store ``DATABASE_URL`` names, migrated to the newest schema."""
    return await RelationalStore.open(settings.database)


@asynccontextmanager
async def opened_store(settings: Settings) -> AsyncIterator[RelationalStore]:
    """The store for one command, closed when it is done."""
    store = await open_store(settings)
    try:
        yield store
    finally:
        await store.close()
