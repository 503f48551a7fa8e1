""" "Draft a reply" at the outcomes where the officer replies: a suggestion to copy, signed
only where the policy asks for a name or job title, the sign-off remembered only when the
officer asks, and a pasted comment quoted in the draft but kept nowhere."""

from __future__ import annotations

import pytest

from bot.core.content import Content
from bot.core.engine import ConversationEngine
from bot.core.storage.port import conversation_key
from bot.core.storage.relational import RelationalStore
from tests.conftest import Officer, labels, text_of

# Answers that reach each outcome of the fixture flowchart.
TO = {
    "answer_or_signpost": ["no", "no", "no", "yes"],
    "join_in": ["no", "no", "no", "no", "yes", "yes"],
    "fix_the_facts": ["no", "no", "no", "no", "no", "no", "no", "yes"],
    "restore": ["no", "no", "no", "no", "no", "no", "no", "no", "yes"],
    "respond_with_care": ["no"] * 9 + ["yes"],
    "urgent_escalation": ["yes"],
    "evidence_and_remove": ["no", "yes"],
    "stay_neutral": ["no", "no", "yes"],
    "let_stand": ["no", "no", "no", "no", "yes", "no"],
    "monitor_only": ["no", "no", "no", "no", "no", "yes"],
}
REPLYING = ["answer_or_signpost", "join_in", "fix_the_facts", "restore", "respond_with_care"]
SIGNATURE = "Sam Patel, Waste Services Officer"


async def reach(officer: Officer, outcome: str) -> None:
    await officer.say("check")
    for answer in TO[outcome]:
        out = await officer.say(answer)
    assert out.state.outcome == outcome


@pytest.mark.parametrize("outcome", sorted(TO))
async def test_a_draft_is_offered_exactly_where_the_officer_replies(officer: Officer, outcome: str) -> None:
    await reach(officer, outcome)
    assert officer.last is not None
    assert ("Suggest wording" in labels(officer.last)) == (outcome in REPLYING)


@pytest.mark.parametrize("outcome", REPLYING)
async def test_on_a_council_site_the_draft_is_the_outcomes_reply_unsigned(
    officer: Officer, content: Content, outcome: str
) -> None:
    await reach(officer, outcome)
    where = await officer.press_label("Suggest wording")
    assert where.replies[-1].text == "Whose page is it on?"
    out = await officer.press_label("Our own page", where)
    draft = out.replies[-1]
    assert draft.title == "Wording to adapt"
    assert draft.text == content.drafts.replies[outcome]
    assert draft.prompt and "post it yourself" in draft.prompt
    assert out.state.outcome == outcome


async def test_on_another_site_the_draft_asks_once_for_the_name_and_signs_with_it(officer: Officer) -> None:
    await reach(officer, "fix_the_facts")
    await officer.press_label("Suggest wording")
    asked = await officer.press_label("Someone else's page")
    assert asked.replies[-1].text == "Type the sign-off to use: your name or job title."
    out = await officer.say(SIGNATURE)
    assert out.replies[-1].text.endswith("-- Sam Patel, Waste Services Officer (Testshire Council)")
    assert "Keep my sign-off" in labels(out)


async def test_the_sign_off_is_forgotten_with_the_walk_unless_the_officer_keeps_it(
    engine: ConversationEngine, store: RelationalStore
) -> None:
    first = Officer(engine, "U7")
    await reach(first, "restore")
    await first.press_label("Suggest wording")
    await first.press_label("Someone else's page")
    await first.say(SIGNATURE)
    assert await store.recall("officer/test/U7/signature") is None

    await reach(first, "restore")
    await first.press_label("Suggest wording")
    again = await first.press_label("Someone else's page")
    assert again.replies[-1].text.startswith("Type the sign-off"), "not kept without consent"


async def test_a_kept_sign_off_is_used_next_time_and_can_be_changed_and_forgotten(
    engine: ConversationEngine, store: RelationalStore
) -> None:
    officer = Officer(engine, "U8")
    await reach(officer, "join_in")
    await officer.press_label("Suggest wording")
    await officer.press_label("Someone else's page")
    await officer.say(SIGNATURE)
    kept = await officer.press_label("Keep my sign-off")
    assert "Sign-off kept" in text_of(kept)
    assert await store.recall("officer/test/U8/signature") == SIGNATURE

    await reach(officer, "answer_or_signpost")  # a later walk
    await officer.press_label("Suggest wording")
    out = await officer.press_label("Someone else's page")
    assert out.replies[-1].text.endswith(f"-- {SIGNATURE} (Testshire Council)")
    assert "Keep my sign-off" not in labels(out) and "Drop my sign-off" in labels(out)

    await officer.press_label("New sign-off")
    changed = await officer.say("Customer Services Adviser")
    assert changed.replies[-1].text.endswith("-- Customer Services Adviser (Testshire Council)")
    await officer.press_label("Keep my sign-off")
    assert await store.recall("officer/test/U8/signature") == "Customer Services Adviser"

    forgot = await officer.press_label("Drop my sign-off")
    assert "Sign-off dropped" in text_of(forgot)
    assert not await store.recall("officer/test/U8/signature")


async def test_a_pasted_comment_is_quoted_in_the_draft_and_stored_nowhere(
    officer: Officer, store: RelationalStore
) -> None:
    comment = "The library is shutting for good next month, typical council"
    await reach(officer, "fix_the_facts")
    await officer.press_label("Suggest wording")
    await officer.press_label("Our own page")
    asked = await officer.press_label("Quote the post")
    assert asked.replies[-1].text == "Paste the post to quote."
    out = await officer.say(comment)
    assert out.replies[-1].text.startswith(f'Re: "{comment}"\nHello! In fact')
    saved = await store.load(conversation_key("test", "C1", "U1"))
    assert saved is not None and "library" not in saved.data
    assert await store.records() == []


async def test_a_comment_with_contact_details_is_not_repeated_in_public(officer: Officer) -> None:
    await reach(officer, "restore")
    await officer.press_label("Suggest wording")
    await officer.press_label("Our own page")
    await officer.press_label("Quote the post")
    out = await officer.say("still no repair, ring me on 07700 900123 you useless lot")
    assert "Not quoted" in text_of(out)
    assert "07700" not in out.replies[-1].text


async def test_typing_draft_at_an_outcome_starts_one(officer: Officer) -> None:
    await reach(officer, "respond_with_care")
    out = await officer.say("draft")
    assert out.replies[-1].text == "Whose page is it on?"


async def test_a_draft_button_from_an_outcome_left_behind_has_expired(officer: Officer) -> None:
    await reach(officer, "answer_or_signpost")
    outcome = officer.last
    await officer.say("back")
    out = await officer.press_label("Suggest wording", outcome)
    assert "out of date" in text_of(out)
    assert out.state.node == "question"


async def test_a_draft_asked_for_inside_a_sentence_at_an_outcome_is_offered(officer: Officer) -> None:
    await reach(officer, "answer_or_signpost")
    out = await officer.say("great, can you write me a reply pls")
    assert out.replies[-1].text == "Whose page is it on?"


async def test_where_the_reply_goes_may_be_typed_in_words(officer: Officer, content: Content) -> None:
    await reach(officer, "answer_or_signpost")
    await officer.press_label("Suggest wording")
    out = await officer.say("it's on our page")
    assert out.replies[-1].title == "Wording to adapt"
    assert out.replies[-1].text == content.drafts.replies["answer_or_signpost"]


async def test_a_draft_asked_for_with_its_site_and_facts_uses_them_without_asking(officer: Officer) -> None:
    await reach(officer, "answer_or_signpost")
    out = await officer.say("write me a reply for our page saying the tip reopens on monday")
    assert out.replies[-1].title == "Wording to adapt"
    assert out.replies[-1].text == (
        "Hello! The tip reopens on monday. More at [link]. Details by private message, please."
    )


@pytest.mark.parametrize("facts", ["vote for the new plan", "ring me on 01632 960123"])
async def test_facts_a_public_reply_must_not_say_are_left_out_of_the_draft(
    officer: Officer, content: Content, facts: str
) -> None:
    await reach(officer, "answer_or_signpost")
    out = await officer.say(f"write me a reply for our page saying {facts}")
    assert out.replies[-1].text == content.drafts.replies["answer_or_signpost"]


async def test_a_yes_to_where_the_reply_goes_asks_again_rather_than_leaving_the_check(
    officer: Officer,
) -> None:
    await reach(officer, "answer_or_signpost")
    await officer.press_label("Suggest wording")
    out = await officer.say("yes")
    assert out.replies[-1].text == "Whose page is it on?" and out.state.outcome == "answer_or_signpost"


async def test_a_draft_asked_for_where_the_outcome_is_not_to_reply_says_why_and_keeps_the_outcome(
    officer: Officer,
) -> None:
    await officer.say("check")
    for answer in ["no", "no", "yes"]:  # political: stay neutral, no reply
        await officer.say(answer)
    out = await officer.say("draft")
    assert "Fixture: no draft at" in text_of(out) and out.state.outcome == "stay_neutral"
    out = await officer.say("ok can you draft me something neutral pointing him to the consultation page")
    assert "Fixture: no draft at" in text_of(out) and out.state.outcome == "stay_neutral"


async def test_a_draft_asked_for_away_from_any_check_says_where_drafts_come_from(officer: Officer) -> None:
    out = await officer.say("draft")
    assert "Fixture: drafts come at the end of a check." in text_of(out) and out.state.flow is None


async def test_a_draft_asked_for_in_words_at_an_outcome_wins_over_the_tours_go_on(officer: Officer) -> None:
    await officer.say("check")
    for answer in ["no", "no", "no", "yes"]:
        await officer.say(answer)
    out = await officer.say("go on then draft me something, mention the bank holiday hours")
    assert out.state.outcome == "answer_or_signpost" and labels(out)  # the draft's first step
    assert "Fixture: drafts come" not in text_of(out)
