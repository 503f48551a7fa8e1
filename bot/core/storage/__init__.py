"""Conversation state and records behind a tiny async port, so backends can be swapped."""

from bot.core.storage.port import Store, UnansweredQuestion, conversation_key

__all__ = ["Store", "UnansweredQuestion", "conversation_key"]
