"""Content: every word the bot says and the flowchart's structure, loaded and validated once.

``loader.load_content`` reads it. It is not imported here: the loader checks the safety net's
phrases, and the safety net and the matcher import the models below, so importing any module
that needs only the models (``bot.core.model``, say) must not run the loader first.
"""

from bot.core.content.models import Content

__all__ = ["Content"]
