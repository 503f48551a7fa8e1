"""The command line: ask, check, diagram, eval and bench as a user runs them, and how the
terminal chat numbers buttons. ``check``,
``diagram`` and ``eval`` are about the council's own content, so they read ``content/``."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from bot.channels.console import pick, show
from bot.core.messages import Choice, Outgoing, Reply
from tests.conftest import CONTENT, ROOT, CliRunner

REAL = {"CONTENT_DIR": str(CONTENT)}


def test_ask_json_answers_a_policy_question_with_its_source(cli: CliRunner) -> None:
    run = cli("ask", "can I use my council email address to sign up to twitter?", "--json")
    data = json.loads(run.stdout)
    assert data["answered"] is True
    assert data["source"] and "Part B" in data["source"]
    assert set(data) == {"answered", "id", "score", "answer", "source", "suggestions", "also", "declined"}


def test_ask_json_says_unanswered_for_a_question_the_policy_does_not_cover(cli: CliRunner) -> None:
    data = json.loads(cli("ask", "how many days of annual leave do I get?", "--json").stdout)
    assert data["answered"] is False
    assert data["id"] is None


def test_check_reports_the_content_it_validated(cli: CliRunner) -> None:
    run = cli("check", env=REAL)
    assert run.returncode == 0
    assert run.stdout.startswith("content OK")
    warnings = run.stderr.strip().splitlines()
    assert all(w.startswith("warning: contacts.yaml: contacts.") for w in warnings), run.stderr


def test_readme_embeds_the_current_generated_diagram(cli: CliRunner) -> None:
    diagram = cli("diagram", env=REAL).stdout.strip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    embedded = re.search(r"```mermaid\n(.*?)```", readme, re.S)
    assert embedded, "README.md has no mermaid block"
    assert embedded.group(1).strip() == diagram, "README diagram is stale: paste `python app.py diagram`"


def test_eval_prints_accuracy_rejection_and_latency(cli: CliRunner) -> None:
    out = cli("eval", env=REAL).stdout
    assert "top-1 accuracy" in out and "rejected" in out and "p99" in out


def test_bench_prints_turn_and_match_latency_start_up_and_memory_with_their_bars(
    cli: CliRunner, tmp_path: Path
) -> None:
    args = ("--turns", "20", "--entries", "40", "--stored", "100", "--runs", "1", "--serve-turns", "200")
    out = cli("bench", *args, env={"CACHE_DIR": str(tmp_path / "cache")}).stdout
    assert "SQLite: 100 conversations stored" in out
    assert "SQLite: turn, FAQ question" in out and "SQLite: turn, flowchart step" in out
    assert "50 concurrent conversations" in out and "turns/s" in out
    assert "match at 40 entries" in out
    assert re.search(r"ask cold start +[0-9.]+x baseline \(bar 4x\)", out)
    assert re.search(r"ask peak resident memory +[0-9]+ MiB \(bar 150 MiB\)", out)
    assert re.search(r"serve resident memory after 200 turns +[0-9]+ MiB \(bar 180 MiB\)", out)
    assert "200 turns answered" in out
    assert re.search(r"start with 40 FAQ entries, first \(training\) +[0-9.]+ s \(bar 10 s\)", out)
    assert re.search(r"start with 40 FAQ entries, later \(kept weights\) +[0-9.]+ s \(bar 1 s", out)


def test_the_terminal_numbers_the_waiting_steps_buttons_from_one_and_the_others_on_after() -> None:
    alert = Reply("Someone may be at risk.", choices=(Choice("Send an urgent record", "urgent"),))
    answer = Reply("The answer.", choices=(Choice("Related one", "r1"),))
    step = Reply("Which is true?\n1. This\n2. That", choices=(Choice("This", "a"), Choice("That", "b")))
    printed = io.StringIO()
    choices = show(Outgoing(replies=(alert, answer, step)), printed)
    assert "1. This" in printed.getvalue() and "[1] This" not in printed.getvalue()  # listed once, as 1.
    assert "[3] Send an urgent record" in printed.getvalue() and "[4] Related one" in printed.getvalue()
    assert [pick(n, choices) for n in ("1", "2", "3", "4")] == ["a", "b", "urgent", "r1"]


def test_the_terminal_takes_the_words_of_one_label_as_its_button() -> None:
    choices = (Choice("On a Council site", "council"), Choice("On a site the Council doesn't run", "other"))
    assert pick("council site", choices) == "council"
    assert pick("a site", choices) == "other"
    assert pick("on a", choices) is None  # words of both labels
    assert pick("site", choices) is None  # one word is read as a message
