"""One question, one answer, with no conversation: for ``app.py ask`` and the evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.content.models import Content
from bot.core.faq import FLOWCHART, FaqMatcher, MatchResult
from bot.core.present import Presenter


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


def decide(matcher: FaqMatcher, presenter: Presenter, question: str) -> AskResult:
    """Answer from the matcher's decision; the flowchart counts as an answer with id ``flowchart``."""
    result: MatchResult = matcher.match(question)
    best = result.best
    score = best.score if best else 0.0
    suggestions = tuple("flowchart" if m.id == FLOWCHART else m.id for m in result.suggestions)
    if result.kind == "answer" and best is not None and best.id == FLOWCHART:
        text = presenter.content.messages.texts.walk_intro
        return AskResult(True, "flowchart", score, text, None, ())
    if result.kind == "answer" and best is not None:
        reply = presenter.answer(presenter.entries[best.id])
        entry = presenter.entries[best.id]
        return AskResult(True, best.id, score, entry.answer, reply.quotes[0].cite, suggestions)
    if result.kind == "suggest":
        return AskResult(False, None, score, presenter.texts.did_you_mean, None, suggestions)
    return AskResult(False, None, score, presenter.unknown().text, None, ())


def answer_once(content: Content, question: str, *, cache: Path | None = None) -> AskResult:
    return decide(FaqMatcher.from_content(content, cache=cache), Presenter(content), question)
