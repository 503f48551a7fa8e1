"""One question, one answer, with no conversation: for ``app.py ask`` and the evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.content.models import Content
from bot.core.faq import FLOWCHART, Decision, FaqMatcher
from bot.core.present import Presenter

WALK_ID = "flowchart"  # how the evaluation and ``ask --json`` name the flowchart walk


@dataclass(frozen=True)
class AskResult:
    answered: bool
    id: str | None
    score: float
    answer: str
    source: str | None
    suggestions: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "answered": self.answered,
            "id": self.id,
            "score": round(self.score, 3),
            "answer": self.answer,
            "source": self.source,
            "suggestions": list(self.suggestions),
        }

    def as_text(self) -> str:
        lines = [self.answer]
        if self.source:
            lines.append(f"({self.source})")
        return "\n".join(lines)


def decide(matcher: FaqMatcher, present: Presenter, question: str) -> AskResult:
    """The decision and reply a conversation would give (the router uses the same
    ``MatchResult.decision`` and ``Presenter.matched``), for a question asked outside any
    conversation; the walk counts as an answer with id ``flowchart``."""
    result = matcher.match(question)
    decision = result.decision
    score = result.best.score if result.best else 0.0
    suggestions = tuple(WALK_ID if m.id == FLOWCHART else m.id for m in result.suggestions)
    if decision is Decision.WALK:
        text = present.text("walk_intro").text
        return AskResult(True, WALK_ID, score, text, None, ())
    reply = present.matched(result)
    if decision is Decision.ANSWER and result.best is not None:
        entry = present.entries[result.best.id]
        return AskResult(True, entry.id, score, entry.answer, reply.quotes[0].cite, suggestions)
    return AskResult(
        False, None, score, reply.text, None, suggestions if decision is Decision.SUGGEST else ()
    )


def answer_once(content: Content, question: str, *, cache: Path | None = None) -> AskResult:
    return decide(FaqMatcher.from_content(content, cache=cache), Presenter(content), question)
