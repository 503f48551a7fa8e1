"""The conversation rules of the flowchart walk, spoken to the real engine on real SQLite."""

from __future__ import annotations

from bot.core.content import Content
from tests.conftest import Clock, Officer, labels, text_of


async def test_check_starts_the_walk_at_safety_with_yes_no_unsure_why_stop(officer: Officer) -> None:
    out = await officer.say("check")
    assert out.state.node == "safety"
    assert labels(out) == ["Yes", "No", "Can't tell", "Why ask?", "Leave"]


async def test_free_text_about_a_post_starts_the_walk(officer: Officer) -> None:
    out = await officer.say("someone left a nasty comment on our facebook page, should I reply?")
    assert out.state.node == "safety"


async def test_why_explains_the_question_with_a_policy_citation_and_keeps_the_place(
    officer: Officer, content: Content
) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.say("why?")
    unlawful = next(q for q in content.flowchart.questions if q.id == "unlawful")
    assert unlawful.why in text_of(out)
    assert out.replies[0].quotes, "why must quote the policy"
    assert "Fixture Policy" in out.replies[0].quotes[0].cite
    assert out.state.node == "unlawful"


async def test_back_returns_to_the_previous_question_and_from_the_first_says_so(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("back")
    assert "no earlier step" in text_of(out)
    assert out.state.node == "safety"
    await officer.say("no")
    await officer.say("no")
    out = await officer.say("back")
    assert out.state.node == "unlawful"


async def test_restart_starts_again_at_safety(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.say("restart")
    assert out.state.node == "safety"
    assert "Step 1" in text_of(out)


async def test_stop_and_cancel_leave_the_walk(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("stop")
    assert out.state.flow is None
    await officer.say("check")
    out = await officer.say("Cancel")
    assert out.state.flow is None


async def test_a_side_question_is_answered_and_the_pending_question_repeated(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.say("can I use my council email address for my personal twitter?")
    assert out.replies[0].quotes, "the side question gets a quoted answer"
    assert "Step 2" in out.replies[-1].text
    assert out.state.node == "unlawful"


async def test_a_side_question_the_policy_does_not_cover_keeps_the_walk(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("what is the capital of Peru?")
    assert out.state.node == "safety"
    assert "Step 1" in out.replies[-1].text


async def test_a_button_from_an_earlier_question_has_expired(officer: Officer) -> None:
    first = await officer.say("check")
    await officer.press_label("No", first)
    out = await officer.press_label("Yes", first)
    assert "out of date" in text_of(out)
    assert out.state.node == "unlawful"


async def test_a_button_from_an_earlier_walk_has_expired(officer: Officer) -> None:
    old = await officer.say("check")
    await officer.say("restart")
    out = await officer.press_label("Yes", old)
    assert "out of date" in text_of(out)
    assert out.state.node == "safety"
    assert out.state.outcome is None


async def test_a_menu_button_pressed_mid_walk_does_not_reset_it(officer: Officer) -> None:
    menu = await officer.say("hello")
    await officer.say("check")
    await officer.say("no")
    out = await officer.press_label("Check a post", menu)
    assert out.state.node == "unlawful"


async def test_a_forged_button_value_is_refused_politely(officer: Officer) -> None:
    await officer.say("check")
    for value in [
        "answer:yes@zzz.0",
        "answer:maybe",
        "<!channel>",
        "x" * 500,
        "record:send@abc.99",
        "faq:nope",
    ]:
        out = await officer.press(value)
        assert out.state.node == "safety", value
        assert out.replies


async def test_the_outcome_shows_its_title_path_steps_contact_when_and_considerations(
    officer: Officer, content: Content
) -> None:
    await officer.say("check")
    for answer in ["no", "no", "no", "yes"]:
        out = await officer.say(answer)
    assert out.state.outcome == "answer_or_signpost"
    reply = out.replies[-1]
    outcome = next(o for o in content.flowchart.outcomes if o.id == "answer_or_signpost")
    assert reply.title == outcome.title
    assert reply.text.splitlines() == [
        "Route: Danger=No · Rule-breaking=No · Politics=No · Asking=Yes",
        "1. Answer with checked facts.",
        "2. Move personal details to a private message.",
        "Who: Reach the Press Desk by phone on 01632 960001, mail to press@testshire.example,"
        " channel #press-desk - open weekdays 8am to 6pm",
        "By: Within 4 working hours.",
        "Fixture: mind the considerations.",  # a reply: the considerations, in one line
    ]
    assert not reply.quotes, "the policy is one button away, not in the first message"
    assert labels(out) == ["Suggest wording", "The rules", "Previous", "Begin again", "Ask about the policy"]


async def test_an_escalating_outcome_sends_a_record_without_comment_text(officer: Officer, store) -> None:
    await officer.say("check")
    out = await officer.say("yes")
    assert out.state.outcome == "urgent_escalation"
    assert "Send to the Press Desk" in labels(out)
    await officer.press_label("Send to the Press Desk")
    sent = await officer.press_label("Send as it is")
    assert sent.escalations and sent.escalations[0].record.urgency == "urgent"
    assert "URGENT" in (sent.escalations[0].message.title or "")
    (record,) = await store.records(user="U1")
    assert record.outcome == "urgent_escalation"
    assert record.path == (("safety", "yes"),)
    assert record.comment is None
    assert sent.state.flow is None


async def test_a_pasted_note_is_kept_with_its_link_and_a_second_press_sends_nothing(
    officer: Officer, store
) -> None:
    await officer.say("check")
    await officer.say("no")
    await officer.say("yes")
    prompt = await officer.press_label("Send to the Press Desk")
    sent = await officer.say("see https://facebook.com/post/1 it calls our officer a liar")
    record = sent.escalations[0].record
    assert record.link == "https://facebook.com/post/1"
    assert record.comment and "liar" in record.comment
    again = await officer.press_label("Send as it is", prompt)
    assert not again.escalations
    assert len(await store.records()) == 1


async def test_cancel_at_the_record_prompt_sends_nothing_and_keeps_the_outcome(
    officer: Officer, store
) -> None:
    await officer.say("check")
    await officer.say("yes")
    await officer.press_label("Send to the Press Desk")
    out = await officer.say("cancel")
    assert out.state.outcome == "urgent_escalation"
    assert await store.records() == []


async def test_an_idle_walk_expires_after_thirty_minutes_and_says_so(officer: Officer, clock: Clock) -> None:
    await officer.say("check")
    clock.advance(31)
    out = await officer.say("yes")
    assert "30 minutes" in text_of(out)
    assert out.state.flow is None


async def test_an_expired_walk_is_said_once_even_when_the_next_turn_only_answers(
    officer: Officer, clock: Clock
) -> None:
    await officer.say("check")
    clock.advance(31)
    first = await officer.say("hello")
    assert "30 minutes" in text_of(first)
    second = await officer.say("hello")
    assert "30 minutes" not in text_of(second)
    assert second.state.flow is None


async def test_asking_in_words_to_send_the_record_works_after_a_side_question_at_the_outcome(
    officer: Officer,
) -> None:
    await officer.say("check")
    await officer.say("yes")
    await officer.say("can I use my council email address for my personal twitter?")
    out = await officer.say("ok thanks, now send the record")
    assert "Send as it is" in labels(out)
    done = await officer.press_label("Send as it is")
    assert done.escalations and done.escalations[0].record.urgency == "urgent"


async def test_asking_for_a_record_mid_check_or_with_no_check_says_when_one_is_offered(
    officer: Officer,
) -> None:
    out = await officer.say("send the record")
    assert "No finished check to record." in text_of(out) and not out.escalations
    await officer.say("check")
    out = await officer.say("send it to comms")
    assert "The record comes at the outcome." in text_of(out) and out.state.node == "safety"


async def test_a_number_typed_with_no_options_to_pick_says_so_and_shows_the_menu(officer: Officer) -> None:
    out = await officer.say("5")
    assert "No such option now." in text_of(out) and "Check a post" in labels(out)


async def test_a_policy_answer_at_an_outcome_is_followed_by_the_outcome_still_standing(
    officer: Officer,
) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("can I use my council email address for my personal twitter?")
    assert out.replies[1].quotes and "Outcome still stands:" in text_of(out)  # after what still holds
    assert out.state.outcome == "urgent_escalation"


async def test_leaving_an_urgent_outcome_unsent_for_a_new_check_says_nothing_was_sent(
    officer: Officer,
) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("check")
    assert "The urgent record was not sent." in text_of(out) and out.state.node == "safety"


async def test_an_answer_that_mentions_the_record_is_still_an_answer(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("no, and send the record later")
    assert out.state.node == "unlawful"


async def test_at_an_outcome_the_record_may_be_asked_for_in_the_officers_own_words(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("ok fire that over to the press desk now please")
    assert "Send as it is" in labels(out)


async def test_state_survives_a_new_engine_on_the_same_database(
    officer: Officer, content, store, clock, matcher
) -> None:
    from bot.core.engine import ConversationEngine

    await officer.say("check")
    await officer.say("no")
    later = Officer(ConversationEngine(content=content, store=store, clock=clock, matcher=matcher))
    out = await later.say("no")
    assert out.state.node == "political"


async def test_two_officers_in_one_channel_have_separate_walks(engine) -> None:
    a, b = Officer(engine, "UA"), Officer(engine, "UB")
    await a.say("check")
    out = await b.say("yes")
    assert out.state.flow is None
    out = await a.say("yes")
    assert out.state.outcome == "urgent_escalation"


async def test_a_question_at_an_outcome_that_reads_like_a_new_post_keeps_the_outcome(
    officer: Officer,
) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("should i respond to the other bit of this comment about the council?")
    assert "a new post needs a new check" in text_of(out)
    assert out.state.flow == "flowchart" and out.state.outcome == "urgent_escalation"


async def test_after_a_side_question_at_an_outcome_its_record_button_is_shown_again(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("Can I use my council email address to sign up to Twitter?")
    assert "Send to the Press Desk" in labels(out)
    noting = await officer.press_label("Send to the Press Desk")
    assert "Send as it is" in labels(noting)  # the note step


async def test_asking_for_a_record_where_none_is_sent_says_how_to_reach_the_team_and_keeps_the_buttons(
    officer: Officer,
) -> None:
    await officer.say("check")
    for answer in ["no", "no", "no"]:
        await officer.say(answer)
    await officer.say("yes")
    out = await officer.say(
        "could you pass this on, tell the desk about it as well please, it might blow up later"
    )
    assert "no record from here" in text_of(out) and "press@testshire.example" in text_of(out)
    assert "The rules" in labels(out) and out.state.outcome == "answer_or_signpost"


async def test_another_teams_question_at_an_outcome_still_says_the_steps_stand(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("How do I claim mileage for a site visit?")
    assert "People Services" in text_of(out) and "Outcome still stands" in text_of(out)
    assert "Send to the Press Desk" in labels(out)


async def test_an_answer_taken_back_in_the_same_message_is_read_as_the_last_one(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("yes actually no")
    assert out.state.node == "unlawful"
    await officer.say("back")
    out = await officer.say("no wait yes, the graffiti is a slur")
    assert out.state.outcome == "urgent_escalation"


async def test_back_as_a_clause_of_a_short_message_goes_back(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.say("actually wait. back. that bit worries me")
    assert out.state.node == "safety"


async def test_cancel_as_the_last_clause_stops_but_a_post_opening_with_stop_does_not(
    officer: Officer,
) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.say("hang on phone's ringing, cancel")
    assert out.state.flow is None
    await officer.say("check")
    out = await officer.say("Stop. Just stop wasting our money on cycle lanes")
    assert out.state.flow == "flowchart"


async def test_a_question_at_the_urgent_outcome_gets_what_still_holds_before_the_general_answer(
    officer: Officer,
) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("Can I use my council email address to sign up to Twitter?")
    texts = [r.text for r in out.replies]
    assert texts[0] == "Fixture hold: touch nothing until the desk says so."
    assert "Outcome still stands" in text_of(out)


async def test_a_question_asked_beside_an_answer_is_answered_and_the_answer_still_moves_the_walk(
    officer: Officer,
) -> None:
    await officer.say("check")
    out = await officer.say("no - btw can I use my council email address to sign up to Twitter?")
    assert out.state.node == "unlawful" and "Work email on personal accounts" in text_of(out)
    out = await officer.say("no - also what is the capital of spain and why?")
    assert out.state.node == "political" and "Fixture: ask that again on its own." in text_of(out)


async def test_back_as_a_clause_wins_over_an_answer_in_the_same_message(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.say("hang on i said yes in the end - back")
    assert out.state.node == "safety"


async def test_restart_as_the_last_clause_starts_again(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.say("ugh wrong post pasted, restart pls")
    assert out.state.node == "safety" and not out.state.outcome


async def test_an_answer_taken_back_late_in_the_message_or_concluded_in_words_is_the_one_taken(
    officer: Officer,
) -> None:
    await officer.say("check")
    out = await officer.say("nah not a threat as such, its abuse... actually wait that counts doesnt it. yes")
    assert out.state.outcome == "urgent_escalation"
    await officer.say("back")
    out = await officer.say("fraud?? maybe, but no one's in danger. gonna say no")
    assert out.state.node == "unlawful"


async def test_any_question_at_the_urgent_outcome_gets_what_still_holds_first(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("is 101 right or should i ring 999, he says hes outside her house")
    assert out.replies[0].text == "Fixture hold: touch nothing until the desk says so."


async def test_a_question_about_acting_on_the_post_mid_check_is_what_the_check_settles(
    officer: Officer,
) -> None:
    await officer.say("check")
    out = await officer.say("should i just hide it?")
    assert "Fixture: the check settles that; answer first." in text_of(out)
    assert out.state.node == "safety" and not out.replies[0].quotes, "no FAQ entry for the post in hand"
    out = await officer.say("no - can i dm him tho?")
    assert "Fixture: the check settles that; answer first." in text_of(out)
    assert out.state.node == "unlawful", "the answer beside it still moves the check on"


async def test_a_question_about_going_to_the_police_gets_the_urgent_route_anywhere(officer: Officer) -> None:
    police = "Fixture: ring the police yourself; tell the Press Desk too."
    out = await officer.say("can i ring the police myself or do i wait for the desk?")
    assert police in text_of(out) and out.state.node is None
    await officer.say("check")
    out = await officer.say("can i report it to the police myself?")
    assert police in text_of(out) and out.state.node == "safety", "the check waits where it was"
    await officer.say("yes")
    out = await officer.say("should i call the police then?")
    assert police in text_of(out) and out.state.outcome == "urgent_escalation"


async def test_a_question_about_acting_on_the_post_at_its_outcome_points_to_the_outcomes_steps(
    officer: Officer,
) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("so can i just hide it now?")
    assert "Fixture: follow Hand it to the Press Desk now for this post." in text_of(out)
    assert "Send to the Press Desk" in labels(out) and not any(r.quotes for r in out.replies)
