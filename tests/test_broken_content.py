"""A broken content file gives one line naming the file, key path and reason, and exit 2."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.content.loader import load_content
from bot.core.errors import ContentError
from tests.conftest import FIXTURE_CONTENT, CliRunner

Data = dict[str, Any]


def edit(name: str, change: Callable[[Data], None]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    return apply


def write(name: str, text: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        (folder / name).write_text(text, encoding="utf-8")

    return apply


def set_(path: list[Any], value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def drop(path: list[Any]) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def first_phrasing(folder: Path) -> str:
    data = yaml.safe_load((folder / "faq.yaml").read_text(encoding="utf-8"))
    return str(data["entries"][0]["asked"][0])


def duplicate_first_entry(data: Data) -> None:
    data["entries"].append(dict(data["entries"][0]))


CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "yaml syntax": (
        write("faq.yaml", 'entries:\n  - id: "unclosed\n    title: x\n'),
        "faq.yaml:",
        "invalid YAML",
    ),
    "missing key": (
        edit("faq.yaml", drop(["entries", 2, "answer"])),
        "entries[2].answer",
        "required key is missing",
    ),
    "unknown key": (edit("faq.yaml", set_(["entries", 0, "anser"], "x")), "entries[0].anser", "unknown key"),
    "wrong type": (edit("faq.yaml", set_(["entries", 1, "asked"], "one way")), "entries[1].asked", "list"),
    "too few ways of asking": (
        edit("faq.yaml", set_(["entries", 3, "asked"], ["a", "b"])),
        "entries[3].asked",
        "at least 5",
    ),
    "duplicate id": (edit("faq.yaml", duplicate_first_entry), "entries[", "duplicate id"),
    "quote not in section": (
        edit("faq.yaml", set_(["entries", 0, "quote"], "Words the policy never said.")),
        "entries[0].quote",
        "word for word",
    ),
    "unknown section": (
        edit("faq.yaml", set_(["entries", 0, "section"], "b-nowhere")),
        "entries[0].section",
        "unknown section",
    ),
    "unknown target": (
        edit("flowchart.yaml", set_(["questions", 0, "no"], "nowhere")),
        "questions[0].no",
        "unknown target",
    ),
    "bad escalate": (
        edit("flowchart.yaml", set_(["outcomes", 0, "escalate"], "maybe")),
        "outcomes[0].escalate",
        "urgent",
    ),
    "unreachable outcome": (
        edit("flowchart.yaml", set_(["questions", 0, "yes"], "unlawful")),
        "outcomes[0].id",
        "cannot be reached",
    ),
    "unknown placeholder": (
        edit("messages.yaml", set_(["texts", "record_sent"], "Sent {nmae}")),
        "texts.record_sent",
        "unknown placeholder",
    ),
    "answered and not covered": (
        lambda folder: edit("out_of_scope.yaml", set_(["questions", 0], first_phrasing(folder)))(folder),
        "questions[0]",
        "also a way of asking",
    ),
    "two right options": (
        edit("induction.yaml", set_(["chapters", 0, "check", "options", 0, "correct"], True)),
        "chapters[0].check.options",
        "exactly one option",
    ),
    "induction cites nothing real": (
        edit("induction.yaml", set_(["chapters", 1, "cites"], ["b-nowhere"])),
        "chapters[1].cites[0]",
        "unknown section",
    ),
    "missing contact": (
        edit("contacts.yaml", drop(["contacts", "safeguarding"])),
        "contacts.yaml:",
        "contact 'safeguarding' is missing",
    ),
    "contact with no way to reach it": (
        edit("contacts.yaml", set_(["contacts", "hr"], {"name": "HR", "hours": "weekdays"})),
        "contacts.hr",
        "at least one way to reach them",
    ),
    "outcome names an unknown contact": (
        edit("flowchart.yaml", set_(["outcomes", 1, "contacts"], ["comms", "nobody"])),
        "outcomes[1].contacts[1]",
        "unknown contact 'nobody'",
    ),
    "outcome with five steps": (
        edit("flowchart.yaml", set_(["outcomes", 0, "steps"], ["a", "b", "c", "d", "e"])),
        "outcomes[0].steps",
        "at most 4",
    ),
    "outcome without a response time": (
        edit("flowchart.yaml", drop(["outcomes", 2, "when"])),
        "outcomes[2].when",
        "required key is missing",
    ),
    "question without a short name": (
        edit("flowchart.yaml", drop(["path_names", "troll"])),
        "path_names",
        "no short name for question 'troll'",
    ),
    "draft says a word it must never say": (
        edit("drafts.yaml", set_(["replies", "join_in"], "Thanks! Remember to vote on Thursday.")),
        "replies.join_in",
        "never_say",
    ),
    "draft facts placeholder missing from its reply": (
        edit("drafts.yaml", set_(["facts", "join_in"], "[not in the reply]")),
        "facts.join_in",
        "is not in replies.join_in",
    ),
    "draft for an outcome that does not exist": (
        edit("drafts.yaml", set_(["replies", "nowhere"], "Hello.")),
        "replies.nowhere",
        "unknown outcome",
    ),
    "triage examples for an unknown question": (
        edit("triage.yaml", lambda data: data["questions"].update(nowhere=data["questions"]["safety"])),
        "triage.yaml:",
        "unknown question 'nowhere'",
    ),
    "too few triage examples": (
        edit("triage.yaml", set_(["questions", "political", "no"], ["one", "two"])),
        "questions.political.no",
        "at least 5",
    ),
    "missing file": (lambda folder: (folder / "matching.yaml").unlink(), "matching.yaml", "file not found"),
    "not a mapping": (write("about.yaml", "- just\n- a list\n"), "about.yaml", "mapping"),
}


def broken(tmp_path: Path, case: str) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    CASES[case][0](folder)
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_content_gives_one_line_with_file_key_path_and_reason(tmp_path: Path, case: str) -> None:
    """Loaded in this process: ``app.py check`` prints exactly this line (the test below)."""
    _, where, reason = CASES[case]
    with pytest.raises(ContentError) as refused:
        load_content(broken(tmp_path, case))
    line = str(refused.value)
    assert len(line.splitlines()) == 1, line
    assert where in line and reason in line, line


@pytest.mark.parametrize("case", ["yaml syntax", "unknown target"])
def test_check_prints_that_one_line_and_exits_2(cli: CliRunner, tmp_path: Path, case: str) -> None:
    run = cli("check", env={"CONTENT_DIR": str(broken(tmp_path, case))})
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr
    _, where, reason = CASES[case]
    assert where in lines[0] and reason in lines[0], lines[0]


@pytest.mark.parametrize("opener", ["Yes. ", "no, ", "\u201cNo.\u201d "])
def test_an_answer_opening_with_a_bare_yes_or_no_is_refused_with_its_file_and_key_path(
    tmp_path: Path, opener: str
) -> None:
    """A bare "Yes." fits "must I be polite?" but contradicts "can I be sarcastic?". Loaded in
    this process: ``app.py check`` prints exactly this line (see above)."""
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    answer = opener + "On an Official Site you must be polite and treat other users with respect."
    edit("faq.yaml", set_(["entries", 5, "answer"], answer))(folder)
    with pytest.raises(ContentError) as refused:
        load_content(folder)
    line = str(refused.value)
    assert len(line.splitlines()) == 1 and line.startswith("faq.yaml:"), line
    assert "entries[5].answer" in line and "state the rule" in line, line


def test_a_yaml_syntax_error_names_its_line(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    (folder / "about.yaml").write_text('council: "x"\nbot_name: [unclosed\n', encoding="utf-8")
    run = cli("check", env={"CONTENT_DIR": str(folder)})
    assert run.returncode == 2
    assert "about.yaml:3:" in run.stderr or "about.yaml:2:" in run.stderr


def test_a_broken_setting_names_the_variable(cli: CliRunner) -> None:
    run = cli("check", env={"IDLE_MINUTES": "soon"})
    assert run.returncode == 2
    assert "IDLE_MINUTES" in run.stderr and "Traceback" not in run.stderr
