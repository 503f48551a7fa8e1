"""The split between the two content folders: behaviour tests run on the fixture content in
``tests/fixtures/content/``, and only the integrity tests read the council's ``content/``, so a
council can reword ``content/`` and keep ``make test`` green (tests/README.md)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from bot.core.content import Content
from bot.core.content.loader import load_content
from tests.conftest import CONTENT, ROOT, CliRunner

# Modules that may read content/: they check the council's own words, not the bot's behaviour.
INTEGRITY = {
    "conftest.py",
    "test_content.py",
    "test_matching.py",
    "test_cli.py",
    "test_fixture_content.py",
    "test_outcome_content.py",
}
READS_CONTENT = re.compile(
    r"\breal_(content|matcher)\b|(?<!FIXTURE_)\bCONTENT\b|(ROOT\s*/\s*|Path\()[\"']content[\"'/]"
)

# The flowchart of the specification (README, "The flowchart"): question -> (yes, no).
SPEC = {
    "safety": ("urgent_escalation", "unlawful"),
    "unlawful": ("evidence_and_remove", "political"),
    "political": ("stay_neutral", "question"),
    "question": ("answer_or_signpost", "positive"),
    "positive": ("positive_add_value", "troll"),
    "positive_add_value": ("join_in", "let_stand"),
    "troll": ("monitor_only", "rager"),
    "rager": ("monitor_only", "misguided"),
    "misguided": ("fix_the_facts", "unhappy"),
    "unhappy": ("restore", "final_evaluation"),
    "final_evaluation": ("respond_with_care", "let_stand"),
}


def test_no_behaviour_test_reads_the_councils_content() -> None:
    readers = sorted(
        path.name
        for path in (ROOT / "tests").rglob("*.py")
        if READS_CONTENT.search(path.read_text(encoding="utf-8"))
    )
    assert set(readers) <= INTEGRITY, f"only integrity tests may read content/: {readers}"


def test_the_fixture_content_passes_the_check(cli: CliRunner) -> None:
    run = cli("check")  # CONTENT_DIR is the fixture folder in every test
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("content OK") and "version fixture-1" in run.stdout


def test_the_fixture_and_the_councils_flowchart_follow_the_spec(
    content: Content, real_content: Content
) -> None:
    for chart in (content.flowchart, real_content.flowchart):
        assert chart.start == "safety"
        assert {q.id: (q.yes, q.no) for q in chart.questions} == SPEC
        assert {o.id for o in chart.outcomes} == {target for pair in SPEC.values() for target in pair} - set(
            SPEC
        )


def test_the_fixture_words_are_its_own(content: Content, real_content: Content) -> None:
    """A behaviour test that asserts on a sentence of content/ fails on the fixture."""
    ours, theirs = content.messages.texts.model_dump(), real_content.messages.texts.model_dump()
    assert [name for name, text in ours.items() if text == theirs[name] and "{" not in text] == []
    assert not {q.text for q in content.flowchart.questions} & {
        q.text for q in real_content.flowchart.questions
    }
    assert not {e.title for e in content.faq.entries} & {e.title for e in real_content.faq.entries}


def test_a_reworded_copy_of_the_councils_content_is_still_valid(tmp_path: Path) -> None:
    """What a council does when it adopts the bot; the behaviour tests never see it."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    for name, reword in (("messages.yaml", _reword_texts), ("faq.yaml", _reword_answers)):
        path = folder / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        reword(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    reworded = load_content(folder)
    assert reworded.messages.texts.help.startswith("Reworded:")


def _reword_texts(data: dict[str, dict[str, str]]) -> None:
    data["texts"] = {name: f"Reworded: {text}" for name, text in data["texts"].items()}


def _reword_answers(data: dict[str, list[dict[str, str]]]) -> None:
    for entry in data["entries"]:
        entry["answer"] = f"Reworded: {entry['answer']}"
