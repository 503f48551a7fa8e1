"""The safety classifier catches veiled risk that no phrase names, trained on the content's
own examples, and the bot as wired uses it."""

from __future__ import annotations

from pathlib import Path

from bot.core.content import Content
from bot.core.engine import ConversationEngine
from bot.core.faq import FaqMatcher
from bot.core.safety import SafetyNet
from bot.core.storage.relational import RelationalStore
from bot.settings import Settings
from bot.wiring import build_engine
from tests.conftest import Clock, Officer


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


def test_risk_the_classifier_thinks_only_possible_is_a_caution_not_an_alert(
    content: Content, tmp_path: Path
) -> None:
    net = SafetyNet.from_content(content, cache=tmp_path)
    possible = net.check("he keeps saying the warden should watch where she parks")
    assert possible is not None and possible.category == "threat" and not possible.sure
    sure = net.check("she says she won't be needing her flat much longer")
    assert sure is not None and sure.sure


async def test_a_caution_shows_the_urgent_route_and_the_turn_goes_on_as_usual(
    content: Content, store: RelationalStore, clock: Clock, matcher: FaqMatcher, tmp_path: Path
) -> None:
    net = SafetyNet.from_content(content, cache=tmp_path)
    engine = ConversationEngine(content=content, store=store, clock=clock, matcher=matcher, safety=net)
    out = await Officer(engine).say("he keeps saying the warden should watch where she parks")
    first = out.replies[0]
    assert first.text.startswith("Fixture caution: fixture threat.")
    assert [c.label for c in first.choices] == ["Urgent record now"]
    assert len(out.replies) > 1  # then the usual reply: an answer, suggestions or a decline


async def test_an_answer_to_an_induction_check_gets_no_caution_only_an_alert_would_show(
    content: Content, store: RelationalStore, clock: Clock, matcher: FaqMatcher, tmp_path: Path
) -> None:
    net = SafetyNet.from_content(content, cache=tmp_path)
    engine = ConversationEngine(content=content, store=store, clock=clock, matcher=matcher, safety=net)
    officer = Officer(engine)
    await officer.say("induction")
    await officer.say("continue")
    out = await officer.say("he keeps saying the warden should watch where she parks")
    assert not out.replies[0].text.startswith("Fixture caution") and out.state.flow == "induction"
    alert = await officer.say("someone said they know where you live")  # the phrases still alert
    assert "Fixture alarm: fixture threat" in alert.replies[0].text
