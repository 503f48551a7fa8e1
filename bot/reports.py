"""Reports for managers and the Communications Team, as a table or CSV."""

from __future__ import annotations

import csv
import io

from bot.core.messages import InductionRecord
from bot.records import csv_cell

COLUMNS = ["user", "name", "channel", "status", "started", "finished", "score", "acknowledged", "version"]


def _row(record: InductionRecord) -> list[str]:
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
        record.content_version,
    ]


def induction_report(records: list[InductionRecord], fmt: str) -> str:
    """Completed first, then started but not finished; each group oldest first."""
    ordered = sorted(records, key=lambda r: (r.finished_at is None, r.started_at))
    rows = [_row(r) for r in ordered]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([csv_cell(v) for v in row] for row in rows)
        return out.getvalue()
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"
