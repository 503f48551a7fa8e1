"""Every outcome of the flowchart, reached by its spec path through ``app.py chat --jsonl``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.conftest import ChatProcess, CliRunner, jsonl

Send = Callable[[dict[str, Any]], dict[str, Any]]

FIRST_FOUR_NO = ["no", "no", "no", "no"]  # safety, unlawful, political, question
SPEC_PATHS = {
    "urgent_escalation": ["yes"],
    "evidence_and_remove": ["no", "yes"],
    "stay_neutral": ["no", "no", "yes"],
    "answer_or_signpost": ["no", "no", "no", "yes"],
    "join_in": [*FIRST_FOUR_NO, "yes", "yes"],
    "let_stand": [*FIRST_FOUR_NO, "yes", "no"],
    "monitor_only": [*FIRST_FOUR_NO, "no", "yes"],
    "fix_the_facts": [*FIRST_FOUR_NO, "no", "no", "no", "yes"],
    "restore": [*FIRST_FOUR_NO, "no", "no", "no", "no", "yes"],
    "respond_with_care": [*FIRST_FOUR_NO, "no", "no", "no", "no", "no", "yes"],
}


def press(send: Send, replies: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """Press the button with this label on the last replies, as an officer would."""
    value = next(c["value"] for r in replies for c in r["choices"] if c["label"] == label)
    return send({"choice": value})


def test_every_spec_path_reaches_its_outcome_by_button_presses(chat: ChatProcess) -> None:
    """One ``chat --jsonl`` process walks every path of the specification, one walk after another."""
    with chat("u-every-outcome") as send:
        for outcome, answers in SPEC_PATHS.items():
            line = send({"text": "check"})
            assert line["state"] == {
                "flow": "flowchart",
                "node": "safety",
                "outcome": None,
                "suggestion": None,
            }, outcome
            for answer in answers:
                line = press(send, line["replies"], answer.capitalize())
            assert line["state"] == {
                "flow": "flowchart",
                "node": None,
                "outcome": outcome,
                "suggestion": None,
            }


def test_a_walk_started_in_one_run_is_finished_by_presses_in_the_next(
    cli: CliRunner, chat: ChatProcess
) -> None:
    first = cli("chat", "--jsonl", "--user", "u-two-runs", stdin=jsonl(["check"]))
    state_lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert state_lines[-1]["state"] == {
        "flow": "flowchart",
        "node": "safety",
        "outcome": None,
        "suggestion": None,
    }
    line = state_lines[-1]
    with chat("u-two-runs") as send:  # the buttons of the first run's reply still work
        for answer in SPEC_PATHS["respond_with_care"]:
            line = press(send, line["replies"], answer.capitalize())
    assert line["state"] == {
        "flow": "flowchart",
        "node": None,
        "outcome": "respond_with_care",
        "suggestion": None,
    }


def test_typed_answers_walk_to_an_outcome_in_one_run(cli: CliRunner) -> None:
    lines = ["check", "no", "N", "nope", "Nah", "not really", "No.", "no", "YES!"]
    run = cli("chat", "--jsonl", "--user", "typist", stdin=jsonl(lines))
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[-1]["state"]["outcome"] == "fix_the_facts"
    assert "Route: Danger=No · Rule-breaking=No" in out[-1]["replies"][-1]["text"]


def test_jsonl_gives_exactly_one_line_per_input_line_even_for_junk(cli: CliRunner) -> None:
    lines = ["", "{not json", json.dumps({"choice": "zz@@"}), json.dumps({"other": 1}), "hello"]
    run = cli("chat", "--jsonl", "--user", "junk", stdin="\n".join(lines) + "\n")
    assert run.returncode == 0
    assert len(run.stdout.splitlines()) == len(lines)
    for line in run.stdout.splitlines():
        assert json.loads(line)["replies"]
