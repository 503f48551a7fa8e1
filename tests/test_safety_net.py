"""The safety net: a message with language that means someone may be at risk gets the urgent
guidance before anything else, in or out of a walk, with the urgent record one press away."""

from __future__ import annotations

import logging

import pytest

from bot.core.engine import ConversationEngine
from bot.core.safety import fits, normal, tokens
from bot.core.storage.relational import RelationalStore
from tests.conftest import Officer, labels, text_of

POST = "a resident wrote on our page that they can't cope any more, do I reply?"


async def test_risk_language_out_of_a_walk_gets_the_urgent_guidance_first(
    officer: Officer, engine: ConversationEngine
) -> None:
    out = await officer.say(POST)
    assert "Fixture alarm: fixture self-harm" in text_of(out) and "999" in text_of(out)
    assert labels(out) == ["Urgent record now", "Check a post"]
    assert out.state.flow is None
    assert await engine.store.unanswered() == []


async def test_the_urgent_button_goes_straight_to_the_urgent_outcome_and_its_record(officer: Officer) -> None:
    await officer.say("someone said they know where you live")
    out = await officer.press_label("Urgent record now")
    assert out.state.outcome == "urgent_escalation"
    assert "Send as it is" in labels(out)  # the record already asked for: one press sends it
    done = await officer.press_label("Send as it is")
    assert done.escalations and done.escalations[0].record.urgency == "urgent"


async def test_the_urgent_record_typed_in_words_is_the_alert_button(officer: Officer) -> None:
    await officer.say("someone said they know where you live")
    out = await officer.say("ok thanks, send an urgent record")
    assert out.state.outcome == "urgent_escalation" and "Send as it is" in labels(out)
    done = await officer.say("send")
    assert done.escalations and done.escalations[0].record.urgency == "urgent"


async def test_risk_language_mid_walk_alerts_then_asks_the_pending_question_again(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.say("oh wait, he also threatened to hurt the officer")
    assert "Fixture alarm: fixture threat" in text_of(out)
    assert out.state.node == "unlawful" and "Urgent record now" in labels(out)
    assert "Check a post" not in labels(out)  # the walk is already under way
    assert (await officer.say("yes")).state.outcome == "evidence_and_remove"


async def test_at_the_urgent_outcome_more_detail_is_not_alerted_again(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("they said they will pay you a visit")
    assert "Fixture alarm" not in text_of(out)


async def test_risk_language_mid_tour_alerts_and_keeps_the_tour(officer: Officer) -> None:
    await officer.say("induction")
    out = await officer.say("sorry, a child is being hurt in a video on our page")
    assert "Fixture alarm: fixture safeguarding" in text_of(out)
    assert out.state.flow == "induction"


@pytest.mark.parametrize("text", ["can i visit the tip on sunday", "how do I live stream the meeting"])
async def test_ordinary_words_raise_no_alarm(officer: Officer, text: str) -> None:
    assert "Fixture alarm" not in text_of(await officer.say(text))


async def test_an_alarm_is_logged_by_kind_never_by_text(
    officer: Officer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        await officer.say(POST)
    assert "category=self_harm" in caplog.text and "cope" not in caplog.text


async def test_a_farewell_to_the_bot_raises_no_alarm_but_a_goodbye_phrase_still_does(
    officer: Officer,
) -> None:
    for farewell in ("goodbye", "ok thanks, bye x", "cheers, goodbye"):
        out = await officer.say(farewell)
        assert "fixture self-harm" not in text_of(out), farewell
    out = await officer.say("goodbye everyone")
    assert "fixture self-harm" in text_of(out)


async def test_an_answer_with_risk_in_it_moves_the_walk_on_after_the_alert(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("yes, he says he knows where you live")
    assert "Fixture alarm: fixture threat" in text_of(out)
    assert out.state.outcome == "urgent_escalation"
    assert "Urgent record now" not in labels(out)  # the outcome's own button sends its record
    assert "Send to the Press Desk" in labels(out)


async def test_a_no_with_risk_in_it_at_the_safety_question_is_asked_again(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("no, but she says she cant cope")
    assert "Fixture alarm: fixture self-harm" in text_of(out)
    assert out.state.node == "safety"


async def test_risk_words_in_the_note_for_a_record_alert_and_the_record_is_still_sent(
    officer: Officer,
) -> None:
    await officer.say("check")
    await officer.say("no")
    await officer.say("yes")  # evidence_and_remove: a record is offered
    await officer.press_label("Send to the Press Desk")
    out = await officer.say("he said he knows where you live, screenshot saved")
    assert "Fixture alarm: fixture threat" in text_of(out)
    assert out.escalations


def _holds(phrase: str, text: str) -> bool:
    words = normal(text)
    return any(fits(tokens(phrase), words, at) for at in range(len(words)))


def test_a_phrase_about_someone_else_is_not_read_of_me_but_one_about_me_is_read_of_anyone() -> None:
    assert _holds("kill her", "he said he will kill her") and _holds("kill her", "i will kill you")
    assert not _holds("kill her", "the queues at the tip were killing me")
    assert _holds("nobody would miss me", "she wrote that nobody would miss her")
    assert _holds("nobody would miss me", "nobody would miss me")


@pytest.mark.parametrize("typed", ["nah its just moaning about bins, no threat", "no, nobody is in danger"])
async def test_a_no_that_denies_the_officers_own_word_for_a_risk_raises_no_alarm(
    officer: Officer, typed: str
) -> None:
    await officer.say("check")
    out = await officer.say(typed)
    assert out.state.node == "unlawful" and "fixture described" not in text_of(out)


async def test_a_residents_words_after_a_denied_risk_still_raise_the_alarm(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("no threat, but she wrote she cant cope")
    assert "fixture self-harm" in text_of(out) and out.state.node == "safety"


async def test_a_no_at_the_safety_question_that_denies_the_risk_it_names_is_taken(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("no, nobody threatened to hurt anyone, its just a moan")
    assert out.state.node == "unlawful"


async def test_an_officers_question_with_risk_words_in_it_gets_the_alert_then_close_entries(
    officer: Officer,
) -> None:
    out = await officer.say("can i put on my own account that a child is being hurt and who do i tell")
    assert "Fixture alarm: fixture safeguarding" in text_of(out)
    assert labels(out)[:2] == ["Urgent record now", "Check a post"] and len(labels(out)) > 2


async def test_a_record_sent_from_the_alert_says_the_first_question_was_never_answered(
    officer: Officer, engine: ConversationEngine
) -> None:
    await officer.say("someone said they know where you live")
    out = await officer.press_label("Urgent record now")
    assert "Danger=From the alert" in text_of(out)
    await officer.press_label("Send as it is")
    (record,) = await engine.store.records()
    assert record.from_alert and record.path == (("safety", "yes"),)


async def test_the_urgent_record_asked_for_at_the_urgent_outcome_keeps_the_answers_given(
    officer: Officer, engine: ConversationEngine
) -> None:
    await officer.say("check")
    await officer.say("not sure")
    out = await officer.say("urgent record now")
    assert out.state.outcome == "urgent_escalation"
    await officer.press_label("Send as it is")
    (record,) = await engine.store.records()
    assert record.path == (("safety", "unsure"),) and not record.from_alert


async def test_a_question_with_risk_in_it_mid_check_gets_the_alert_the_answer_then_the_question(
    officer: Officer,
) -> None:
    await officer.say("check")
    out = await officer.say(
        "a child is being hurt, can I use my council email address to sign up to Twitter?"
    )
    texts = [r.title or r.text for r in out.replies]
    assert texts[0].startswith("Fixture alarm") and "Work email on personal accounts" in texts
    assert out.state.node == "safety"


async def test_an_urgent_record_asked_for_with_risky_details_is_sent_not_alerted_about(
    officer: Officer, engine: ConversationEngine
) -> None:
    out = await officer.say("send an urgent record - she wrote she cant cope and is alone tonight")
    (record,) = await engine.store.records()
    assert record.urgency == "urgent" and record.comment == "she wrote she cant cope and is alone tonight"
    assert record.from_alert and out.escalations


async def test_the_urgent_record_from_the_alert_carries_the_message_that_raised_it(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("someone said they know where you live")
    await officer.press_label("Urgent record now")
    await officer.press_label("Send as it is")
    (record,) = await store.records()
    assert record.comment == "Post: someone said they know where you live"


async def test_the_message_that_raised_the_alert_is_held_for_the_next_turn_only(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("someone said they know where you live")
    await officer.say("hello")
    await officer.say("send an urgent record")
    await officer.press_label("Send as it is")
    (record,) = await store.records()
    assert record.comment is None
