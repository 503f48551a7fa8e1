"""Parsed content is kept by each file's digest: a later start loads the same content without
parsing YAML or repeating cross-checks it passed, an edited file is parsed and checked afresh,
and a damaged kept file is parsed again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.core.content.loader import FILES, load_content
from bot.core.errors import ContentError
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


def test_content_that_passed_the_cross_checks_is_not_checked_again_but_an_edit_is(tmp_path: Path) -> None:
    folder, cache = tmp_path / "content", tmp_path / "cache"
    shutil.copytree(FIXTURE_CONTENT, folder)
    load_content(folder, cache=cache)
    assert len(list(cache.glob("checked-*"))) == 1
    load_content(folder, cache=cache)
    assert len(list(cache.glob("checked-*"))) == 1
    faq = folder / "faq.yaml"
    text = faq.read_text(encoding="utf-8")
    section = re.search(r"section: (\S+)", text)
    assert section is not None
    faq.write_text(text.replace(section.group(0), "section: no-such-section", 1), encoding="utf-8")
    with pytest.raises(ContentError, match="no-such-section"):
        load_content(folder, cache=cache)
