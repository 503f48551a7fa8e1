"""A content folder with a large FAQ, made from the real one, for start-up benchmarks.

Each real entry is kept, then copied until there are as many entries as asked. A copy keeps its
entry's number of ways of asking and their length, but about a third of its words (the same
third in every one of its texts) are replaced by made-up words of its own, so copies are
distinct entries that share phrasing, as entries of a real FAQ do, not the same entry twice.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

_WORD = re.compile(r"[A-Za-z]{4,}")
_CONSONANTS = "bdfgklmnprstvz"
_VOWELS = "aeiou"


def made_up(word: str, copy: int) -> str | None:
    """The word copy ``copy`` uses instead of ``word``, or ``None`` to keep it (two in three)."""
    digest = hashlib.sha256(f"{copy}:{word.lower()}".encode()).digest()
    if digest[0] % 3:
        return None
    return "".join(_CONSONANTS[digest[i] % 14] + _VOWELS[digest[i + 1] % 5] for i in range(1, 7, 2))


def _rewrite(text: str, copy: int) -> str:
    return _WORD.sub(lambda m: made_up(m.group(), copy) or m.group(), text)


def _copy(entry: dict[str, Any], copy: int) -> dict[str, Any]:
    return {
        **entry,
        "id": f"{entry['id']}-{copy}",
        "title": _rewrite(entry["title"], copy),
        "answer": _rewrite(entry["answer"], copy),
        "asked": [_rewrite(q, copy) for q in entry["asked"]],
        "related": [],
    }


def write_large_content(source: Path, target: Path, entries: int) -> Path:
    """``target``: ``source`` with an FAQ of ``entries`` entries (at least the real ones)."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    faq = yaml.safe_load((source / "faq.yaml").read_text(encoding="utf-8"))
    real: list[dict[str, Any]] = faq["entries"]
    out = list(real)
    copy = 1
    while len(out) < entries:
        out += [_copy(entry, copy) for entry in real[: entries - len(out)]]
        copy += 1
    text = yaml.safe_dump({"entries": out}, sort_keys=False, allow_unicode=True, width=1000)
    (target / "faq.yaml").write_text(text, encoding="utf-8")
    return target
