"""``app.py bench``: turn latency and throughput through the console engine on each database,
with 10,000 stored conversations, and match time with a large FAQ."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

from bot.core.content.models import Content
from bot.core.engine import ConversationEngine
from bot.core.faq import FLOWCHART, NOT_COVERED, Examples, FaqMatcher
from bot.core.messages import Incoming
from bot.core.storage import conversation_key
from bot.core.storage.relational import RelationalStore
from tools.evaluate import percentile
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
    template.version = 0
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


def bench_match(content: Content, size: int = 1000) -> None:
    """Match time with the FAQ copied until it has ``size`` entries; training time the first
    time, and the time to load the kept weights on every later start."""
    base = Examples.from_content(content).by_class
    faq = [(k, v) for k, v in base.items() if k not in (FLOWCHART, NOT_COVERED)]
    by_class = {k: v for k, v in base.items() if k in (FLOWCHART, NOT_COVERED)}
    copy = 0
    while len(by_class) < size + 2:
        # Each copy gets a word of its own, so that copies are distinct entries as in a real
        # FAQ (identical classes would only make training churn).
        for entry_id, texts in faq[: size + 2 - len(by_class)]:
            by_class[f"{entry_id}-{copy}"] = tuple(f"{t} topic{copy}" for t in texts)
        copy += 1
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        FaqMatcher.train(Examples(by_class), content.matching, cache=Path(cache))
        print(f"{'training at ' + str(size) + ' entries':<40} {time.perf_counter() - start:7.2f} s")
        start = time.perf_counter()
        matcher = FaqMatcher.train(Examples(by_class), content.matching, cache=Path(cache))
        print(f"{'loading kept weights at ' + str(size):<40} {time.perf_counter() - start:7.2f} s")
    questions = [q for _, texts in faq for q in texts]
    for q in questions[:100]:
        matcher.match(q)
    seconds = []
    for i in range(3000):
        start = time.perf_counter()
        matcher.match(questions[i % len(questions)] + (" please" if i % 2 else ""))
        seconds.append(time.perf_counter() - start)
    _report(f"match at {size} entries", seconds)


async def run_bench(
    content: Content, *, turns: int, entries: int, stored: int = 10_000, postgres: str | None = None
) -> None:
    await bench_turns(content, turns, stored, postgres)
    bench_match(content, entries)
