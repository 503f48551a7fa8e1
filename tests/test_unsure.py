"""Hedged answers in the walk: every question takes yes, no or "not sure", and what unsure means
is content, per question: a branch at once (said so), or a hint and the question again, with a
branch at a second unsure. An attempt at an answer is never a policy question."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from bot.core.engine import ConversationEngine
from bot.core.present import Presenter
from dialogs.flowchart import WalkDialog
from tests.conftest import Officer, text_of


async def at_political(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("no")
    assert (await officer.say("no")).state.node == "political"


async def test_not_sure_at_safety_is_taken_as_yes_and_said_so(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("not sure")
    assert out.state.outcome == "urgent_escalation"
    assert "taken as yes at safety" in text_of(out)
    assert "Can't tell" in text_of(out)  # the path shows the answer as it was given


async def test_a_hedge_leaning_against_the_branch_is_confirmed_and_a_second_takes_it(
    officer: Officer,
) -> None:
    await officer.say("check")
    asked = await officer.say("probably not, its about bins")
    assert "Fixture: leaning no at safety." in text_of(asked) and asked.state.node == "safety"
    out = await officer.say("hmm probably not")
    assert out.state.outcome == "urgent_escalation" and "taken as yes at safety" in text_of(out)


async def test_at_the_safety_question_not_sure_then_so_no_is_still_not_sure(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("not sure really, so no")
    assert out.state.outcome == "urgent_escalation" and "taken as yes at safety" in text_of(out)


async def test_a_leaning_hedge_then_a_plain_no_moves_on(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("probably not")
    assert (await officer.say("no")).state.node == "unlawful"


async def test_not_sure_elsewhere_gives_the_hint_then_a_second_takes_the_branch(officer: Officer) -> None:
    await at_political(officer)
    hinted = await officer.press_label("Can't tell")
    assert "Fixture hint for political." in text_of(hinted) and hinted.state.node == "political"
    out = await officer.say("maybe")
    assert out.state.outcome == "stay_neutral" and "taken as yes at political" in text_of(out)


async def test_a_hint_then_a_plain_answer_moves_on_as_usual(officer: Officer) -> None:
    await at_political(officer)
    await officer.say("not sure")
    assert (await officer.say("no")).state.node == "question"
    hinted = await officer.say("idk")  # a hint at the next question, not its branch
    assert "Fixture hint for question." in text_of(hinted) and hinted.state.node == "question"


@pytest.mark.parametrize(
    ("typed", "node"),
    [
        ("probably", "political"),  # a hedge: the hint, same question
        ("yeah probably", "political"),
        ("hmm, a bit of both really", "political"),
        ("I think so?", "political"),
        ("no, it's about bins", "question"),
        ("yes it's about the election", None),
        ("maybe a bit rude but nothing about parties so no", "question"),  # concluded after a hedge
        ("lol no its about bins", "question"),
        ("👎", "question"),  # an emoji, read as its word
        ("probably not party stuff tbh. no?", "political"),  # a hedge, though it ends with "?"
        ("🤷‍♀️", "political"),
    ],
)
async def test_answers_in_the_officers_own_words_are_read(
    officer: Officer, typed: str, node: str | None
) -> None:
    await at_political(officer)
    out = await officer.say(typed)
    assert out.state.node == node, text_of(out)


async def test_an_attempt_at_an_answer_is_never_logged_as_an_unanswered_question(
    officer: Officer, engine: ConversationEngine
) -> None:
    await at_political(officer)
    for typed in ("hmm", "kind of", "dunno mate", "not sure tbh"):
        out = await officer.say(typed)
        assert out.state.node in {"political", "question"} or out.state.outcome == "stay_neutral"
    assert await engine.store.unanswered() == []


async def test_a_short_word_that_is_no_answer_asks_again(officer: Officer) -> None:
    await at_political(officer)
    out = await officer.say("hmm")
    assert "can't tell" in text_of(out) and out.state.node == "political"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("yes, she says she'll come round to his house tonight after work", "yes"),
        ("no - the figures they quote match what we published last month", "no"),
        ("definitely not, it's a thank-you to the bin crew", "no"),  # the longest opener wins
        ("definitely", "yes"),
        ("yesss", "yes"),
        ("nooo", "no"),
        ("there's a risk but honestly i'm not sure how serious it is, he's said worse", "unsure"),
        ("maybe? it's hard to say from one screenshot", "unsure"),
        ("can i see the rules on this maybe before i answer", None),  # a question, however hedged
        ("is it defamatory if they only hint at it, not sure?", None),
    ],
)
def test_a_reply_is_read_by_its_opening_clause_and_a_long_one_by_its_hedges(
    content: Content, typed: str, read: str | None
) -> None:
    assert WalkDialog(content, Presenter(content)).read_reply(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # the answer after the reason
        ("checked the account, it's a normal local mum, no", "no"),
        ("it's a question about opening times really, yes", "yes"),
        ("its rude but i wouldnt call it abusive really so no", "no"),
        ("he might mean it, i think so, no", "unsure"),  # a hedge outweighs the closing word
        ("is that what you are asking about here, yes?", None),  # a question
        ("the comment was removed already by the time we saw it, no idea who wrote it", None),
        # past the words it opens with, and by its first word when long
        ("honestly yes it feels like stalking and im scared of him", "yes"),
        ("ok so no", "no"),
        ("so, not sure", "unsure"),
        ("honestly", None),
    ],
)
def test_a_longer_reply_is_read_after_its_reason_past_its_openers_or_by_its_first_word(
    content: Content, typed: str, read: str | None
) -> None:
    assert WalkDialog(content, Presenter(content)).read_reply(typed) == read
