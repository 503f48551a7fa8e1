"""Triage assist: a post pasted or described when a check starts is read first, and each
question may show a suggestion with the words behind it; the officer still answers every one.
Spoken to the real engine on real SQLite, with the fixture content's example posts."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from bot.core.content import Content
from bot.core.content.models import TriageAnswers
from bot.core.engine import ConversationEngine
from bot.core.faq import FaqMatcher
from bot.core.safety import SafetyNet
from bot.core.storage import conversation_key
from bot.core.storage.relational import RelationalStore
from bot.core.triage import Triage, segments, span
from bot.core.triage_training import threshold
from tests import slack_helpers as s
from tests import test_teams as teams
from tests.conftest import ChatProcess, Clock, Officer, labels, text_of

POLITICAL = "someone wrote: everyone should vote green party at the election next week"
THREAT = "a resident posted: thanks for fixing the street light, I know where you live"
KEY = conversation_key("test", "C1", "U1")


@pytest.fixture(scope="module")
def triage(content: Content) -> Triage:
    found = Triage.from_content(content, net=SafetyNet(content.safety))
    assert found is not None
    return found


async def held_post(store: RelationalStore) -> str | None:
    """The post the officer's walk holds, as stored (the walk must be there)."""
    kept = await store.load(KEY)
    assert kept is not None, "no conversation state stored"
    post: str | None = json.loads(kept.data)["walk"].get("post")
    return post


@pytest.fixture
def reader(
    content: Content, store: RelationalStore, clock: Clock, matcher: FaqMatcher, triage: Triage
) -> Officer:
    """An officer talking to an engine with triage assist on."""
    return Officer(
        ConversationEngine(content=content, store=store, clock=clock, matcher=matcher, triage=triage)
    )


async def test_a_pasted_post_is_read_and_a_question_shows_its_suggestion_and_reason(reader: Officer) -> None:
    out = await reader.say(POLITICAL)
    assert "Post read: hints follow, the answers are yours." in text_of(out)
    assert out.state.node == "safety"
    await reader.say("no")
    out = await reader.say("no")
    assert out.state.node == "political"
    assert "Hint: yes, because of ‘everyone should vote green party at the election next week’." in text_of(
        out
    )
    assert out.state.suggestion is not None and out.state.suggestion.answer == "yes"


async def test_a_suggestion_never_answers_for_the_officer(reader: Officer) -> None:
    await reader.say(POLITICAL)
    await reader.say("no")
    out = await reader.say("no")
    assert labels(out) == ["Yes", "No", "Can't tell", "Why ask?", "Leave", "Previous"]
    out = await reader.say("no")  # the officer disagrees: their answer is the one taken
    assert out.state.node == "question"


async def test_a_question_with_no_confident_suggestion_shows_none(reader: Officer) -> None:
    await reader.say(POLITICAL)
    out = await reader.say("no")
    assert out.state.node == "unlawful" and out.state.suggestion is None
    assert "Hint" not in text_of(out)


async def test_check_followed_by_a_post_reads_it_and_check_alone_reads_nothing(reader: Officer) -> None:
    out = await reader.say("check what time does the tip open on saturday please")
    assert "Post read" in text_of(out)
    await reader.say("no")
    out = await reader.say("no")
    assert out.state.suggestion is not None and out.state.suggestion.answer == "no"
    assert "Hint: no, because of ‘what time does the tip open on saturday please’." in text_of(out)
    out = await reader.say("restart")
    await reader.say("stop")
    out = await reader.say("check")
    assert "A few yes/no steps decide what to do." in text_of(out) and "Post read" not in text_of(out)
    assert out.state.suggestion is None


async def test_safety_language_gets_the_alert_then_yes_at_the_safety_question(reader: Officer) -> None:
    out = await reader.say(THREAT)
    text = text_of(out)
    assert text.index("Fixture alarm: fixture threat") < text.index("Step 1")
    assert "Hint: yes, because of ‘know where you live’." in text
    assert "Urgent record now" in labels(out) and "Check a post" not in labels(out)  # the check is here
    assert out.state.suggestion is not None and out.state.suggestion.answer == "yes"


def test_safety_language_is_never_a_no_at_safety_or_unlawful(triage: Triage, content: Content) -> None:
    assert content.triage is not None
    for post in [t for answers in content.triage.questions.values() for t in answers.no]:
        read = triage.read(f"{post}. I know where you live")
        assert read["safety"].answer == "yes", post
        assert "unlawful" not in read or read["unlawful"].answer == "yes", post


async def test_the_post_is_never_logged_and_leaves_with_the_walk(
    reader: Officer, store: RelationalStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await reader.say(POLITICAL)
        await reader.say("no")
        await reader.say("no")
        kept = await store.load(KEY)
        await reader.say("stop")
    assert "green party" not in caplog.text and "someone wrote" not in caplog.text
    assert kept is not None and "green party" in kept.data  # held while walking, for a record
    after = await store.load(KEY)
    assert after is None or "green party" not in after.data


async def test_the_post_is_dropped_at_an_outcome_that_sends_no_record(
    reader: Officer, store: RelationalStore
) -> None:
    await reader.say(POLITICAL)
    await reader.say("no")
    await reader.say("no")
    out = await reader.say("yes")  # political: yes, the outcome that sends no record
    assert "Keep out of politics" in text_of(out)
    assert await held_post(store) is None


async def test_the_post_a_check_started_from_goes_with_its_record(
    reader: Officer, store: RelationalStore
) -> None:
    await reader.say(THREAT)
    await reader.say("yes")
    out = await reader.press_label("Send to the Press Desk")
    assert "with the post" in text_of(out)
    await reader.say("account @lampfan, posted 09:10")
    (record,) = await store.records()
    assert record.comment == (
        "account @lampfan, posted 09:10\nPost: a resident posted: thanks for fixing the street light,"
        " I know where you live"
    )


async def test_an_answer_that_also_asks_for_the_record_sends_it_with_its_note(
    reader: Officer, store: RelationalStore
) -> None:
    await reader.say("check")
    await reader.say("someone wrote: I know where you live and I will be waiting")
    await reader.say("yes send the record pls. note: she is in most days, staff know her")
    (record,) = await store.records()
    assert record.urgency == "urgent" and record.comment is not None
    assert record.comment.startswith("she is in most days, staff know her")
    assert "Post: someone wrote: I know where you live and I will be waiting" in record.comment


def test_chat_jsonl_shows_the_suggestion_in_the_state(chat: ChatProcess) -> None:
    with chat("u-triage") as send:
        line = send({"text": THREAT})
        assert line["state"]["suggestion"] == {"answer": "yes", "reason": "know where you live"}
        line = send({"text": "no"})
        assert line["state"] == {"flow": "flowchart", "node": "unlawful", "outcome": None, "suggestion": None}


def test_a_pasted_post_is_found_after_its_lead_in_and_a_question_is_not_a_post(triage: Triage) -> None:
    assert (
        triage.post_in('someone posted on our page: "the tip is shut for good"') == "the tip is shut for good"
    )
    assert triage.post_in("a resident commented ‘lovely park’") == "lovely park"
    assert triage.post_in("can I use my own phone: is that allowed?") is None
    assert triage.post_in("the councillor's reply was 'no comment'") is None
    assert triage.post_in("someone wrote:") is None


def test_a_post_in_quotes_with_a_few_words_around_it_is_a_post_but_a_question_about_one_is_not(
    triage: Triage,
) -> None:
    post = "massive shout out to the crew who fixed our street light"
    assert triage.post_in(f"nice one for once lol: '{post}' ❤️") == post
    assert triage.post_in(f"'{post}' - posted twice on our page") == post
    assert triage.post_in(f"someone posted '{post}', can I like it") is None
    assert triage.post_in(f"can we reply '{post}'?") is None
    assert triage.post_in("my nan's bin was left out 'again' today") is None


async def test_a_quoted_post_without_a_lead_in_starts_the_walk_and_is_read(reader: Officer) -> None:
    out = await reader.say("ugh, this one: 'everyone should vote green party at the election next week'")
    assert "Post read: hints follow, the answers are yours." in text_of(out)
    assert out.state.flow == "flowchart"


async def test_a_description_that_asks_what_to_do_is_read_for_the_post_quoted_in_it(reader: Officer) -> None:
    post = "everyone should vote green party at the election next week"
    await reader.say(f'someone posted "{post}", what do i do')
    await reader.say("no")
    out = await reader.say("no")
    assert out.state.suggestion is not None
    assert out.state.suggestion.reason == post


async def test_a_post_pasted_after_check_is_read_at_the_first_question(reader: Officer) -> None:
    await reader.say("check")
    out = await reader.say("everyone should vote green party at the election next week")
    assert "Post read: hints follow, the answers are yours." in text_of(out)
    assert out.state.node == "safety"
    await reader.say("no")
    out = await reader.say("no")
    assert out.state.suggestion is not None and out.state.suggestion.answer == "yes"


async def test_a_post_quoted_beside_a_question_at_the_first_question_is_read_and_the_question_answered(
    reader: Officer,
) -> None:
    await reader.say("check")
    out = await reader.say("'everyone should vote green party at the election next week' can I share it?")
    assert out.replies[0].quotes, "the question is answered"
    assert out.state.node == "safety"
    await reader.say("no")
    out = await reader.say("no")
    assert out.state.suggestion is not None and out.state.suggestion.answer == "yes"


async def test_words_about_the_post_at_the_first_question_are_not_read_as_the_post(reader: Officer) -> None:
    await reader.say("check")
    out = await reader.say("morning, got a post on facebook for you to look at")
    assert "Post read" not in text_of(out) and out.state.node == "safety"


async def test_after_the_first_answer_a_long_message_is_not_taken_as_the_post(reader: Officer) -> None:
    await reader.say("check")
    await reader.say("no")
    out = await reader.say("everyone should vote green party at the election next week")
    assert "Post read" not in text_of(out) and out.state.node == "unlawful"


def test_a_description_is_read_for_the_post_after_its_colon(triage: Triage) -> None:
    post = "everyone should vote green party at the election next week"
    assert triage.described(f"whats the line on this one, its on our events page: {post}") == post
    assert triage.described("what do i do about a rude comment") == "what do i do about a rude comment"


async def test_a_risky_post_after_an_outcome_alerts_and_checks_without_the_old_outcome(
    reader: Officer, content: Content
) -> None:
    await reader.say("check")
    await reader.say("no")
    done = await reader.say("yes")
    title = next(o.title for o in content.flowchart.outcomes if o.id == done.state.outcome)
    out = await reader.say(THREAT)
    assert "Fixture alarm: fixture threat" in text_of(out)
    assert title not in text_of(out) and out.state.node == "safety"


def test_the_reason_is_the_posts_own_words() -> None:
    assert span("Well I KNOW where you live, mate", "know where you live") == "KNOW where you live"
    assert span("I can't cope", "cant cope") == "can't cope"
    assert segments("Great park. Shame about the bins, though!") == ["Great park", "Shame about the bins"]


def test_a_threshold_is_the_lowest_score_whose_suggestions_are_right_often_enough() -> None:
    scores = np.array([3.0, 2.5, 2.0, 1.5, 1.2, 1.0, 0.5, -1.0])
    right = np.array([True, True, True, True, True, False, True, False])
    side = threshold(scores, right, precision=0.85)
    assert side.threshold == 0.5 and (side.shown, side.right) == (7, 6)
    assert threshold(scores, right, precision=1.0).threshold == 1.2
    assert threshold(scores, ~right, precision=0.9).threshold > 100  # never right enough: never shown
    assert threshold(scores, right, precision=0.85, cost=10).threshold == 1.2  # a wrong one costs ten


def test_without_triage_content_no_post_is_read(content: Content) -> None:
    bare = content.model_copy(update={"triage": None})
    assert Triage.from_content(bare, net=SafetyNet(content.safety)) is None


def test_unquoted_yes_and_no_keys_read_as_the_answers_not_as_true_and_false() -> None:
    """YAML reads an unquoted ``yes:`` as true: a council writing it so still gets its examples."""
    posts = [f"post {n}" for n in range(5)]
    answers = TriageAnswers.model_validate({True: posts, False: posts[::-1]})
    assert answers.yes == posts and answers.no == posts[::-1]


async def test_slack_shows_the_suggestion_under_the_question(slack: s.Slack) -> None:
    await slack.send(s.dm(THREAT))
    post = await slack.posted(1, channel="D1")  # the alert, the intro and the question, in one message
    assert "Hint: yes, because of ‘know where you live’." in s.texts(post["blocks"])
    response = await slack.send(
        s.command(POLITICAL.replace("someone wrote:", "check"), slack.api.response_url())
    )
    assert "Post read" in s.texts((await response.json())["blocks"])


async def test_teams_shows_the_suggestion_on_the_question_card(tmp_path: Path) -> None:
    client = await teams.client_for(tmp_path)
    try:
        replies = await teams.say(client, teams.activity(THREAT))
    finally:
        await client.close()
    assert "Hint: yes, because of ‘know where you live’." in teams.card_texts(replies[-1])


async def test_a_no_given_where_the_read_found_words_for_yes_is_flagged_once_at_the_outcome(
    reader: Officer,
) -> None:
    await reader.say(POLITICAL)
    await reader.say("no")
    await reader.say("no")
    outcome = None
    out = await reader.say("no")  # political: the officer overrules the read's yes
    for _ in range(10):
        if out.state.outcome:
            outcome = out
            break
        out = await reader.say("no")
    assert outcome is not None
    flagged = "Fixture: you said No at Politics, but the post says 'everyone should vote green party"
    assert flagged in text_of(outcome)
    again = await reader.say("policy")
    assert "you said No at Politics" not in text_of(again)


async def test_a_draft_started_after_such_a_no_repeats_the_line_once(reader: Officer) -> None:
    await reader.say(POLITICAL)
    for answer in ["no", "no", "no", "yes"]:  # political overruled, then a question: a reply
        out = await reader.say(answer)
    assert out.state.outcome == "answer_or_signpost"
    first = await reader.say("draft")
    assert "you said No at Politics" in text_of(first)


async def test_another_post_pasted_before_the_first_answer_starts_the_check_on_both(
    reader: Officer, store: RelationalStore
) -> None:
    await reader.say(POLITICAL)
    out = await reader.say("and another, someone wrote: the new play park on elm road is lovely")
    post = await held_post(store)
    assert out.state.node == "safety" and post is not None
    assert post.startswith(POLITICAL) and post.endswith("the new play park on elm road is lovely")


async def test_a_post_pasted_bare_after_a_description_is_read_and_kept_with_it(
    reader: Officer, store: RelationalStore
) -> None:
    await reader.say("someone on our page posted this under the repairs post, what do i do")
    await reader.say("if the council takes my flat i know where you live and i will be waiting")
    post = await held_post(store)
    assert (
        post is not None
        and post.startswith("someone on our page posted this")
        and post.endswith("i will be waiting")
    )


async def test_words_at_the_first_question_after_the_post_itself_are_not_taken_as_a_post(
    reader: Officer, store: RelationalStore
) -> None:
    await reader.say(POLITICAL)
    await reader.say("the lady who wrote it comes in every week to the library")
    assert await held_post(store) == POLITICAL


async def test_the_officers_words_around_a_quoted_post_are_kept_with_it(
    reader: Officer, store: RelationalStore
) -> None:
    said = "on the rent reminder, from a young girl i think. " + POLITICAL
    await reader.say(said)
    assert await held_post(store) == said


async def test_a_post_with_risk_quoted_beside_a_question_gets_no_general_answer_and_is_kept(
    reader: Officer, store: RelationalStore
) -> None:
    said = "this is on our page: 'i know where you live and i will be waiting for you' - do i just reply?"
    await reader.say("check")
    out = await reader.say(said)
    assert "Fixture: the check settles that; answer first." in text_of(out)
    assert not any(reply.quotes for reply in out.replies), "no FAQ entry under the alert"
    assert await held_post(store) == said


async def test_a_long_post_that_happens_to_ask_after_something_is_read_as_the_post(
    reader: Officer, store: RelationalStore
) -> None:
    post = "did the desk get round to fixing the swings yet, my kids have been waiting all summer long"
    await reader.say("check")
    await reader.say(post)
    assert await held_post(store) == post
