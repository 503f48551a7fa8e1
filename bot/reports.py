"""Reports for managers and the Communications Team, as a table or CSV."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.messages import InductionRecord
from bot.spreadsheet import csv_text

COLUMNS = [
    "user",
    "name",
    "channel",
    "status",
    "started",
    "finished",
    "score",
    "acknowledged",
    "attempts",
    "version",
]
# Names come from Slack and Teams profiles: an escape sequence in one must not reach (and
# reprogram) the manager's terminal, nor a tab or newline break the table.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """The text without control characters (escape codes, bidi overrides, line breaks)."""
    return _CONTROL.sub("", text)


def _shown(attempts: list[InductionRecord]) -> InductionRecord:
    """The attempt a manager sees: the best completed one (latest among equals), else the latest."""
    done = [a for a in attempts if a.finished_at]
    if done:
        return max(done, key=lambda a: (a.score or 0, a.finished_at or ""))
    return max(attempts, key=lambda a: a.started_at)


def _row(record: InductionRecord, attempts: int) -> list[str]:
    score = f"{record.score}/{record.out_of}" if record.score is not None else ""
    return [
        record.user,
        record.user_name or "",
        record.channel,
        "completed" if record.finished_at else "not finished",
        record.started_at,
        record.finished_at or "",
        score,
        "yes" if record.acknowledged else "no",
        str(attempts),
        record.content_version,
    ]


def _by_officer(records: Iterable[InductionRecord]) -> list[list[InductionRecord]]:
    officers: dict[tuple[str, str], list[InductionRecord]] = {}
    for record in records:
        officers.setdefault((record.channel, record.user), []).append(record)
    return list(officers.values())


def by_officer(records: Iterable[InductionRecord]) -> list[tuple[InductionRecord, int]]:
    """Each officer's best completion (or latest attempt), with how many attempts they made."""
    return [(_shown(a), len(a)) for a in _by_officer(records)]


def induction_report(records: list[InductionRecord], fmt: str) -> str:
    """One row per officer: their best completion (or latest attempt) and how many attempts.
    Completed first, then started but not finished; each group oldest first."""
    shown = by_officer(records)
    ordered = sorted(shown, key=lambda s: (s[0].finished_at is None, s[0].started_at))
    rows = [[plain(v) for v in _row(r, n)] for r, n in ordered]
    if fmt == "csv":
        return csv_text(COLUMNS, rows)
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"
