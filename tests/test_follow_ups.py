"""A short message that goes on from the answer just given ("what about on Instagram?",
"where does it say that?", "and if I don't?") is read with that answer in mind; the answer is
kept in memory as its entry's id alone, and forgotten once the conversation has been idle."""

from __future__ import annotations

from bot.core.engine import LastAnswers
from bot.core.storage import conversation_key
from bot.core.storage.relational import RelationalStore
from tests.conftest import Clock, Officer, text_of

QUESTION = "Can I use my council email address to sign up to Twitter?"


async def test_where_does_it_say_that_shows_the_last_answers_passage_and_source(officer: Officer) -> None:
    await officer.say(QUESTION)
    out = await officer.say("where does it say that?")
    assert "Fixture: the source of Work email on personal accounts" in text_of(out)
    assert out.replies[0].quotes and "Fixture Policy" in out.replies[0].quotes[0].cite


async def test_what_if_i_dont_gets_the_content_named_entry_on_consequences(officer: Officer) -> None:
    await officer.say(QUESTION)
    out = await officer.say("and if i dont?")
    assert out.replies[0].title == "A post you wish you had not sent"


async def test_what_about_another_site_goes_on_from_the_same_answer(officer: Officer) -> None:
    await officer.say(QUESTION)
    out = await officer.say("what about on snapchat?")
    assert out.replies[0].title == "Fixture: still on Work email on personal accounts"


async def test_a_follow_up_naming_a_subject_of_its_own_is_read_as_a_new_question(officer: Officer) -> None:
    await officer.say(QUESTION)
    out = await officer.say("what about the council logo on my blog")
    assert out.replies[0].title == "The Testshire logo on personal accounts"


async def test_with_no_answer_before_it_where_does_it_say_that_is_an_ordinary_message(
    officer: Officer,
) -> None:
    out = await officer.say("where does it say that?")
    assert "the source of" not in text_of(out)


async def test_the_last_answer_is_forgotten_after_the_idle_time(officer: Officer, clock: Clock) -> None:
    await officer.say(QUESTION)
    clock.advance(31)
    out = await officer.say("where does it say that?")
    assert "the source of" not in text_of(out)


async def test_a_question_still_writes_no_conversation_state(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say(QUESTION)
    assert await store.load(conversation_key("test", "C1", "U1")) is None  # kept in memory, by id


async def test_the_oldest_last_answers_are_dropped_beyond_the_limit() -> None:
    answers = LastAnswers(limit=2)
    for n, key in enumerate(["a", "b", "c"]):
        answers.put(key, f"entry-{key}", at=float(n))
    assert answers.get("a", since=-1) is None and answers.get("c", since=-1) == "entry-c"
    assert answers.get("c", since=5) is None  # older than the idle time


async def test_another_site_named_at_an_outcome_gets_the_same_steps_on_any_site(officer: Officer) -> None:
    await officer.say("check")
    for answer in ["no", "no", "no", "yes"]:
        await officer.say(answer)
    out = await officer.say("what about on instagram, same rules?")
    assert "Fixture: same steps on any site." in text_of(out) and out.state.outcome == "answer_or_signpost"
