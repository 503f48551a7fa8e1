"""The store contract, run on a SQLite file and on PostgreSQL: the same behaviour on both, and
no lost or doubled step when turns race, within one server or across two."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.channels.turns import safe_turn
from bot.core.content import Content
from bot.core.engine import ConversationEngine
from bot.core.errors import ConflictError, StorageError
from bot.core.faq import FaqMatcher
from bot.core.messages import DecisionRecord, Incoming, InductionRecord, Outgoing
from bot.core.storage.port import AnsweredCount, AnsweredQuestion, Effects, Saved
from bot.core.storage.relational import RelationalStore, driver_url, shown_url
from bot.settings import Settings
from tests.conftest import ROOT, Clock, Officer, labels, text_of
from tools.scratch_db import scratch_database


def at(node: str, version: int = 0) -> Saved:
    """A stored state as the store sees it: JSON it keeps without reading."""
    return Saved(json.dumps({"node": node}), version)


def node_of(saved: Saved) -> str:
    return str(json.loads(saved.data)["node"])


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[RelationalStore]:
    store = await RelationalStore.open(database_url)
    yield store
    await store.close()


def decision(
    number: int, *, user: str = "U1", created_at: str = "2026-11-25T09:00:00Z", comment: str | None = None
) -> DecisionRecord:
    return DecisionRecord(
        id=f"R-{number:04d}",
        created_at=created_at,
        user=user,
        user_name="Alex Officer",
        channel="slack",
        conversation="D1",
        outcome="report",
        outcome_title="Report it",
        urgency="urgent",
        path=(("safety", "yes"),),
        comment=comment,
        link=None,
    )


def induction(user: str, started_at: str, finished_at: str | None = None) -> InductionRecord:
    return InductionRecord(
        user=user,
        user_name=None,
        channel="teams",
        started_at=started_at,
        finished_at=finished_at,
        score=8 if finished_at else None,
        out_of=9,
        acknowledged=finished_at is not None,
        content_version="2026.1",
    )


async def test_a_new_conversation_is_saved_at_version_1_and_loads_as_saved(db: RelationalStore) -> None:
    assert await db.load("k") is None
    data = '{"schema":2,"walk":{"run":"a1","at":"unlawful","path":[["safety","no"]]}}'
    assert await db.save("k", Saved(data, updated_at=5.0)) == 1
    loaded = await db.load("k")
    assert loaded is not None and loaded.version == 1
    assert (loaded.data, loaded.updated_at) == (data, 5.0)


async def test_a_save_from_a_stale_version_is_refused_and_the_winner_kept(db: RelationalStore) -> None:
    await db.save("k", at("safety"))
    first, second = await db.load("k"), await db.load("k")
    assert first is not None and second is not None
    assert await db.save("k", at("unlawful", first.version)) == 2
    with pytest.raises(ConflictError):
        await db.save("k", at("threat", second.version))
    with pytest.raises(ConflictError):
        await db.save("k", at("new"))  # a second "first" save loses too
    kept = await db.load("k")
    assert kept is not None and (node_of(kept), kept.version) == ("unlawful", 2)


async def test_of_many_simultaneous_saves_from_one_version_exactly_one_wins(database_url: str) -> None:
    """Separate stores, as separate servers have, each with its own connections."""
    stores = [await RelationalStore.open(database_url) for _ in range(4)]
    try:
        await stores[0].save("k", at("safety"))

        async def attempt(store: RelationalStore, n: int) -> bool:
            state = at(f"n{n}", 1)
            try:
                await store.save("k", state)
            except ConflictError:
                return False
            return True

        results = await asyncio.gather(*(attempt(stores[n % 4], n) for n in range(12)))
        assert results.count(True) == 1
        kept = await stores[1].load("k")
        assert kept is not None and kept.version == 2 and node_of(kept) == f"n{results.index(True)}"
    finally:
        for store in stores:
            await store.close()


async def test_records_come_back_newest_first_per_user_with_the_attached_comment(db: RelationalStore) -> None:
    await db.add_record(decision(1, created_at="2026-11-01T09:00:00Z"), "2026.1")
    await db.add_record(decision(2, created_at="2026-11-02T09:00:00Z", comment="their words"), "2026.1")
    await db.add_record(decision(3, user="U2", created_at="2026-11-03T09:00:00Z"), "2026.2")
    assert [r.id for r in await db.records()] == ["R-0003", "R-0002", "R-0001"]
    mine = await db.records(user="U1", limit=1)
    assert mine == [decision(2, created_at="2026-11-02T09:00:00Z", comment="their words")]
    exported = await db.export(since="2026-11-02")
    assert [(k.record.id, k.content_version, k.comment_attached) for k in exported] == [
        ("R-0002", "2026.1", True),
        ("R-0003", "2026.2", False),
    ]
    assert exported[1].record.comment is None


async def test_an_induction_record_is_one_per_officer_and_updated_as_they_go(db: RelationalStore) -> None:
    await db.save_induction(induction("U1", "2026-11-01T09:00:00Z"))
    await db.save_induction(induction("U1", "2026-11-01T09:00:00Z", "2026-11-01T09:20:00Z"))
    await db.save_induction(induction("U2", "2026-11-05T09:00:00Z"))
    assert await db.inductions() == [
        induction("U1", "2026-11-01T09:00:00Z", "2026-11-01T09:20:00Z"),
        induction("U2", "2026-11-05T09:00:00Z"),
    ]
    assert [r.user for r in await db.inductions(since="2026-11-02")] == ["U2"]


async def test_kept_values_are_replaced_and_unanswered_questions_listed_newest_first(
    db: RelationalStore,
) -> None:
    assert await db.recall("teams-comms") is None
    await db.remember("teams-comms", "one")
    await db.remember("teams-comms", "two")
    assert await db.recall("teams-comms") == "two"
    for n in range(3):
        await db.log_unanswered(f"question {n} 🦄 'quoted'; DROP TABLE records", f"2026-11-2{n}T09:00:00Z")
    assert [q.text[:10] for q in await db.unanswered(limit=2)] == ["question 2", "question 1"]


async def test_answered_entries_are_counted_per_iso_week_and_entry_since_a_date(db: RelationalStore) -> None:
    await db.log_answered(
        [
            AnsweredQuestion("logo", "2026-11-23T00:00:00Z"),  # Monday: the week of the 23rd
            AnsweredQuestion("logo", "2026-11-29T23:59:59Z"),  # Sunday: the same week
            AnsweredQuestion("email 🦄 'quoted'", "2026-11-24T09:00:00Z"),
            AnsweredQuestion("email 🦄 'quoted'", "2026-11-22T09:00:00Z"),  # Sunday: the week before
            AnsweredQuestion("logo", "2026-11-01T09:00:00Z"),  # before ``since``
        ]
    )
    await db.save(
        "k", at("start"), Effects("v", answered=(AnsweredQuestion("logo", "2026-11-25T09:00:00Z"),))
    )

    assert await db.answered_counts(since="2026-11-16") == [
        AnsweredCount(date(2026, 11, 16), "email 🦄 'quoted'", 1),
        AnsweredCount(date(2026, 11, 23), "logo", 3),
        AnsweredCount(date(2026, 11, 23), "email 🦄 'quoted'", 1),
    ]


async def test_outcomes_are_counted_per_iso_week_in_the_database(db: RelationalStore) -> None:
    for number, moment, outcome in [
        (1, "2026-11-23T00:00:00Z", "report"),  # Monday
        (2, "2026-11-29T23:59:59Z", "report"),  # Sunday: the same week
        (3, "2026-11-24T09:00:00Z", "let_stand"),
        (4, "2026-11-22T09:00:00Z", "report"),  # Sunday: the week before
        (5, "2026-11-01T09:00:00Z", "report"),  # before ``since``
    ]:
        record = replace(decision(number, created_at=moment), outcome=outcome)
        await db.add_record(record, "v1")

    assert await db.outcome_counts(since="2026-11-16") == [
        AnsweredCount(date(2026, 11, 16), "report", 1),
        AnsweredCount(date(2026, 11, 23), "report", 2),
        AnsweredCount(date(2026, 11, 23), "let_stand", 1),
    ]


async def test_purge_deletes_answered_entries_older_than_the_cutoff(db: RelationalStore) -> None:
    await db.log_answered([AnsweredQuestion("old", "2025-12-31T23:59:59Z")])
    await db.log_answered([AnsweredQuestion("new", "2026-01-01T00:00:00Z")])

    purged = await db.purge(datetime(2026, 1, 1, tzinfo=UTC))

    assert purged.answered == 1
    assert [c.entry for c in await db.answered_counts(since="")] == ["new"]


async def test_a_delivery_is_claimed_once_until_its_window_passes_or_it_is_released(
    db: RelationalStore,
) -> None:
    assert await db.claim_delivery("slack/event/Ev1", now=1000.0, ttl_seconds=600)
    assert not await db.claim_delivery("slack/event/Ev1", now=1100.0, ttl_seconds=600)
    assert await db.claim_delivery("slack/event/Ev2", now=1100.0, ttl_seconds=600)
    assert await db.claim_delivery("slack/event/Ev1", now=1700.0, ttl_seconds=600)
    await db.release_delivery("slack/event/Ev2")
    assert await db.claim_delivery("slack/event/Ev2", now=1701.0, ttl_seconds=600)


async def test_of_many_simultaneous_claims_of_one_delivery_on_two_servers_exactly_one_wins(
    database_url: str,
) -> None:
    first, second = await RelationalStore.open(database_url), await RelationalStore.open(database_url)
    try:
        claims = [
            store.claim_delivery("teams/activity/a1", now=5.0, ttl_seconds=60)
            for store in (first, second) * 6
        ]
        assert sorted(await asyncio.gather(*claims)) == [False] * 11 + [True]
    finally:
        await first.close()
        await second.close()


async def test_purge_deletes_only_what_is_older_than_the_cutoff(db: RelationalStore) -> None:
    await db.add_record(decision(1, created_at="2025-01-01T09:00:00Z", comment="old words"), "v")
    await db.add_record(decision(2, created_at="2026-11-01T09:00:00Z"), "v")
    await db.save_induction(induction("old", "2024-12-01T09:00:00Z", "2025-01-01T09:00:00Z"))
    await db.save_induction(induction("finished-late", "2024-12-01T09:00:00Z", "2026-10-01T09:00:00Z"))
    await db.save_induction(induction("new", "2026-11-01T09:00:00Z"))
    await db.log_unanswered("old", "2025-01-01T09:00:00Z")
    await db.log_unanswered("new", "2026-11-01T09:00:00Z")
    cutoff = datetime(2026, 1, 1, tzinfo=UTC)
    await db.save("idle", Saved("{}", updated_at=cutoff.timestamp() - 1))
    await db.save("recent", Saved("{}", updated_at=cutoff.timestamp() + 1))

    purged = await db.purge(cutoff)

    assert (purged.records, purged.inductions, purged.unanswered, purged.conversations) == (1, 1, 1, 1)
    assert [r.id for r in await db.records()] == ["R-0002"]
    assert [r.user for r in await db.inductions()] == ["finished-late", "new"]
    assert [q.text for q in await db.unanswered()] == ["new"]
    assert await db.load("idle") is None and await db.load("recent") is not None
    assert (await db.purge(cutoff)).records == 0


async def test_everything_is_still_there_after_the_store_is_reopened(database_url: str) -> None:
    store = await RelationalStore.open(database_url)
    await store.save("k", at("threat"))
    await store.add_record(decision(1, comment="kept"), "v")
    await store.close()
    store = await RelationalStore.open(database_url)
    try:
        state = await store.load("k")
        assert state is not None and node_of(state) == "threat"
        assert (await store.records())[0].comment == "kept"
    finally:
        await store.close()


# Racing turns through the real engine: two engines on one database are two servers.


def refused(out: Outgoing) -> bool:
    """A press that did not move the walk says why: the button expired, or it came at once."""
    text = text_of(out)
    return "out of date" in text or "arrived together" in text


@pytest.fixture
async def two_servers(
    database_url: str, content: Content, clock: Clock, matcher: FaqMatcher
) -> AsyncIterator[tuple[Officer, Officer]]:
    stores = [await RelationalStore.open(database_url) for _ in range(2)]
    officers = [
        Officer(ConversationEngine(content=content, store=s, clock=clock, matcher=matcher)) for s in stores
    ]
    yield officers[0], officers[1]
    for store in stores:
        await store.close()


async def test_two_simultaneous_presses_of_one_button_move_the_walk_once(
    two_servers: tuple[Officer, Officer],
) -> None:
    a, b = two_servers
    await a.say("check")
    no = next(c.value for r in (a.last.replies if a.last else ()) for c in r.choices if c.label == "No")
    first, second = await asyncio.gather(a.press(no), b.press(no))
    moved = [out for out in (first, second) if not refused(out)]
    assert len(moved) == 1, [text_of(first), text_of(second)]
    assert first.state.node == second.state.node == "unlawful"
    out = await b.say("back")
    assert out.state.node == "safety", "one answer was recorded, so one step back is the start"


async def test_a_burst_of_presses_on_both_servers_moves_the_walk_once(
    two_servers: tuple[Officer, Officer],
) -> None:
    a, b = two_servers
    out = await a.say("check")
    no = next(c.value for r in out.replies for c in r.choices if c.label == "No")
    results = await asyncio.gather(*((a if n % 2 else b).press(no) for n in range(8)))
    assert sum(refused(r) for r in results) == 7, [text_of(r)[:60] for r in results]
    assert {r.state.node for r in results} == {"unlawful"}
    assert (await a.say("back")).state.node == "safety"


async def test_two_different_answers_typed_at_once_on_two_servers_are_both_kept_in_turn(
    two_servers: tuple[Officer, Officer],
) -> None:
    """The losing save starts its turn again on the winner's state instead of overwriting it."""
    a, b = two_servers
    await a.say("check")
    first, second = await asyncio.gather(a.say("no"), b.say("no"))
    assert sorted([first.state.node or "", second.state.node or ""]) == ["political", "unlawful"]
    out = await a.say("back")
    assert out.state.node == "unlawful"
    assert "Yes" in labels(out)


async def test_a_sqlite_write_waits_for_another_writer_without_holding_up_the_event_loop(
    tmp_path: Path,
) -> None:
    store = await RelationalStore.open(f"sqlite:///{tmp_path / 'advisor.db'}")
    other = sqlite3.connect(tmp_path / "advisor.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process is writing
        save = asyncio.create_task(store.save("k", at("safety")))
        for _ in range(5):
            await asyncio.sleep(0.02)  # the event loop keeps turning meanwhile
        assert not save.done()
        other.execute("COMMIT")
        assert await asyncio.wait_for(save, 5) == 1
        loaded = await store.load("k")
        assert loaded is not None and node_of(loaded) == "safety"
    finally:
        other.close()
        await store.close()


TERMINATE = text(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
)


async def test_a_postgresql_restart_costs_no_turn_and_a_lost_database_a_polite_reply(
    postgres_server: str, content: Content, matcher: FaqMatcher
) -> None:
    """Connections the server dropped are replaced and the statement run again; with the
    database gone for good the officer gets the error reply, never a traceback."""
    async with scratch_database(postgres_server, prefix="advisor_test") as url:
        store = await RelationalStore.open(url)
        engine = ConversationEngine(content=content, store=store, matcher=matcher)
        officer = Officer(engine)
        await officer.say("check")
        admin = create_async_engine(driver_url(postgres_server), isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(TERMINATE, {"db": make_url(url).database})
        await admin.dispose()
        out = await officer.say("no")
        assert out.state.node == "unlawful"
    out = await safe_turn(engine, Incoming("test", "C1", "U1", text="no"))
    assert out.replies == (engine.error_reply(),)
    await store.close()


def test_database_urls_get_their_driver_keep_hosted_ssl_and_hide_passwords() -> None:
    hosted = driver_url("postgres://bot:s3cret@db.example:5432/advisor?sslmode=require")
    assert hosted.render_as_string(hide_password=False) == (
        "postgresql+asyncpg://bot:s3cret@db.example:5432/advisor?ssl=require"
    )
    assert driver_url("sqlite:////srv/advisor.db").drivername == "sqlite+pysqlite"
    assert "s3cret" not in shown_url("postgresql://bot:s3cret@db.example/advisor")
    relative = Settings(database_url="sqlite:///data/advisor.db").database
    assert relative == f"sqlite:///{ROOT / 'data' / 'advisor.db'}"
    with pytest.raises(StorageError, match="not supported"):
        driver_url("mysql://bot@db/advisor")
