"""How every channel marks a quoted passage: word for word in quotation marks, a summary as
it is. Each channel lays out the passage and its source in one function of its own."""

from __future__ import annotations

from bot.core.messages import Quote

CURLY = ("“", "”")


def passage(quote: Quote, marks: tuple[str, str] = CURLY) -> str:
    """The passage, in ``marks`` when the policy is quoted verbatim."""
    opening, closing = marks
    return f"{opening}{quote.text}{closing}" if quote.verbatim else quote.text
