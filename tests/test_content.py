"""Content integrity: every id unique, every reference resolves, every section is cited."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.content import Content
from bot.core.faq import FaqMatcher

APPENDIX_B = (
    Path(__file__).resolve().parents[2] / "shared" / "policy" / "appendix-b-guidance-for-officers.txt"
)


def test_ids_are_unique(real_content: Content) -> None:
    for ids in (
        [s.id for s in real_content.policy.sections],
        [e.id for e in real_content.faq.entries],
        [q.id for q in real_content.flowchart.questions] + [o.id for o in real_content.flowchart.outcomes],
    ):
        assert len(ids) == len(set(ids))


def test_every_policy_section_is_cited_by_a_faq_entry(real_content: Content) -> None:
    cited = {e.section for e in real_content.faq.entries}
    assert [s.id for s in real_content.policy.sections if s.id not in cited] == []


def test_every_quote_is_word_for_word_from_its_section(real_content: Content) -> None:
    sections = {s.id: s.text for s in real_content.policy.sections}
    assert [e.id for e in real_content.faq.entries if e.quote not in sections[e.section]] == []


def test_every_flowchart_target_exists_and_every_node_and_outcome_is_reachable(real_content: Content) -> None:
    chart = real_content.flowchart
    questions = {q.id: q for q in chart.questions}
    outcomes = {o.id for o in chart.outcomes}
    seen, todo = set(), [chart.start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            if node in questions:
                todo += [questions[node].yes, questions[node].no]
    assert seen == set(questions) | outcomes


def test_every_citation_in_the_flowchart_exists(real_content: Content) -> None:
    sections = {s.id for s in real_content.policy.sections}
    chart = real_content.flowchart
    cites = [c for q in chart.questions for c in q.cites] + [c for o in chart.outcomes for c in o.cites]
    cites += [c for item in chart.considerations.items for c in item.cites]
    assert set(cites) <= sections


def test_faq_meets_the_coverage_bar(real_content: Content) -> None:
    assert len(real_content.faq.entries) >= 45
    assert all(len(e.asked) >= 5 for e in real_content.faq.entries)
    assert all(1 <= len(e.answer.split(". ")) <= 3 for e in real_content.faq.entries)


@pytest.mark.skipif(not APPENDIX_B.exists(), reason="the Council's Appendix B text is not beside the project")
def test_appendix_b_sections_quote_the_councils_text_exactly(real_content: Content) -> None:
    source = APPENDIX_B.read_text(encoding="utf-8")
    quoted = [s for s in real_content.policy.sections if s.source == "appendix-b"]
    assert quoted
    assert [s.id for s in quoted if s.text not in source] == []


def test_no_evaluation_question_is_copied_into_content(real_content: Content) -> None:
    """The evaluation set measures unseen phrasings; a copy in content would flatter it."""
    import re

    import yaml

    def norm(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9]+", text.lower()))

    known = {norm(q) for e in real_content.faq.entries for q in (e.title, *e.asked)}
    known |= {norm(q) for q in (*real_content.flowchart.triggers, *real_content.out_of_scope.questions)}
    data = yaml.safe_load((Path(__file__).parent / "eval" / "questions.yaml").read_text(encoding="utf-8"))
    asked = [item["q"] for item in data["in_scope"]] + list(data["out_of_scope"])
    assert [q for q in asked if norm(q) in known] == []


def test_every_induction_check_has_exactly_one_right_option_and_real_citations(real_content: Content) -> None:
    sections = {s.id for s in real_content.policy.sections}
    chapters = real_content.induction.chapters
    assert 6 <= len(chapters) <= 10
    for chapter in chapters:
        assert sum(o.correct for o in chapter.check.options) == 1, chapter.id
        assert 3 <= len(chapter.check.options) <= 4, chapter.id
        assert set(chapter.cites) <= sections, chapter.id


def test_every_faq_entry_is_found_by_its_own_title(real_content: Content, real_matcher: FaqMatcher) -> None:
    found = {e.id: real_matcher.match(e.title).best for e in real_content.faq.entries}
    misses = [entry_id for entry_id, best in found.items() if best is None or best.id != entry_id]
    assert len(misses) <= len(real_content.faq.entries) // 20, misses
