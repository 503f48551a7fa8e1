"""``app.py bench``: turn latency and throughput through the console engine on each database,
with 10,000 stored conversations; start-up time and match time with a large FAQ; the cold start
and memory of ``app.py ask`` and ``app.py serve`` (tools/footprint.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

from bot.core.content.loader import load_content
from bot.core.content.models import Content
from bot.core.engine import ConversationEngine
from bot.core.faq import FaqMatcher
from bot.core.messages import Incoming
from bot.core.safety import SafetyNet
from bot.core.storage import conversation_key
from bot.core.storage.relational import RelationalStore
from bot.settings import Settings
from tools import footprint
from tools.evaluate import percentile
from tools.large_content import write_large_content
from tools.scratch_db import scratch_database

Step = Callable[[int], Awaitable[object]]
CHANNEL = "console"


def _report(name: str, seconds: list[float]) -> None:
    p50, p99 = percentile(seconds, 50) * 1e3, percentile(seconds, 99) * 1e3
    print(f"{name:<40} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   (n={len(seconds)})")


async def _timed(step: Step, count: int) -> list[float]:
    out = []
    for i in range(count):
        start = time.perf_counter()
        await step(i)
        out.append(time.perf_counter() - start)
    return out


async def _turn(engine: ConversationEngine, user: str, text: str) -> object:
    return await engine.handle(Incoming(CHANNEL, "bench", user, text=text))


def _walk_text(i: int) -> str:
    """Ten "no" answers end a walk at an outcome; every eleventh turn starts again."""
    return "restart" if i % 11 == 0 else "no"


async def seed(engine: ConversationEngine, count: int) -> None:
    """Store ``count`` conversations, each part-way through a walk, as real officers leave them."""
    await _turn(engine, "seed-template", "check")
    await _turn(engine, "seed-template", "no")
    template = await engine.store.load(conversation_key(CHANNEL, "bench", "seed-template"))
    assert template is not None
    template = dataclasses.replace(template, version=0)
    for start in range(0, count, 500):
        keys = [
            conversation_key(CHANNEL, "bench", f"seeded-{i}") for i in range(start, min(count, start + 500))
        ]
        await asyncio.gather(*(engine.store.save(key, template) for key in keys))


async def throughput(engine: ConversationEngine, conversations: int, turns_each: int) -> float:
    """Turns per second with ``conversations`` officers walking the flowchart at once."""

    async def officer(n: int) -> None:
        for i in range(turns_each):
            await _turn(engine, f"crowd-{n}", _walk_text(i))

    start = time.perf_counter()
    await asyncio.gather(*(officer(n) for n in range(conversations)))
    return conversations * turns_each / (time.perf_counter() - start)


async def bench_database(content: Content, name: str, url: str, *, turns: int, stored: int) -> None:
    store = await RelationalStore.open(url)
    engine = ConversationEngine(content=content, store=store)
    try:
        started = time.perf_counter()
        await seed(engine, stored)
        print(f"{name}: {stored:,} conversations stored in {time.perf_counter() - started:.1f} s")
        questions = [q for e in content.faq.entries for q in e.asked]

        async def faq_turn(i: int) -> object:
            return await _turn(engine, f"faq-{i % 50}", questions[i % len(questions)])

        async def walk_turn(i: int) -> object:
            return await _turn(engine, f"walk-{(i // 11) % 50}", _walk_text(i))

        await _timed(faq_turn, 200)  # warm caches, connections and the database
        _report(f"{name}: turn, FAQ question + save", await _timed(faq_turn, turns))
        _report(f"{name}: turn, flowchart step + save", await _timed(walk_turn, turns))
        rate = await throughput(engine, 50, max(20, turns // 50))
        print(f"{name + ': 50 concurrent conversations':<40} {rate:9.0f} turns/s")
    finally:
        await store.close()


async def bench_turns(content: Content, turns: int, stored: int, postgres: str | None) -> None:
    async with AsyncExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        databases = [("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}")]
        if postgres:
            databases.append(("PostgreSQL", await stack.enter_async_context(scratch_database(postgres))))
        for name, url in databases:
            await bench_database(content, name, url, turns=turns, stored=stored)


def bench_match(content: Content, cache: Path) -> None:
    """Match time with a large FAQ, from the weights its start-up benchmark kept: the whole
    reading of a message, as the router does it (a two-part question is matched part by part)."""
    matcher = FaqMatcher.from_content(content, cache=cache)
    questions = [q for entry in content.faq.entries for q in entry.asked]
    for q in questions[:100]:
        matcher.read(q)
    seconds = []
    for i in range(3000):
        start = time.perf_counter()
        matcher.read(questions[i % len(questions)] + (" please" if i % 2 else ""))
        seconds.append(time.perf_counter() - start)
    _report(f"match at {len(content.faq.entries)} entries", seconds)


async def run_bench(
    content: Content,
    settings: Settings,
    *,
    turns: int,
    entries: int,
    stored: int = 10_000,
    postgres: str | None = None,
    first_start: bool = True,
    runs: int = 5,
    serve_turns: int = 10_000,
) -> None:
    """The turn figures, then start-up and memory, each printed beside its bar."""
    await bench_turns(content, turns, stored, postgres)
    kept = settings.cache_dir / "bench"  # the large FAQ's weights, kept for the next run
    with tempfile.TemporaryDirectory() as folder:
        big_dir = write_large_content(settings.content_dir, Path(folder) / "content", entries)
        big = load_content(big_dir)
        if first_start:
            footprint.first_start(big_dir, entries, kept)
        else:
            print(f"{f'start with {entries:,} FAQ entries, first (training)':<40} skipped")
        FaqMatcher.from_content(big, cache=kept)  # trains, untimed, only if the first start was skipped
        footprint.later_start(big_dir, entries, kept, runs=min(runs, 3))
        bench_match(big, kept)
    FaqMatcher.from_content(content, cache=settings.cache_dir)  # as an earlier start kept them
    SafetyNet.from_content(content, cache=settings.cache_dir)
    with tempfile.TemporaryDirectory() as folder:
        env = {"CACHE_DIR": str(settings.cache_dir), "DATABASE_URL": f"sqlite:///{Path(folder) / 'ask.db'}"}
        footprint.cold_start(env, runs=runs)
        await footprint.serve_memory(Path(folder), env, turns=serve_turns)
