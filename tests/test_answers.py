"""Policy questions: confident answers with their source, suggestions, and honest unknowns."""

from __future__ import annotations

from bot.core.content import Content
from bot.core.storage.relational import RelationalStore
from tests.conftest import Officer, labels, text_of


async def test_a_clear_question_gets_the_answer_quoted_passage_and_source(officer: Officer) -> None:
    out = await officer.say("Can I use my council email address to sign up to Twitter?")
    reply = out.replies[0]
    assert reply.quotes and reply.quotes[0].text
    assert "Fixture Policy" in reply.quotes[0].cite
    assert out.state.flow is None


async def test_related_questions_are_buttons_that_answer(officer: Officer, content: Content) -> None:
    out = await officer.say("Can I use my council email address to sign up to Twitter?")
    related = labels(out)
    assert related, "an answer offers its related questions"
    follow = await officer.press_label(related[0])
    titles = {e.title for e in content.faq.entries}
    assert follow.replies[0].title in titles


async def test_an_unclear_question_offers_the_close_entries_and_a_press_answers_one(officer: Officer) -> None:
    out = await officer.say("can i use the logo and my work email")
    assert "Closest matches" in text_of(out) and out.state.flow is None
    offered = labels(out)
    assert {"Work email on personal accounts", "The Testshire logo on personal accounts"} <= set(offered)
    assert offered[-1] == "Neither"
    follow = await officer.press_label("The Testshire logo on personal accounts")
    assert follow.replies[0].title == "The Testshire logo on personal accounts" and follow.replies[0].quotes


async def test_an_uncovered_question_says_so_and_is_logged_without_the_user(
    officer: Officer, store: RelationalStore
) -> None:
    out = await officer.say("What is the capital of Spain?")
    assert "has nothing on that" in text_of(out)
    (logged,) = await store.unanswered()
    assert logged.text == "What is the capital of Spain?"
    assert "U1" not in repr(logged)


async def test_a_statement_that_asks_nothing_the_bot_can_place_shows_the_menu_and_is_not_logged(
    officer: Officer, store: RelationalStore
) -> None:
    out = await officer.say("lovely weather today")
    assert "not a question I can place" in text_of(out) and labels(out)
    assert await store.unanswered() == []


async def test_another_teams_question_names_that_team_and_is_not_logged_as_a_gap(
    officer: Officer, store: RelationalStore
) -> None:
    out = await officer.say("How do I claim mileage for a site visit?")
    assert text_of(out).strip() == (
        "Fixture referral: a question for People Services."
        " Reach People Services by mail to people@testshire.example"
    )
    assert await store.unanswered() == []


async def test_a_near_miss_says_the_policy_does_not_settle_it_instead_of_borrowing_an_answer(
    officer: Officer, store: RelationalStore
) -> None:
    out = await officer.say("what's the best time of day to post?")
    assert "does not settle that" in text_of(out)
    assert len(await store.unanswered()) == 1


async def test_two_questions_in_one_message_get_both_answers(officer: Officer) -> None:
    out = await officer.say(
        "Can I put the Testshire logo on my own profile, and can I use my work email there?"
    )
    titles = [r.title for r in out.replies]
    assert "The Testshire logo on personal accounts" in " ".join(t or "" for t in titles)
    assert any(t and t.startswith("Fixture second part:") for t in titles)


async def test_chatter_in_other_words_gets_a_friendly_line_and_the_menu(officer: Officer) -> None:
    out = await officer.say("you're a star")
    assert out.replies[0].text.startswith("Fixture small talk reply.")
    assert labels(out)[0] == "Check a post or comment" or len(labels(out)) == 4


async def test_help_and_greeting_show_the_menu(officer: Officer) -> None:
    for word in ["help", "hello", "menu"]:
        out = await officer.say(word)
        assert labels(out) == [
            "Check a post",
            "Ask something",
            "New starter tour",
            "What can you do?",
        ]


async def test_none_of_these_gives_the_honest_unknown(officer: Officer) -> None:
    out = await officer.press("none")
    assert "has nothing on that" in text_of(out)


async def test_a_question_that_names_its_side_gets_that_neighbour(officer: Officer) -> None:
    out = await officer.say("Do I have to be polite on my own account?")
    assert out.replies[0].title == "Politeness on your own account"
    out = await officer.say("How polite do I have to be on our page?")
    assert out.replies[0].title == "How to word a reply"


async def test_neighbours_with_no_side_named_are_asked_which_with_two_buttons(officer: Officer) -> None:
    out = await officer.say("How polite do I have to be?")
    assert out.replies[0].text == "Fixture which one?"
    assert set(labels(out)[:2]) == {"Politeness on your own account", "How to word a reply"}
    follow = await officer.press_label("Politeness on your own account")
    assert follow.replies[0].title == "Politeness on your own account"


async def test_a_described_post_that_asks_what_to_do_starts_the_walk(officer: Officer) -> None:
    out = await officer.say("someone was sarcastic in a reply to our post, what do i do")
    assert out.state.flow == "flowchart"


async def test_a_described_post_on_a_subject_the_policy_does_not_cover_still_starts_the_walk(
    officer: Officer,
) -> None:
    out = await officer.say("a resident commented asking when the car park is open, what do i do")
    assert out.state.flow == "flowchart"


async def test_a_policy_question_asked_with_another_teams_subject_gets_the_answer_and_the_team(
    officer: Officer,
) -> None:
    out = await officer.say(
        "how do i reset my network password? and can i sign up to twitter with my council email"
    )
    assert out.replies[0].quotes  # the policy's answer first
    assert "Fixture referral: a question for" in out.replies[1].text
    assert "the Testshire Helpdesk" in out.replies[1].text


async def test_a_listed_passage_is_quoted_under_the_words_it_stands_under(officer: Officer) -> None:
    out = await officer.say("can i sign up to twitter with my council email")
    quote = out.replies[0].quotes[0].text
    assert quote.startswith("On your own accounts: \u2026 Never use your work email address")


async def test_a_post_quoted_with_what_do_i_do_starts_the_check_whatever_entry_its_words_are_near(
    officer: Officer,
) -> None:
    # its two questions alone each match an entry; the quoted post and "reply or not" make it a check
    out = await officer.say(
        "someone commented 'that woman on reception is always drunk' - should i screenshot it before"
        " removing it? and do i tell the desk? reply or not"
    )
    assert out.state.flow == "flowchart" and out.state.node == "safety"


async def test_asking_for_the_whole_policy_says_who_has_it_and_keeps_a_check_where_it_was(
    officer: Officer,
) -> None:
    out = await officer.say("can you send me the whole policy please")
    assert "Fixture: the whole policy is with the Press Desk" in text_of(out) and out.state.flow is None
    await officer.say("check")
    out = await officer.say("where is the whole policy")
    assert "the whole policy is with" in text_of(out) and out.state.node == "safety"


async def test_nothing_typed_during_a_check_is_logged_as_a_gap_as_it_may_name_a_resident(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    out = await officer.say("What is the capital of Spain, asks Mrs Pritchard of 4 Elm Road?")
    assert "has nothing on that" in text_of(out) and "logged for them" not in text_of(out)
    assert await store.unanswered() == []


async def test_a_quoted_post_that_matches_nothing_is_not_logged(
    officer: Officer, store: RelationalStore
) -> None:
    out = await officer.say('what is this about: "Mrs Pritchard at 4 Elm Road owes everyone money" ?')
    assert "logged for them" not in text_of(out)
    assert await store.unanswered() == []
