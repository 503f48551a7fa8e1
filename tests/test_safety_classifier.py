"""The safety classifier catches veiled risk that no phrase names, trained on the content's
own examples, and the bot as wired uses it."""

from __future__ import annotations

from pathlib import Path

from bot.core.content import Content
from bot.core.safety import SafetyNet
from bot.settings import Settings
from bot.wiring import build_engine


def test_a_veiled_message_no_phrase_names_is_caught_and_an_ordinary_one_is_not(
    content: Content, tmp_path: Path
) -> None:
    net = SafetyNet.from_content(content, cache=tmp_path)
    veiled = "she posted that she has given away all her things and written letters to her kids"
    assert net.phrases(veiled) is None and net.check(veiled) is not None
    assert net.check("the bins weren't collected on our road again") is None


async def test_the_wired_bot_uses_the_classifier(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", cache_dir=tmp_path / "cache")
    engine = await build_engine(settings)
    try:
        assert engine.router.safety.model is not None
    finally:
        await engine.store.close()
