"""The matcher: fast scoring equals scikit-learn's, and its decisions are the right kind."""

from __future__ import annotations

import numpy as np

from bot.core.content import Content
from bot.core.faq import FLOWCHART, FaqMatcher

QUESTIONS = [
    "can i use my council email for twitter",
    "Someone left an abusive comment on our Facebook page, what do I do?",
    "how many days annual leave do I get",
    "",
    "🙂🙂",
    "x" * 5000,
    "teh disclaimr on my instagarm bio",
]


def test_fast_scores_equal_scikit_learns_decision_function(content: Content) -> None:
    matcher = FaqMatcher.from_content(content)
    for question in QUESTIONS:
        expected = matcher.model.decision_function(matcher.vectorizer.transform([question]))[0]
        assert np.allclose(matcher.scores(question), expected, atol=1e-4), question


def test_a_described_post_goes_to_the_flowchart(content: Content) -> None:
    result = FaqMatcher.from_content(content).match(
        "a resident is slagging off our bin service on facebook, do I reply?"
    )
    assert result.kind == "answer" and result.best is not None and result.best.id == FLOWCHART


def test_an_off_topic_question_is_not_answered(content: Content) -> None:
    result = FaqMatcher.from_content(content).match("how do I book a meeting room for Tuesday")
    assert result.kind == "unknown"


def test_typos_still_find_the_entry(content: Content) -> None:
    result = FaqMatcher.from_content(content).match(
        "can i use my councel emial adress for my personal twiter"
    )
    assert result.best is not None and result.best.id == "council-email-for-personal-use"
