"""Parsed content is kept by each file's digest: a later start loads the same content without
parsing YAML, an edited file is parsed afresh, and a damaged kept file is parsed again."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.core.content import load_content
from bot.core.content.loader import FILES
from tests.conftest import FIXTURE_CONTENT


def test_kept_content_loads_the_same_and_an_edit_is_seen(tmp_path: Path) -> None:
    folder, cache = tmp_path / "content", tmp_path / "cache"
    shutil.copytree(FIXTURE_CONTENT, folder)
    first = load_content(folder, cache=cache)
    kept = sorted(cache.glob("content-*.json"))
    assert len(kept) == len(FILES) + 1  # one per content file, and the optional triage.yaml
    assert load_content(folder, cache=cache) == first
    about = folder / "about.yaml"
    about.write_text(about.read_text(encoding="utf-8").replace("fixture-1", "fixture-2"), encoding="utf-8")
    assert load_content(folder, cache=cache).about.version == "fixture-2"


def test_a_damaged_kept_file_is_parsed_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_content(FIXTURE_CONTENT, cache=cache)
    for kept in cache.glob("content-*.json"):
        kept.write_text('{"half": ', encoding="utf-8")
    assert load_content(FIXTURE_CONTENT, cache=cache) == first
