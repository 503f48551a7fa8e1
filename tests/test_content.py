"""Content integrity: every id unique, every reference resolves, every section is cited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.content import Content
from bot.core.faq import FaqMatcher
from bot.core.safety import SafetyNet
from bot.core.triage import Triage
from tests.conftest import ROOT

EVAL_SETS = ("questions.yaml", "hurried.yaml", "triage_posts.yaml", "triage_posts2.yaml")

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


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_no_evaluation_question_is_copied_into_content(real_content: Content) -> None:
    """The evaluation sets measure phrasings the matcher has not seen: none may be an example."""
    folder = ROOT / "tests" / "eval"
    sets = [yaml.safe_load((folder / name).read_text(encoding="utf-8")) for name in EVAL_SETS]
    items = [item for data in sets for part in data.values() for item in part]
    asked = [i if isinstance(i, str) else str(i.get("q") or i.get("post")) for i in items]
    assert len(asked) > 500
    examples = {_words(a) for e in real_content.faq.entries for a in (e.title, *e.asked)}
    examples |= {_words(t) for t in real_content.flowchart.triggers}
    examples |= {_words(q) for q in real_content.out_of_scope.questions}
    examples |= {_words(p) for c in real_content.safety.categories for p in c.phrases}
    if real_content.triage is not None:
        examples |= {_words(t) for a in real_content.triage.questions.values() for t in (*a.yes, *a.no)}
    assert [q for q in asked if _words(q) in examples] == []


def test_the_safety_net_catches_the_language_the_issue_names(real_content: Content) -> None:
    net = SafetyNet(real_content.safety)
    for text in (
        "can't cope any more",
        "you won't have to chase me much longer",
        "I know where you live",
        "I'll pay a visit",
    ):
        assert net.check(text) is not None, text


def test_a_post_with_safety_language_is_a_yes_at_safety_and_never_a_no_at_safety_or_unlawful(
    real_content: Content,
) -> None:
    """Every example post and every risk example the safety net alarms on, read as a pasted
    post with the council's own suggestions: the safety question says yes, and neither it nor
    the unlawful question ever says no."""
    assert real_content.triage is not None
    net = SafetyNet(real_content.safety)  # its phrases; the classifier's alarms take the same path
    triage = Triage.from_content(real_content, net=net)
    assert triage is not None
    posts = [t for answers in real_content.triage.questions.values() for t in (*answers.yes, *answers.no)]
    classifier = real_content.safety.classifier
    risky = {k: v for k, v in classifier.examples.items() if k != "ordinary"} if classifier else {}
    posts += [t for texts in risky.values() for t in texts]
    alarmed = [p for p in posts if net.check(p) is not None]
    assert len(alarmed) >= 30
    for post in alarmed:
        read = triage.read(post)
        assert read["safety"].answer == "yes", post
        assert read.get("unlawful") is None or read["unlawful"].answer == "yes", post
