"""The content folder with its FAQ copied until it has N entries, for start-up and match
benchmarks at the size a larger council's FAQ might reach."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml


def copied_entry(entry: dict[str, Any], copy: int, ids: set[str]) -> dict[str, Any]:
    """A copy with an id and a word of its own, so that copies are distinct entries as in a
    real FAQ (identical entries would only make training churn); related to the same copy of
    its related entries, where that copy exists among ``ids``."""
    word = f" topic{copy}"
    related = [f"{r}-{copy}" for r in entry.get("related", []) if f"{r}-{copy}" in ids]
    return {
        **entry,
        "id": f"{entry['id']}-{copy}",
        "title": entry["title"] + word,
        "answer": entry["answer"] + word,
        "asked": [text + word for text in entry["asked"]],
        "related": related,
    }


def write_big_content(source: Path, target: Path, entries: int) -> Path:
    """``source`` copied to ``target`` with ``entries`` FAQ entries; returns ``target``."""
    shutil.copytree(source, target)
    faq = yaml.safe_load((source / "faq.yaml").read_text(encoding="utf-8"))
    base = faq["entries"]
    picks = [(base[n % len(base)], n // len(base)) for n in range(entries)]
    ids = {f"{entry['id']}-{copy}" for entry, copy in picks}
    faq["entries"] = [copied_entry(entry, copy, ids) for entry, copy in picks]
    (target / "faq.yaml").write_text(
        yaml.safe_dump(faq, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return target
