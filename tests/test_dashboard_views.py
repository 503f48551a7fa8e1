"""What the dashboard's pages are made of, from the store's values: the queue's order, weekly
counts, unanswered questions grouped by wording and their YAML, and the induction lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from bot.core.errors import ContentError
from bot.core.messages import InductionRecord
from bot.core.storage import AnsweredCount, UnansweredQuestion
from bot.dashboard import views
from bot.dashboard.charts import ranked_bars, stacked_bars
from bot.dashboard.templates import Pages
from tests.conftest import FIXTURE_CONTENT


def item(id: str, created_at: str, state: str = "new", urgency: str = "normal") -> views.QueueItem:
    return views.QueueItem(id, created_at, state, urgency, "t", "o", "slack", (), None)


def test_the_queue_is_by_state_with_urgent_records_first_then_the_newest() -> None:
    sections = dict(
        views.queue_sections(
            [
                item("old", "2026-11-01T09:00:00Z"),
                item("new", "2026-11-03T09:00:00Z"),
                item("urgent-old", "2026-10-01T09:00:00Z", urgency="urgent"),
                item("taken", "2026-11-02T09:00:00Z", state="acknowledged"),
            ]
        )
    )
    assert [i.id for i in sections["new"]] == ["urgent-old", "new", "old"]
    assert [i.id for i in sections["acknowledged"]] == ["taken"]
    assert sections["closed"] == []


def test_weekly_counts_keep_every_week_even_empty_ones() -> None:
    weeks = views.recent_weeks(date(2026, 11, 26), count=3)
    assert weeks == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    counts = views.weekly(
        [
            ("2026-11-24T10:00:00Z", "a"),
            ("2026-11-23T00:00:00Z", "a"),
            ("2026-11-10T10:00:00Z", "b"),
            ("2026-01-01T10:00:00Z", "a"),
        ],
        weeks,
    )
    assert counts.series == ["a", "b"]
    assert counts.row("a") == [0, 0, 2] and counts.row("b") == [1, 0, 0]
    assert "<svg" in stacked_bars(counts) and 'aria-hidden="true"' in stacked_bars(counts)


def test_the_top_questions_are_five_a_week_newest_week_first_with_an_unknown_entry_by_id() -> None:
    weeks = [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    this_week = [AnsweredCount(date(2026, 11, 23), f"e{n}", n) for n in range(1, 8)]
    top = views.top_per_week(
        [*this_week, AnsweredCount(date(2026, 11, 9), "gone", 2), AnsweredCount(date(2026, 1, 5), "e1", 9)],
        {f"e{n}": f"Entry {n}" for n in range(1, 8)},
        weeks,
    )
    assert [w.week for w in top] == list(reversed(weeks))
    assert [(r.title, r.count) for r in top[0].entries] == [(f"Entry {n}", n) for n in (7, 6, 5, 4, 3)]
    assert top[1].entries == [] and top[2].entries == [views.Ranked("gone", 2)]
    chart = ranked_bars([views.WeekTop(date(2026, 11, 23), [views.Ranked("<b>Logo</b>", 3)])])
    assert 'aria-hidden="true"' in chart and "&lt;b&gt;Logo&lt;/b&gt;" in chart and "<b>" not in chart


def test_unanswered_questions_worded_alike_are_grouped_most_asked_first() -> None:
    asked = [
        UnansweredQuestion("2026-11-20T10:00:00Z", "who pays for my work phone"),
        UnansweredQuestion("2026-11-21T10:00:00Z", "Can I post memes on the council page?"),
        UnansweredQuestion("2026-11-22T10:00:00Z", "posting memes on the council page"),
        UnansweredQuestion("2026-11-23T10:00:00Z", "can i post memes on the council page?"),
    ]
    groups = views.group_unanswered(asked)
    assert [g.count for g in groups] == [3, 1]
    assert groups[0].phrasings[0] == "can i post memes on the council page?"  # newest first
    assert groups[1].phrasings == ["who pays for my work phone"]
    assert views.group_unanswered(list(reversed(asked)))[0].key == groups[0].key, "the key is stable"


def test_a_group_exports_as_an_asked_list_ready_for_the_faq() -> None:
    group = views.group_unanswered(
        [UnansweredQuestion("2026-11-21T10:00:00Z", 'can I say "no comment": yes?')]
    )[0]
    snippet = views.faq_snippet(group)
    assert snippet.startswith("    asked:\n")
    assert yaml.safe_load(snippet) == {"asked": ['can I say "no comment": yes?']}


def test_the_induction_lists_completions_and_who_has_not_finished() -> None:
    def attempt(user: str, started: str, finished: str | None, score: int | None) -> InductionRecord:
        return InductionRecord(
            user, user.title(), "slack", started, finished, score, 3, finished is not None, "v"
        )

    done, started = views.induction_rows(
        [
            attempt("ann", "2026-11-01T09:00:00Z", "2026-11-01T09:10:00Z", 2),
            attempt("ann", "2026-11-05T09:00:00Z", "2026-11-05T09:10:00Z", 3),
            attempt("bob", "2026-11-02T09:00:00Z", None, None),
        ]
    )
    assert [(r.officer, r.score, r.attempts) for r in done] == [("Ann", 3, 2)]
    assert [r.officer for r in started] == ["Bob"]


def test_a_broken_dashboard_template_is_one_line_naming_the_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "dashboard"
    folder.mkdir()
    for page in (FIXTURE_CONTENT / "dashboard").iterdir():
        (folder / page.name).write_text(page.read_text())
    (folder / "asks.html").write_text("<p>fine</p>\n{% if %}\n")
    try:
        Pages(tmp_path)
    except ContentError as exc:
        assert str(exc).startswith("dashboard/asks.html:2:")
    else:
        raise AssertionError("a broken template was accepted")
    (folder / "asks.html").unlink()
    try:
        Pages(tmp_path)
    except ContentError as exc:
        assert "dashboard/asks.html" in str(exc) and "missing" in str(exc)
    else:
        raise AssertionError("a missing template was accepted")
