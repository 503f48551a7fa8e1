"""The induction tour: chapters, checks with one more try, resume, the record and report."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.core.content import Content
from bot.core.engine import ConversationEngine
from bot.core.faq import FaqMatcher
from bot.core.storage.relational import RelationalStore
from bot.reports import induction_report
from tests.conftest import CliRunner, Clock, Officer, jsonl, labels, text_of


def right_option(content: Content, chapter: int) -> int:
    options = content.induction.chapters[chapter].check.options
    return next(n for n, o in enumerate(options) if o.correct)


def wrong_option(content: Content, chapter: int) -> int:
    options = content.induction.chapters[chapter].check.options
    return next(n for n, o in enumerate(options) if not o.correct)


async def press_option(officer: Officer, content: Content, chapter: int, option: int) -> None:
    label = content.induction.chapters[chapter].check.options[option].text
    await officer.press_label(label)


async def test_a_full_tour_with_right_and_wrong_answers_ends_with_score_and_record(
    officer: Officer, content: Content, store: RelationalStore
) -> None:
    out = await officer.say("I'm new")
    assert "Part 1/" in text_of(out)
    total = len(content.induction.chapters)
    for chapter in range(total):
        await officer.press_label("Next")
        if chapter == 1:  # wrong, then right on the second try
            await press_option(officer, content, chapter, wrong_option(content, chapter))
            assert "Try once more" in text_of(officer.last)  # type: ignore[arg-type]
            await press_option(officer, content, chapter, right_option(content, chapter))
        elif chapter == 2:  # wrong twice: the answer is explained with the citation
            await press_option(officer, content, chapter, wrong_option(content, chapter))
            await press_option(officer, content, chapter, wrong_option(content, chapter))
            assert content.induction.chapters[2].check.explanation in text_of(officer.last)  # type: ignore[arg-type]
        else:
            await press_option(officer, content, chapter, right_option(content, chapter))
    summary = officer.last
    assert summary is not None
    assert f"{total - 2}/{total}" in text_of(summary)
    assert content.induction.chapters[1].title in text_of(summary)  # worth re-reading
    done = await officer.press_label("I have read the Fixture Policy")
    assert done.state.flow is None
    assert "check" in text_of(done)
    (record,) = await store.inductions()
    assert f"({total - 2}/{total}, {(record.finished_at or '')[:10]})" in text_of(done)  # the proof, at once
    assert record.finished_at and record.acknowledged and record.score == total - 2 and record.out_of == total
    assert record.content_version == content.about.version


async def test_the_tour_resumes_after_a_restart(
    officer: Officer, content: Content, store, clock: Clock, matcher: FaqMatcher
) -> None:
    await officer.say("induction")
    await officer.press_label("Next")
    await press_option(officer, content, 0, right_option(content, 0))
    clock.advance(60 * 24 * 3)  # three days later, a new engine on the same database
    later = Officer(ConversationEngine(content=content, store=store, clock=clock, matcher=matcher))
    out = await later.say("hello")
    assert "Part 2/" in text_of(out)
    out = await later.say("induction")
    assert "Part 2/" in text_of(out)


async def test_stop_pauses_and_induction_resumes_even_after_a_flowchart_check(
    officer: Officer, content: Content
) -> None:
    await officer.say("start training")
    await officer.press_label("Next")
    await press_option(officer, content, 0, right_option(content, 0))
    await officer.say("stop")
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("induction")
    assert "Part 2/" in text_of(out)


async def test_a_side_question_mid_tour_is_answered_and_the_tour_carries_on(officer: Officer) -> None:
    await officer.say("induction")
    out = await officer.say("can I use my council email address for my personal twitter?")
    assert out.replies[0].quotes
    assert "Part 1/" in text_of(out)
    assert out.state.flow == "induction"


async def test_a_check_takes_an_option_typed_as_a_number_an_ordinal_a_letter_or_its_words(
    engine: ConversationEngine,
) -> None:
    typed = [
        "2",
        "2.",
        "option 2",
        "the 2nd one",
        "second",
        "b",
        "not necessarily, it may have been copied",
        "the second one - someone could have copied it",
        "someone may well have copied it so no",  # its telling words, in the starter's own
    ]
    for n, answer in enumerate(typed):
        officer = Officer(engine, user=f"U{n}")
        await officer.say("induction")
        await officer.say("continue")
        out = await officer.say(answer)
        assert "Right: copies may exist." in text_of(out), answer


async def test_how_am_i_doing_mid_tour_gives_progress_who_sees_the_record_and_the_place(
    officer: Officer,
) -> None:
    await officer.say("induction")
    await officer.say("continue")
    await officer.say("2")
    await officer.say("continue")
    out = await officer.say("how am I doing so far?")
    assert "chapter 2 of" in text_of(out) and "1 of 1 checks right" in text_of(out)
    assert "manager" in text_of(out)
    assert out.state.flow == "induction"


async def test_the_induction_asked_for_inside_a_sentence_starts_the_tour(officer: Officer) -> None:
    out = await officer.say("hi im new today, my manager said to do the induction thing")
    assert out.state.flow == "induction"


async def test_a_new_starter_asking_in_a_long_sentence_of_their_own_gets_the_tour(officer: Officer) -> None:
    out = await officer.say("started here last monday and my boss reckons you can walk me through the policy")
    assert out.state.flow == "induction"


async def test_the_induction_asked_for_mid_check_says_to_finish_or_stop_it_and_keeps_the_check(
    officer: Officer,
) -> None:
    await officer.say("check")
    out = await officer.say("induction")
    assert "finish or stop the check" in text_of(out)
    assert out.state.flow == "flowchart" and out.state.node == "safety"


async def test_how_am_i_doing_before_any_check_says_so_rather_than_none_of_none(officer: Officer) -> None:
    await officer.say("induction")
    out = await officer.say("how am I doing so far?")
    assert "chapter 1 of 3, no checks yet" in text_of(out)


async def test_going_in_the_starters_own_words_pauses_the_tour_and_induction_resumes_it(
    officer: Officer,
) -> None:
    await officer.say("induction")
    paused = await officer.say("sorry gotta run, meeting")
    assert paused.state.flow is None
    assert (await officer.say("induction")).state.flow == "induction"


async def test_going_in_the_officers_own_words_keeps_the_check_where_it_is(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("no")
    out = await officer.say("ill finish this later")
    assert "the check waits for you" in text_of(out) and out.state.node == "unlawful"


async def test_a_question_typed_at_a_check_is_answered_not_taken_as_an_option(officer: Officer) -> None:
    await officer.say("induction")
    await officer.say("continue")
    out = await officer.say("can I use my council email address for my personal twitter?")
    assert out.replies[0].quotes
    assert "copies may exist" not in text_of(out)
    assert out.state.node == "checking"


async def test_back_returns_to_the_chapter_text_and_stale_buttons_expire(
    officer: Officer, content: Content
) -> None:
    first = await officer.say("induction")
    await officer.press_label("Next")
    out = await officer.press_label("Next", first)
    assert "out of date" in text_of(out) and out.state.node == "checking"
    out = await officer.say("back")
    assert out.state.node == "reading" and "Part 1/" in text_of(out)


async def test_the_menu_offers_induction(officer: Officer) -> None:
    assert "New starter tour" in labels(await officer.say("hello"))


async def test_the_report_lists_completed_and_unfinished_in_table_and_csv(
    cli: CliRunner, content: Content
) -> None:
    lines = ["induction", "continue"]
    for chapter in range(len(content.induction.chapters)):
        lines += [str(right_option(content, chapter) + 1), "continue"]
    lines[-1] = "I have read and understood"
    cli("chat", "--jsonl", "--user", "finisher", stdin=jsonl(lines))
    cli("chat", "--jsonl", "--user", "starter", stdin=jsonl(["induction"]))
    table = cli("report", "induction").stdout
    assert "finisher" in table and "starter" in table and "completed" in table and "not finished" in table
    rows = list(csv.DictReader(io.StringIO(cli("report", "induction", "--format", "csv").stdout)))
    by_user = {r["user"]: r for r in rows}
    assert by_user["finisher"]["acknowledged"] == "yes" and by_user["finisher"]["score"]
    assert by_user["starter"]["finished"] == ""
    assert cli("report", "induction", "--since", "2999-01-01").stdout.count("\n") <= 1


def test_report_rejects_a_bad_date(cli: CliRunner, tmp_path: Path) -> None:
    run = cli("report", "induction", "--since", "yesterday")
    assert run.returncode == 2 and "Traceback" not in run.stderr


async def complete_tour(officer: Officer, content: Content) -> None:
    await officer.say("induction")
    for chapter in range(len(content.induction.chapters)):
        await officer.press_label("Next")
        await press_option(officer, content, chapter, right_option(content, chapter))
    await officer.press_label("I have read the Fixture Policy")


async def test_asking_for_the_induction_again_offers_a_retake_and_keeps_the_completion(
    officer: Officer, content: Content, store: RelationalStore
) -> None:
    await complete_tour(officer, content)
    total = len(content.induction.chapters)
    # a command, a command inside a sentence, and the tour asked for in the starter's own words
    for again in (
        "induction",
        "I'm new",
        "hi im new today, my manager said to do the induction",
        "new starter, is there a tour for me",
    ):
        out = await officer.say(again)
        assert f"finished the tour on 2026-11-25 scoring {total}/{total}" in text_of(out)
        assert out.state.flow is None and "Take the tour again" in labels(out)
    out = await officer.press("induction")  # the menu button of an older message
    assert "finished the tour" in text_of(out) and out.state.flow is None
    (record,) = await store.inductions()
    assert record.finished_at and record.score == total


async def test_a_retake_is_a_new_attempt_beside_the_completed_one_and_the_report_shows_both(
    officer: Officer, content: Content, store: RelationalStore, clock: Clock
) -> None:
    await complete_tour(officer, content)
    clock.advance(60 * 24)
    await officer.say("induction")
    out = await officer.press_label("Take the tour again")
    assert "Part 1/" in text_of(out) and out.state.node == "reading"
    first, second = await store.inductions()
    assert first.finished_at and first.score == len(content.induction.chapters)
    assert second.finished_at is None and second.started_at == "2026-11-26T09:00:00Z"
    (row,) = list(csv.DictReader(io.StringIO(induction_report([first, second], "csv"))))
    assert (row["status"], row["finished"], row["attempts"]) == ("completed", first.finished_at, "2")


async def test_a_statement_at_a_check_that_names_no_option_is_neither_marked_nor_looked_up(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("induction")
    await officer.say("continue")
    out = await officer.say("i would just leave it and hope for the best")
    assert "Fixture: which option is that?" in text_of(out) and "Right" not in text_of(out)
    assert out.state.flow == "induction" and await store.unanswered() == []
    right = await officer.say("2")
    assert "Right: copies may exist." in text_of(right)  # still a first try


async def test_a_number_from_an_older_list_mid_tour_says_so_and_keeps_the_place(officer: Officer) -> None:
    await officer.say("induction")
    out = await officer.say("6")
    assert "No such option now." in text_of(out) and out.state.flow == "induction"
