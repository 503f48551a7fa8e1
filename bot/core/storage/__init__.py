"""Conversation state and records behind a tiny async port, so backends can be swapped."""

from bot.core.storage.port import (
    DeskStore,
    Purged,
    Saved,
    Store,
    StoredRecord,
    UnansweredQuestion,
    conversation_key,
)

__all__ = ["DeskStore", "Purged", "Saved", "Store", "StoredRecord", "UnansweredQuestion", "conversation_key"]
