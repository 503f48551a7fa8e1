"""Factories that build the bot from settings; app.py and the tests both call them."""

from __future__ import annotations

from bot.core.content import Content, load_content
from bot.core.engine import ConversationEngine, Notify
from bot.core.storage.sqlite import SqliteStore
from bot.settings import Settings


async def build_engine(
    settings: Settings, *, content: Content | None = None, notify: Notify | None = None
) -> ConversationEngine:
    """Load content (unless given), open the store and assemble the engine."""
    content = content or load_content(settings.content_dir)
    store = await SqliteStore.open(settings.sqlite_path)
    return ConversationEngine(content=content, store=store, idle_minutes=settings.idle_minutes, notify=notify)
