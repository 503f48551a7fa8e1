"""Conversation state and records behind a tiny async port, so backends can be swapped."""

from bot.core.storage.port import (
    AnsweredCount,
    AnsweredQuestion,
    DeskStore,
    Purged,
    Saved,
    Store,
    StoredRecord,
    UnansweredQuestion,
    conversation_key,
)

__all__ = [
    "AnsweredCount",
    "AnsweredQuestion",
    "DeskStore",
    "Purged",
    "Saved",
    "Store",
    "StoredRecord",
    "UnansweredQuestion",
    "conversation_key",
]
