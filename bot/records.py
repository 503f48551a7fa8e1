"""``app.py records``: audit exports of decision and induction records, and the retention purge."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.lifecycle import Lifecycle
from bot.core.messages import InductionRecord
from bot.core.storage import Purged, StoredRecord
from bot.spreadsheet import csv_text

DECISION_COLUMNS = [
    "id",
    "created_at",
    "user",
    "user_name",
    "channel",
    "conversation",
    "outcome",
    "outcome_title",
    "urgency",
    "path",
    "sent_from_alert",
    "content_version",
    "comment_attached_by_officer",
    "attached_comment",
    "link",
    # where the record stands at the Communications Team's desk
    "state",
    "acknowledged_by",
    "acknowledged_by_name",
    "acknowledged_at",
    "closed_by",
    "closed_by_name",
    "closed_at",
    "resolution",
    "resolution_note",
]
LIFECYCLE_FIELDS = [name for name in Lifecycle.__dataclass_fields__ if name not in ("state", "note")]
INDUCTION_COLUMNS = [
    "user",
    "user_name",
    "channel",
    "started_at",
    "finished_at",
    "score",
    "out_of",
    "acknowledged",
    "content_version",
]


def decision_row(kept: StoredRecord) -> dict[str, Any]:
    """One decision record as an audit row; a comment appears only if the officer attached it,
    and the row says so in its own column."""
    r = kept.record
    return {
        "id": r.id,
        "created_at": r.created_at,
        "user": r.user,
        "user_name": r.user_name,
        "channel": r.channel,
        "conversation": r.conversation,
        "outcome": r.outcome,
        "outcome_title": r.outcome_title,
        "urgency": r.urgency,
        "path": [list(step) for step in r.path],
        # the path's first "yes" was the alert's button, not an answer the officer gave
        "sent_from_alert": r.from_alert,
        "content_version": kept.content_version,
        "comment_attached_by_officer": kept.comment_attached,
        "attached_comment": r.comment,
        "link": r.link,
        **lifecycle_row(kept.lifecycle),
    }


def lifecycle_row(life: Lifecycle) -> dict[str, Any]:
    """The desk's columns: the state, who acknowledged and closed it and when, the
    resolution's id (as in content/desk.yaml) and the team's note."""
    row = {name: getattr(life, name) for name in LIFECYCLE_FIELDS}
    return row | {"state": str(life.state), "resolution_note": life.note}


def induction_row(record: InductionRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in INDUCTION_COLUMNS}


def write_rows(rows: Iterable[dict[str, Any]], columns: list[str], fmt: str) -> str:
    """CSV with a header row, or one JSON object per line."""
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return csv_text(columns, ([row[c] for c in columns] for row in rows))


def retention_cutoff(days: int, now: datetime | None = None) -> datetime:
    """Everything older than this is past the retention period."""
    return (now or datetime.now(UTC)) - timedelta(days=days)


def purge_summary(purged: Purged, days: int, cutoff: datetime) -> str:
    return (
        f"deleted what was older than {days} days (before {cutoff:%Y-%m-%d %H:%M} UTC): "
        f"{purged.records} decision records, {purged.inductions} induction records, "
        f"{purged.unanswered} unanswered questions, {purged.answered} answered questions, "
        f"{purged.conversations} idle conversations"
    )
