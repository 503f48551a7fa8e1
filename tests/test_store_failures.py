"""When the database fails or is locked: nothing is half-written, the officer can really try
again, turns answer within about two seconds, and the polite error shows the stored state."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.channels.turns import safe_turn
from bot.core.content import Content
from bot.core.engine import ConversationEngine
from bot.core.faq import FaqMatcher
from bot.core.messages import Incoming, Outgoing
from bot.core.storage.relational import RelationalStore, driver_url
from tests.conftest import Officer, labels, text_of

SQLITE_REFUSE = "CREATE TRIGGER refuse BEFORE INSERT ON records BEGIN SELECT RAISE(ABORT, 'disk full'); END"
POSTGRES_REFUSE = [
    "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
    " LANGUAGE plpgsql",
    "CREATE TRIGGER refuse BEFORE INSERT ON records FOR EACH ROW EXECUTE FUNCTION refuse()",
]


@pytest.fixture
async def shared(database_url: str) -> AsyncIterator[RelationalStore]:
    store = await RelationalStore.open(database_url)
    yield store
    await store.close()


class Caller(Officer):
    """An officer whose turns go through the channels' one catch, as in Slack or Teams."""

    async def say(self, text: str) -> Outgoing:
        self.last = await safe_turn(self.engine, Incoming(self.channel, "C1", self.user, text=text))
        return self.last

    async def press(self, value: str) -> Outgoing:
        self.last = await safe_turn(self.engine, Incoming(self.channel, "C1", self.user, choice=value))
        return self.last


async def at_urgent_note(
    content: Content, matcher: FaqMatcher, store: RelationalStore, user: str = "U1"
) -> Caller:
    officer = Caller(ConversationEngine(content=content, store=store, matcher=matcher), user=user)
    await officer.say("check")
    out = await officer.say("yes")  # a threat to safety: the urgent outcome
    assert out.state.outcome == "urgent_escalation"
    await officer.press_label("Send to the Press Desk")
    return officer


def refusing_records(connection: Connection) -> None:
    statements = [SQLITE_REFUSE] if connection.dialect.name == "sqlite" else POSTGRES_REFUSE
    for statement in statements:
        connection.exec_driver_sql(statement)


def accepting_records(connection: Connection) -> None:
    on = "" if connection.dialect.name == "sqlite" else " ON records"
    connection.exec_driver_sql(f"DROP TRIGGER refuse{on}")


async def test_an_urgent_record_that_cannot_be_written_leaves_send_working_to_try_again(
    content: Content, matcher: FaqMatcher, shared: RelationalStore
) -> None:
    officer = await at_urgent_note(content, matcher, shared)
    prompt = officer.last
    assert prompt is not None
    await shared.run_sync(refusing_records)

    failed = await officer.press_label("Send as it is", prompt)

    assert "broke on my side" in text_of(failed)
    assert (failed.state.flow, failed.state.outcome) == ("flowchart", "urgent_escalation")
    assert await shared.records() == []
    await shared.run_sync(accepting_records)
    sent = await officer.press_label("Send as it is", prompt)  # the same button, again
    assert [e.record.urgency for e in sent.escalations] == ["urgent"]
    assert [r.outcome for r in await shared.records()] == ["urgent_escalation"]
    assert "out of date" not in text_of(sent)


async def test_a_note_with_half_an_emoji_is_sent_with_its_record(
    content: Content, matcher: FaqMatcher, shared: RelationalStore
) -> None:
    officer = await at_urgent_note(content, matcher, shared)
    out = await officer.engine.handle(
        Incoming("test", "C1", "U1", text="they said \ud83d at https://x.example/p/1", user_name="Jo \udc00")
    )
    (escalation,) = out.escalations
    (kept,) = await shared.records()
    assert kept.comment == "they said \ufffd at https://x.example/p/1" and kept.user_name == "Jo \ufffd"
    assert kept.id == escalation.record.id


async def test_an_unanswered_question_with_a_lone_surrogate_is_logged(engine: ConversationEngine) -> None:
    await engine.handle(Incoming("test", "C1", "U1", text="what is the capital of france \udfff"))
    assert [q.text for q in await engine.store.unanswered()] == ["what is the capital of france \ufffd"]


class LockHolder:
    """Another process that takes the SQLite file's write lock when told to."""

    def __init__(self, path: Path) -> None:
        code = (
            "import sqlite3, sys\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "sys.stdin.readline()\n"
            "db.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def lock(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("lock\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("release\n")
        self.process.stdin.close()
        self.process.wait(timeout=10)


async def test_while_another_process_locks_the_sqlite_file_every_turn_answers_within_seconds(
    content: Content, matcher: FaqMatcher, tmp_path: Path
) -> None:
    path = tmp_path / "advisor.db"
    store = await RelationalStore.open(f"sqlite:///{path}")
    holder = LockHolder(path)
    try:
        officers = [
            Caller(ConversationEngine(content=content, store=store, matcher=matcher), user=f"U{n}")
            for n in range(6)
        ]
        for officer in officers:
            await officer.say("check")
        holder.lock()

        started = time.monotonic()
        outs = await asyncio.gather(*(officer.say("no") for officer in officers))
        elapsed = time.monotonic() - started

        assert elapsed < 4.5, f"{len(officers)} turns took {elapsed:.1f} s"
        for out in outs:
            assert "broke on my side" in text_of(out)
            assert (out.state.flow, out.state.node) == ("flowchart", "safety")
        holder.release()
        assert (await officers[0].say("no")).state.node == "unlawful"
    finally:
        if holder.process.poll() is None:
            holder.release()
        await store.close()


async def test_while_another_server_holds_the_rows_every_turn_answers_within_seconds(
    content: Content, matcher: FaqMatcher, postgres_url: str
) -> None:
    store = await RelationalStore.open(postgres_url)
    try:
        officers = [
            Caller(ConversationEngine(content=content, store=store, matcher=matcher), user=f"U{n}")
            for n in range(6)
        ]
        for officer in officers:
            await officer.say("check")

        async def hold_rows(ready: asyncio.Event, done: asyncio.Event) -> None:
            def lock(connection: Connection) -> None:
                connection.execute(text("SELECT key FROM conversations FOR UPDATE")).all()

            engine = create_async_engine(driver_url(postgres_url))
            try:
                async with engine.begin() as connection:
                    await connection.run_sync(lock)
                    ready.set()
                    await done.wait()
            finally:
                await engine.dispose()

        ready, done = asyncio.Event(), asyncio.Event()
        holder = asyncio.create_task(hold_rows(ready, done))
        await ready.wait()
        started = time.monotonic()
        outs = await asyncio.gather(*(officer.say("no") for officer in officers))
        elapsed = time.monotonic() - started
        done.set()
        await holder

        assert elapsed < 4.5, f"{len(officers)} turns took {elapsed:.1f} s"
        for out in outs:
            assert "broke on my side" in text_of(out)
            assert (out.state.flow, out.state.node) == ("flowchart", "safety")
        assert (await officers[0].say("no")).state.node == "unlawful"
        assert "Yes" in labels(officers[0].last)  # type: ignore[arg-type]
    finally:
        await store.close()
