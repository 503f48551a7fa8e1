"""One question, one answer, with no conversation: for ``app.py ask`` and the evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.content.models import Content
from bot.core.faq import FLOWCHART, Decision, FaqMatcher
from bot.core.present import Presenter

WALK_ID = "flowchart"  # how the evaluation and ``ask --json`` name the flowchart walk
INDUCTION_ID = "induction"  # and the induction tour
SMALL_TALK_ID = "small_talk"


@dataclass(frozen=True)
class AskResult:
    answered: bool
    id: str | None
    score: float
    answer: str
    source: str | None
    suggestions: tuple[str, ...]
    also: str | None = None  # the entry answering the second part of a two-part question
    declined: str | None = None  # why it was declined: whose subject, or a near miss

    def as_json(self) -> dict[str, Any]:
        return {
            "answered": self.answered,
            "id": self.id,
            "score": round(self.score, 3),
            "answer": self.answer,
            "source": self.source,
            "suggestions": list(self.suggestions),
            "also": self.also,
            "declined": self.declined,
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
    reading = matcher.read(question)
    result = reading.first
    decision = result.decision
    score = result.best.score if result.best else 0.0
    suggestions = tuple(WALK_ID if m.id == FLOWCHART else m.id for m in result.suggestions)
    if decision is Decision.WALK:
        text = present.text("walk_intro").text
        return AskResult(True, WALK_ID, score, text, None, ())
    if decision is Decision.INDUCTION:
        return AskResult(True, INDUCTION_ID, score, present.text("induction_intro").text, None, ())
    reply = present.matched(result, question)
    if decision is Decision.ANSWER and result.best is not None:
        entry = present.entries[result.best.id]
        also = reading.second.answered if reading.second is not None else None
        return AskResult(True, entry.id, score, entry.answer, reply.quotes[0].cite, suggestions, also)
    offered = suggestions if decision is Decision.SUGGEST else ()
    if decision is Decision.SMALL_TALK:
        return AskResult(False, SMALL_TALK_ID, score, reply.text, None, ())
    return AskResult(False, None, score, reply.text, None, offered, declined=result.declined)


def answer_once(content: Content, question: str, *, cache: Path | None = None) -> AskResult:
    return decide(FaqMatcher.from_content(content, cache=cache), Presenter(content), question)
