"""Content: every word the bot says and the flowchart's structure, loaded and validated once."""

from bot.core.content.loader import load_content
from bot.core.content.models import Content

__all__ = ["Content", "load_content"]
