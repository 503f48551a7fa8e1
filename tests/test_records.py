"""Records kept for audit: exported as CSV or JSON lines with any attached comment marked as
the officer's, and deleted by the retention purge; on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.engine import ConversationEngine
from bot.core.lifecycle import Actor
from bot.core.storage.relational import RelationalStore
from bot.records import decision_row
from tests.conftest import CliRunner, Clock, Officer, labels, text_of
from tests.test_store_contract import decision, induction


async def walk_and_send(officer: Officer, note: str | None) -> None:
    await officer.say("check")
    await officer.say("yes")
    await officer.press_label("Send to the Press Desk")
    if note:
        await officer.say(note)
    else:
        await officer.press_label("Send as it is")


async def test_a_record_holds_a_comment_only_when_the_officer_attached_one(
    officer: Officer, store: RelationalStore, clock: Clock
) -> None:
    await walk_and_send(officer, None)
    clock.advance(5)
    await walk_and_send(officer, 'see "https://example.org/post/1" they called us liars')
    plain, noted = await store.export()
    assert plain.record.comment is None and not plain.comment_attached
    assert noted.comment_attached and noted.record.comment and "liars" in noted.record.comment
    assert noted.record.link == "https://example.org/post/1"


async def seed(url: str) -> None:
    store = await RelationalStore.open(url)
    try:
        await store.add_record(decision(1, created_at="2026-10-01T09:00:00Z"), "2026.1")
        await store.add_record(
            decision(2, created_at="2026-11-02T09:00:00Z", comment="=SUM(A1) liar"), "2026.2"
        )
        await store.save_induction(induction("U9", "2026-11-03T09:00:00Z", "2026-11-03T09:30:00Z"))
    finally:
        await store.close()


async def test_csv_export_since_a_date_marks_attached_comments_and_defuses_formulas(
    cli: CliRunner, database_url: str
) -> None:
    await seed(database_url)
    out = cli(
        "records", "export", "--since", "2026-11-01", "--format", "csv", env={"DATABASE_URL": database_url}
    )
    assert out.returncode == 0, out.stderr
    (row,) = list(csv.DictReader(io.StringIO(out.stdout)))
    assert row["id"] == "R-0002" and row["content_version"] == "2026.2"
    assert row["comment_attached_by_officer"] == "yes"
    assert row["attached_comment"] == "'=SUM(A1) liar", "a spreadsheet must show it as text"
    assert row["path"] == "safety=yes"


async def test_jsonl_export_has_every_record_and_inductions_on_request(
    cli: CliRunner, database_url: str
) -> None:
    await seed(database_url)
    env = {"DATABASE_URL": database_url}
    lines = cli("records", "export", "--format", "jsonl", env=env).stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [(r["id"], r["comment_attached_by_officer"], r["attached_comment"]) for r in rows] == [
        ("R-0001", False, None),
        ("R-0002", True, "=SUM(A1) liar"),
    ]
    assert rows[0]["path"] == [["safety", "yes"]]
    out = cli("records", "export", "--kind", "inductions", "--format", "jsonl", env=env)
    (row,) = [json.loads(line) for line in out.stdout.splitlines()]
    assert (row["user"], row["score"], row["acknowledged"]) == ("U9", 8, True)


async def test_purge_deletes_what_is_past_the_retention_setting(cli: CliRunner, database_url: str) -> None:
    store = await RelationalStore.open(database_url)
    now = datetime.now(UTC)
    old, recent = (now - timedelta(days=d) for d in (40, 10))
    try:
        for number, when in ((1, old), (2, recent)):
            await store.add_record(decision(number, created_at=f"{when:%Y-%m-%dT%H:%M:%SZ}"), "v")
            await store.log_unanswered(f"question {number}", f"{when:%Y-%m-%dT%H:%M:%SZ}")
    finally:
        await store.close()
    env = {"DATABASE_URL": database_url, "RETENTION_DAYS": "30"}
    out = cli("records", "purge", env=env)
    assert out.returncode == 0, out.stderr
    assert "older than 30 days" in out.stdout and "1 decision records" in out.stdout
    assert "1 unanswered questions" in out.stdout
    store = await RelationalStore.open(database_url)  # what is left, read directly
    try:
        assert [r.id for r in await store.records()] == ["R-0002"]
        assert [q.text for q in await store.unanswered()] == ["question 2"]
    finally:
        await store.close()


def test_the_default_retention_is_a_year(cli: CliRunner) -> None:
    out = cli("records", "purge")
    assert out.returncode == 0 and "older than 365 days" in out.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["records", "export", "--since", "last week"], {}, "not a date (YYYY-MM-DD)"),
        (["records", "export", "--format", "xlsx"], {}, "invalid choice"),
        (["records", "purge"], {"RETENTION_DAYS": "0"}, "RETENTION_DAYS"),
        (["records", "purge"], {"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        (
            ["records", "purge"],
            {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
            "cannot open the database",
        ),
    ],
)
def test_bad_arguments_and_settings_get_one_line_and_exit_2(
    cli: CliRunner, args: list[str], env: dict[str, str], message: str
) -> None:
    out = cli(*args, env=env)
    assert out.returncode == 2
    last = out.stderr.strip().splitlines()[-1]  # argparse puts its usage lines first
    assert message in last and "Traceback" not in out.stderr


def test_a_sqlite_folder_that_cannot_be_created_is_one_line(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    out = cli("records", "purge", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'file' / 'db.sqlite'}"})
    assert out.returncode == 2 and out.stderr.startswith("error: ") and "Traceback" not in out.stderr


async def test_exports_show_where_each_record_stands_at_the_desk(cli: CliRunner, database_url: str) -> None:
    await seed(database_url)
    store = await RelationalStore.open(database_url)
    try:
        comms = Actor("U7", "Alex Comms")
        await store.acknowledge_record("R-0001", comms, "2026-11-02T09:05:00Z")
        await store.close_record(
            "R-0001", comms, "2026-11-02T10:00:00Z", resolution="handled", note="=1+1 rang"
        )
    finally:
        await store.close()
    env = {"DATABASE_URL": database_url}
    closed, new = list(csv.DictReader(io.StringIO(cli("records", "export", env=env).stdout)))
    assert (closed["state"], closed["acknowledged_by_name"], closed["acknowledged_at"]) == (
        "closed",
        "Alex Comms",
        "2026-11-02T09:05:00Z",
    )
    assert (closed["closed_by"], closed["closed_at"], closed["resolution"]) == (
        "U7",
        "2026-11-02T10:00:00Z",
        "handled",
    )
    assert closed["resolution_note"] == "'=1+1 rang", "a spreadsheet must show it as text"
    assert (new["state"], new["acknowledged_by"], new["resolution"]) == ("new", "", "")
    lines = cli("records", "export", "--format", "jsonl", env=env).stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [(r["state"], r["resolution"], r["closed_by_name"]) for r in rows] == [
        ("closed", "handled", "Alex Comms"),
        ("new", None, None),
    ]


@pytest.mark.parametrize("how", ["press", "cancel", "stop", "dont send it"])
async def test_cancelling_at_the_note_step_sends_nothing_and_returns_to_the_outcome(
    officer: Officer, store: RelationalStore, how: str
) -> None:
    await officer.say("check")
    await officer.say("yes")
    await officer.press_label("Send to the Press Desk")
    out = await (officer.press_label("Don't send") if how == "press" else officer.say(how))
    assert out.replies, how  # it says so, never silence
    assert await store.records() == []
    if how != "dont send it":  # "stop" words leave the outcome; the others return to it
        assert "Send to the Press Desk" in labels(out), how


async def test_a_question_for_the_bot_at_the_note_step_is_answered_and_nothing_is_sent(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    await officer.say("yes")
    await officer.press_label("Send to the Press Desk")
    out = await officer.say("do i need to tell my manager as well?")
    assert "answered; nothing sent yet" in text_of(out) and await store.records() == []
    await officer.say("note: can you fix my bin?")  # the marker: a question from the post, as the note
    (record,) = await store.records()
    assert record.comment == "can you fix my bin?"


async def test_no_note_in_words_sends_without_one(officer: Officer, store: RelationalStore) -> None:
    await officer.say("check")
    await officer.say("yes")
    await officer.press_label("Send to the Press Desk")
    await officer.say("just send it, no note")
    (record,) = await store.records()
    assert record.comment is None


async def test_a_long_pasted_post_reaches_the_record_whole(officer: Officer, store: RelationalStore) -> None:
    post = "word " * 700 + "and at the very end: i know where you live"
    await officer.say("check")
    await officer.say("yes")
    await officer.press_label("Send to the Press Desk")
    await officer.say(post)
    (record,) = await store.records()
    assert record.comment is not None and record.comment.endswith("i know where you live")


async def test_a_note_typed_at_an_outcome_sends_the_record_with_it_without_asking_again(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("note: he has posted this twice before")
    (record,) = await store.records()
    assert record.comment == "he has posted this twice before"
    assert "Send as it is" not in labels(out)  # the note step was never shown


async def test_a_note_typed_where_no_record_is_sent_says_so_and_starts_no_check(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    for answer in ["no", "no", "no", "yes"]:
        await officer.say(answer)
    out = await officer.say("note: resident has complained twice before")
    assert "no record from here" in text_of(out) and out.state.outcome == "answer_or_signpost"
    assert await store.records() == []


async def test_an_officer_asking_after_their_records_sees_each_and_where_it_stands(
    officer: Officer, store: RelationalStore, engine: ConversationEngine
) -> None:
    await walk_and_send(officer, None)
    await walk_and_send(Officer(engine, user="U2"), "someone else's")  # not shown to U1
    (mine,) = await store.records(user="U1")
    await store.acknowledge_record(mine.id, Actor("U7", "Alex Comms"), "2026-11-30T10:00:00Z")
    out = await officer.say("my records")
    assert mine.id in text_of(out) and "Taken by Alex Comms" in text_of(out)
    assert "quote the number" in text_of(out) and "press@testshire.example" in text_of(out)
    assert len([r for r in await store.records() if r.id in text_of(out)]) == 1


async def test_asking_after_records_mid_check_keeps_the_check_where_it_was(officer: Officer) -> None:
    await officer.say("check")
    out = await officer.say("did the desk get my report yet?")
    assert "No records sent yet." in text_of(out) and "Press Desk" in text_of(out)
    assert out.state.flow == "flowchart" and out.state.node == "safety"


async def test_a_note_given_with_the_request_for_the_record_goes_with_it(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    await officer.say("yes")
    await officer.say("send the record, add a note that the same account did this last month")
    (record,) = await store.records()
    assert record.comment == "the same account did this last month"


async def test_a_note_marked_after_the_request_goes_with_the_record(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    await officer.say("yes")
    await officer.say("send it to comms - note: posted by grandson Tom at 10:02, gran lives alone")
    (record,) = await store.records()
    assert record.comment == "posted by grandson Tom at 10:02, gran lives alone"


async def test_an_urgent_record_asked_for_at_any_length_with_details_is_sent_with_them(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    await officer.say("not sure")
    await officer.say(
        "right send an urgent record then - account is Kayleigh B, mentions 2 kids,"
        " posted 08:50 on the housing post"
    )
    (record,) = await store.records()
    assert record.comment == "account is Kayleigh B, mentions 2 kids, posted 08:50 on the housing post"
    assert record.path == (("safety", "unsure"),)


async def test_a_record_asked_after_by_its_number_shows_it_with_the_officers_note(
    officer: Officer, store: RelationalStore
) -> None:
    await walk_and_send(officer, "the same account had a go at the leader last month")
    (record,) = await store.records()
    out = await officer.say(f"any update on {record.id}?")
    assert record.id in text_of(
        out
    ) and "note: the same account had a go at the leader last month" in text_of(out)


async def test_details_and_a_link_before_the_note_marker_are_kept_in_the_record(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    await officer.say("yes")
    await officer.say(
        "send it to comms - the tweet is https://x.example/p/1799, reply by @tipwatch at 15:02."
        " Note: the neighbour is 84"
    )
    (record,) = await store.records()
    assert record.link == "https://x.example/p/1799"
    assert (
        record.comment is not None and "the neighbour is 84" in record.comment and "15:02" in record.comment
    )


async def test_a_long_message_opening_with_the_request_sends_the_record_with_all_of_it(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    await officer.say("yes")
    message = (
        "ok send it to the press desk. account is Dazza M, posted at 09:14 on the parking charges"
        " thread, he has gone after the same officer twice before and the screenshots are on onedrive"
    )
    await officer.say(message)
    (record,) = await store.records()
    assert record.comment == message


async def test_asking_for_an_urgent_record_to_go_as_normal_says_it_stays_urgent(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    await officer.say("yes")
    out = await officer.say("send the record, not urgent, the youth worker already rang the police")
    assert "Fixture: it stays urgent for the Press Desk." in text_of(out)
    (record,) = await store.records()
    assert record.urgency == "urgent"


async def test_a_record_asked_after_by_its_number_shows_its_whole_note_or_says_it_is_not_found(
    officer: Officer, store: RelationalStore
) -> None:
    note = "the same account had a go at the leader last month and again at the ward surgery on friday night"
    await walk_and_send(officer, note)
    (record,) = await store.records()
    out = await officer.say(f"what did i put in {record.id.lower()} exactly?")
    assert f"Fixture: record {record.id} for the Press Desk:" in text_of(out) and note in text_of(out)
    missing = await officer.say("what was in R-12345678?")
    assert "Fixture: no record R-12345678 of yours" in text_of(missing) and record.id in text_of(missing)


async def test_the_export_marks_a_record_sent_from_the_safety_alert(
    officer: Officer, store: RelationalStore, clock: Clock
) -> None:
    await officer.say("someone said they know where you live")
    await officer.press_label("Urgent record now")
    await officer.press_label("Send as it is")
    clock.advance(5)  # exported oldest first
    await walk_and_send(officer, None)
    rows = [decision_row(kept) for kept in await store.export()]
    assert [(row["path"], row["sent_from_alert"]) for row in rows] == [
        ([["safety", "yes"]], True),
        ([["safety", "yes"]], False),
    ]


async def test_an_urgent_record_sent_at_once_shows_no_spent_note_prompt_or_buttons(
    officer: Officer, store: RelationalStore
) -> None:
    out = await officer.say("send an urgent record - account is Kayleigh B, mentions 2 kids, posted 08:50")
    (record,) = await store.records()
    assert "Send as it is" not in labels(out) and "Send to the Press Desk" not in labels(out)
    assert record.id in text_of(out) and "Screenshot it." in text_of(out), "the steps are still shown"


async def test_an_answer_asking_for_the_record_in_own_words_sends_it_with_the_details(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    await officer.say("yes defo, send the desk a record now. handle @jaz https://x.example/p/7 ext 2290")
    (record,) = await store.records()
    assert record.link == "https://x.example/p/7" and record.comment and "ext 2290" in record.comment


async def test_send_with_details_in_own_words_at_the_outcome_sends_the_record(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("check")
    await officer.say("yes")
    details = "send it, https://x.example/p/4420 parent is Lisa Grant. im Ben, school transport ext 2290"
    out = await officer.say(details)
    (record,) = await store.records()
    assert record.id in text_of(out) and record.comment == details


async def test_dont_send_it_in_a_longer_message_sends_nothing_at_the_outcome_or_the_note(
    officer: Officer, store: RelationalStore
) -> None:
    hold_on = "actually hang on dont send it, my manager is already on the phone to the desk about it"
    await officer.say("check")
    await officer.say("yes")
    await officer.say(hold_on)
    await officer.say("check")
    await officer.say("yes")
    await officer.press_label("Send to the Press Desk")
    await officer.say(hold_on)
    assert await store.records() == []


async def test_an_older_record_is_found_by_its_number_and_a_mistyped_one_is_not_logged(
    officer: Officer, store: RelationalStore, clock: Clock, engine: ConversationEngine
) -> None:
    for n in range(7):
        await walk_and_send(officer, f"note number {n}")
        clock.advance(5)
    first = next(r for r in await store.records() if r.comment == "note number 0")
    out = await officer.say(f"withdraw {first.id} pls its a duplicate")
    assert f"Fixture: record {first.id} for the Press Desk:" in text_of(out)
    assert "note number 0" in text_of(out)
    out = await officer.say("whats the status of R-D0DED98")
    assert "Fixture: no record R-D0DED98 of yours" in text_of(out)
    assert await engine.store.unanswered() == []


async def test_an_urgent_request_in_own_words_sends_the_urgent_record_with_the_details(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("someone said they know where you live")
    out = await officer.say("send it to the desk urgent, https://x.example/p/9 by Ryan P, Jo in liaison")
    (record,) = await store.records()
    assert record.urgency == "urgent" and record.id in text_of(out)
    assert record.link == "https://x.example/p/9" and record.comment and "Jo in liaison" in record.comment


async def test_a_record_asked_for_after_the_check_was_stopped_says_what_can_be_sent(officer: Officer) -> None:
    await officer.say("check")
    await officer.say("stop")
    out = await officer.say("actually the desk needs to know about that one, can u send it")
    assert "No finished check to record." in text_of(out)
