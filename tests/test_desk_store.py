"""The desk's part of the store contract, on a SQLite file and on PostgreSQL: a record is new,
then acknowledged, then closed; a second press changes nothing and says who has it; every
action is in the record's trail; and each reminder is claimed by exactly one server."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.lifecycle import Actor, Post, State
from bot.core.storage.relational import RelationalStore
from tests.test_migrations import FIRST_RELEASE_SCHEMA, record_data
from tests.test_store_contract import decision

ALEX = Actor("U7", "Alex Comms")
SAM = Actor("29:sam", "Sam Press")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[RelationalStore]:
    store = await RelationalStore.open(database_url)
    yield store
    await store.close()


async def test_a_sent_record_starts_new_with_the_officer_first_in_its_trail(db: RelationalStore) -> None:
    await db.add_record(decision(1), "2026.1")
    desk = await db.desk_record("R-0001")
    assert desk is not None and desk.lifecycle.state is State.NEW
    assert desk.record.outcome == "report"
    (sent,) = await db.trail("R-0001")
    assert (sent.action, sent.actor_id, sent.actor_name, sent.at) == (
        "sent",
        "U1",
        "Alex Officer",
        "2026-11-25T09:00:00Z",
    )


async def test_acknowledging_records_who_and_when_and_a_second_press_says_who_has_it(
    db: RelationalStore,
) -> None:
    await db.add_record(decision(1), "2026.1")
    first = await db.acknowledge_record("R-0001", ALEX, "2026-11-25T09:03:00Z")
    assert first is not None and first.changed
    assert first.desk.lifecycle.state is State.ACKNOWLEDGED
    assert first.desk.lifecycle.acknowledged_by_name == "Alex Comms"
    again = await db.acknowledge_record("R-0001", SAM, "2026-11-25T09:04:00Z")
    assert again is not None and not again.changed
    assert again.desk.lifecycle.acknowledged_by == "U7"
    assert again.desk.lifecycle.acknowledged_at == "2026-11-25T09:03:00Z"
    assert [e.action for e in await db.trail("R-0001")] == ["sent", "acknowledged"]


async def test_a_record_closes_from_acknowledged_or_straight_from_new_but_only_once(
    db: RelationalStore,
) -> None:
    await db.add_record(decision(1), "2026.1")
    await db.add_record(decision(2), "2026.1")
    await db.acknowledge_record("R-0001", ALEX, "2026-11-25T09:03:00Z")
    closed = await db.close_record(
        "R-0001", SAM, "2026-11-25T09:30:00Z", resolution="handled", note="Rang them"
    )
    assert closed is not None and closed.changed
    life = closed.desk.lifecycle
    assert (life.state, life.closed_by_name, life.resolution, life.note) == (
        State.CLOSED,
        "Sam Press",
        "handled",
        "Rang them",
    )
    assert life.acknowledged_by == "U7", "closing keeps who acknowledged it"
    straight = await db.close_record("R-0002", ALEX, "2026-11-25T09:31:00Z", resolution="no_action")
    assert straight is not None and straight.changed and straight.desk.lifecycle.acknowledged_by is None
    twice = await db.close_record("R-0002", SAM, "2026-11-25T09:32:00Z", resolution="handled")
    assert twice is not None and not twice.changed
    assert twice.desk.lifecycle.closed_by == "U7" and twice.desk.lifecycle.resolution == "no_action"
    late = await db.acknowledge_record("R-0002", SAM, "2026-11-25T09:33:00Z")
    assert late is not None and not late.changed and late.desk.lifecycle.state is State.CLOSED
    trail = await db.trail("R-0001")
    assert [(e.action, e.actor_id, e.detail) for e in trail][1:] == [
        ("acknowledged", "U7", None),
        ("closed", "29:sam", "handled"),
    ]


async def test_an_unknown_record_is_none_and_changes_nothing(db: RelationalStore) -> None:
    assert await db.acknowledge_record("R-NOPE", ALEX, "2026-11-25T09:03:00Z") is None
    assert await db.close_record("R-NOPE", ALEX, "2026-11-25T09:03:00Z", resolution="handled") is None
    assert await db.desk_record("R-NOPE") is None
    assert await db.trail("R-NOPE") == []


async def test_two_presses_at_once_on_two_servers_acknowledge_once(database_url: str) -> None:
    one, two = await RelationalStore.open(database_url), await RelationalStore.open(database_url)
    try:
        await one.add_record(decision(1), "2026.1")
        results = await asyncio.gather(
            *(
                server.acknowledge_record("R-0001", actor, "2026-11-25T09:03:00Z")
                for _ in range(5)
                for server, actor in ((one, ALEX), (two, SAM))
            )
        )
        winners = [r for r in results if r is not None and r.changed]
        assert len(winners) == 1
        holder = winners[0].desk.lifecycle.acknowledged_by
        assert all(r is not None and r.desk.lifecycle.acknowledged_by == holder for r in results)
        assert [e.action for e in await one.trail("R-0001")].count("acknowledged") == 1
    finally:
        await one.close()
        await two.close()


async def test_the_queue_is_newest_first_and_filters_by_state_and_urgency(db: RelationalStore) -> None:
    for n in range(1, 4):
        await db.add_record(decision(n, created_at=f"2026-11-25T09:0{n}:00Z"), "2026.1")
    calm = decision(4, created_at="2026-11-25T09:04:00Z")
    await db.add_record(type(calm)(**{**calm.__dict__, "urgency": "yes"}), "2026.1")
    await db.acknowledge_record("R-0002", ALEX, "2026-11-25T09:10:00Z")
    assert [d.id for d in await db.queue()] == ["R-0004", "R-0003", "R-0002", "R-0001"]
    assert [d.id for d in await db.queue(states=[State.NEW])] == ["R-0004", "R-0003", "R-0001"]
    assert [d.id for d in await db.queue(states=[State.NEW], urgency="urgent")] == ["R-0003", "R-0001"]
    assert [d.id for d in await db.queue(limit=1)] == ["R-0004"]


async def test_reminders_are_claimed_once_per_interval_across_servers_until_acknowledged(
    database_url: str,
) -> None:
    one, two = await RelationalStore.open(database_url), await RelationalStore.open(database_url)
    try:
        await one.add_record(decision(1, created_at="2026-11-25T09:00:00Z"), "2026.1")
        calm = decision(2, created_at="2026-11-25T09:00:00Z")
        await one.add_record(type(calm)(**{**calm.__dict__, "urgency": "yes"}), "2026.1")

        async def both(now: str, due: str) -> list[str]:
            claims = await asyncio.gather(
                *(s.claim_reminders(now=now, due=due) for s in (one, two, one, two))
            )
            return [d.id for claim in claims for d in claim]

        assert await both("2026-11-25T09:10:00Z", "2026-11-25T08:55:00Z") == [], "not due yet"
        assert await both("2026-11-25T09:15:00Z", "2026-11-25T09:00:00Z") == ["R-0001"]
        assert await both("2026-11-25T09:16:00Z", "2026-11-25T09:01:00Z") == [], "raised a minute ago"
        assert await both("2026-11-25T09:30:00Z", "2026-11-25T09:15:00Z") == ["R-0001"]
        await two.acknowledge_record("R-0001", ALEX, "2026-11-25T09:31:00Z")
        assert await both("2026-11-25T09:45:00Z", "2026-11-25T09:30:00Z") == []
        actions = [e.action for e in await one.trail("R-0001")]
        assert actions == ["sent", "reminded", "reminded", "acknowledged"]
    finally:
        await one.close()
        await two.close()


async def test_posts_are_remembered_per_channel_and_the_newest_wins(db: RelationalStore) -> None:
    await db.add_record(decision(1), "2026.1")
    await db.add_post(Post("R-0001", "slack", "comms", "CCOMMS", "1.0001"))
    await db.add_post(Post("R-0001", "teams", "comms", "19:comms", "act-1", "http://127.0.0.1:1/"))
    await db.add_post(Post("R-0001", "slack", "comms", "CCOMMS", "2.0002"))
    posts = sorted(await db.posts("R-0001"), key=lambda p: p.channel)
    assert [(p.channel, p.message_id) for p in posts] == [("slack", "2.0002"), ("teams", "act-1")]


async def test_the_purge_takes_a_records_trail_and_posts_with_it(db: RelationalStore) -> None:
    await db.add_record(decision(1, created_at="2025-01-01T09:00:00Z"), "2026.1")
    await db.add_record(decision(2, created_at="2026-11-25T09:00:00Z"), "2026.1")
    await db.add_post(Post("R-0001", "slack", "comms", "CCOMMS", "1.0001"))
    await db.acknowledge_record("R-0001", ALEX, "2025-01-01T09:03:00Z")
    await db.purge(datetime(2026, 1, 1, tzinfo=UTC))
    assert await db.trail("R-0001") == [] and await db.posts("R-0001") == []
    assert [e.action for e in await db.trail("R-0002")] == ["sent"]


async def test_exports_carry_each_records_lifecycle(db: RelationalStore) -> None:
    await db.add_record(decision(1), "2026.1")
    await db.close_record("R-0001", ALEX, "2026-11-25T09:30:00Z", resolution="handled", note="done")
    (kept,) = await db.export()
    assert kept.lifecycle.state is State.CLOSED and kept.lifecycle.resolution == "handled"


async def test_a_record_kept_before_the_desk_is_new_with_its_urgency_and_never_reminded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "advisor.db"
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_RELEASE_SCHEMA)
        row = ("2026-11-01T09:00:00Z", "U1", "slack", "report", "2026.1")
        db.execute("INSERT INTO records VALUES ('R-1', ?, ?, ?, ?, ?, ?)", (*row, record_data("R-1", None)))
    db.close()
    store = await RelationalStore.open(f"sqlite:///{path}")
    try:
        assert [d.id for d in await store.queue(states=[State.NEW], urgency="urgent")] == ["R-1"]
        assert await store.claim_reminders(now="2026-11-30T09:00:00Z", due="2026-11-30T08:45:00Z") == []
        change = await store.acknowledge_record("R-1", ALEX, "2026-11-30T09:00:00Z")
        assert change is not None and change.changed
    finally:
        await store.close()


async def test_many_trails_come_in_one_call_each_as_its_own_trail(db: RelationalStore) -> None:
    await db.add_record(decision(1), "2026.1")
    await db.add_record(decision(2), "2026.1")
    await db.acknowledge_record("R-0001", ALEX, "2026-11-25T09:03:00Z")
    found = await db.trails(["R-0001", "R-0002", "R-NOPE"])
    assert found == {r: await db.trail(r) for r in ["R-0001", "R-0002", "R-NOPE"]}
    assert [e.action for e in found["R-0001"]] == ["sent", "acknowledged"] and found["R-NOPE"] == []
