"""Small talk gets a friendly line and the menu (or, mid-walk, the pending step again), never a
policy answer, a walk or the unanswered-questions log."""

from __future__ import annotations

from bot.core.engine import ConversationEngine
from tests.conftest import Officer, labels, text_of


async def test_pleasantries_get_a_friendly_line_and_the_menu(
    officer: Officer, engine: ConversationEngine
) -> None:
    out = await officer.say("Hi there!")
    assert "Fixture small talk reply." in text_of(out) and "Check a post" in labels(out)
    assert out.state.flow is None and await engine.store.unanswered() == []


async def test_thanks_are_answered_in_kind(officer: Officer) -> None:
    out = await officer.say("Hi there! Thanks for the info!")
    assert "Fixture you're welcome." in text_of(out) and "Check a post" in labels(out)


async def test_a_question_with_thanks_in_it_is_still_a_question(officer: Officer) -> None:
    out = await officer.say("thanks, can I use my work email for my own accounts?")
    assert "Fixture small talk reply." not in text_of(out)


async def test_small_talk_mid_walk_keeps_the_walk(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("cheers")
    assert "Fixture welcome mid-flow." in text_of(out) and out.state.node == "safety"
    out = await officer.say("hello there")
    assert "Fixture small talk mid-flow." in text_of(out) and out.state.node == "safety"


async def test_an_answer_with_thanks_is_still_an_answer(officer: Officer) -> None:
    await officer.say("check")
    assert (await officer.say("no thanks")).state.node == "unlawful"
