"""Which FAQ entries officers are answered with is logged for the dashboard's weekly counts:
the entry's id and the time, nothing of the question and nothing of who asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from bot.core.storage.port import AnsweredQuestion
from bot.core.storage.relational import ANSWERED_BATCH, RelationalStore
from bot.core.storage.schema import answered
from tests.conftest import Officer, labels


async def logged(store: RelationalStore) -> list[dict[str, Any]]:
    """Every row of the log, every column, as the database holds it once the dashboard has
    counted (counting writes the batch still waiting)."""
    await store.answered_counts(since="")
    return await raw(store)


async def test_an_answered_question_logs_its_entry_and_time_and_nothing_else(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("Can I use my council email address to sign up to Twitter?")
    [row] = await logged(store)
    assert set(row) == {"id", "entry", "answered_at"}
    assert (row["entry"], row["answered_at"]) == ("work-email-personal", "2026-11-25T09:00:00Z")
    assert await store.load("test/conversations/C1/users/U1") is None  # still no state for a question


async def test_a_two_part_question_logs_both_entries(officer: Officer, store: RelationalStore) -> None:
    await officer.say("Can I put the Testshire logo on my own profile, and can I use my work email there?")
    assert sorted(r["entry"] for r in await logged(store)) == ["logo-personal", "work-email-personal"]


async def test_pressing_a_question_button_logs_the_entry_pressed(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("can i use the logo and my work email")  # close matches, not an answer
    assert await logged(store) == []
    await officer.press_label("The Testshire logo on personal accounts")
    assert [r["entry"] for r in await logged(store)] == ["logo-personal"]


async def test_an_answer_in_the_middle_of_a_walk_is_logged_with_the_walk_saved(
    officer: Officer, store: RelationalStore
) -> None:
    out = await officer.say("check a post")
    assert out.state.flow is not None and labels(out)
    await officer.say("Can I use my council email address to sign up to Twitter?")
    assert [r["entry"] for r in await logged(store)] == ["work-email-personal"]
    assert await store.load("test/conversations/C1/users/U1") is not None


async def test_questions_not_answered_from_the_faq_log_no_entry(
    officer: Officer, store: RelationalStore
) -> None:
    await officer.say("What is the capital of Spain?")
    await officer.say("you're a star")
    assert await logged(store) == []


async def test_the_log_is_written_in_batches_and_the_last_at_close(tmp_path: Path) -> None:
    """A transaction for every answer cost two fifths of a turn: rows wait for a batch (or a
    few seconds), and closing the store writes what is still waiting."""
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    store = await RelationalStore.open(url)
    await store.log_answered([AnsweredQuestion("logo", "2026-11-25T09:00:00Z")])
    assert await raw(store) == []
    times = [f"2026-11-25T09:{n // 60:02d}:{n % 60:02d}Z" for n in range(ANSWERED_BATCH - 1)]
    await store.log_answered([AnsweredQuestion("email", moment) for moment in times])
    assert len(await raw(store)) == ANSWERED_BATCH
    await store.log_answered([AnsweredQuestion("logo", "2026-11-25T10:00:00Z")])
    await store.close()
    reopened = await RelationalStore.open(url)
    try:
        assert len(await raw(reopened)) == ANSWERED_BATCH + 1
    finally:
        await reopened.close()


async def raw(store: RelationalStore) -> list[dict[str, Any]]:
    """Every row of the log, every column, as the database holds it now."""

    def read(connection: Connection) -> list[dict[str, Any]]:
        return [dict(row._mapping) for row in connection.execute(select(answered)).all()]

    return await store.run_sync(read)
