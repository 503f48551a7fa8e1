"""``app.py bench``: in-process turn latency (SQLite save included) and match time at scale."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.core.content.models import Content
from bot.core.engine import ConversationEngine
from bot.core.faq import FaqMatcher
from bot.core.messages import Incoming
from bot.core.storage.sqlite import SqliteStore
from bot.evaluate import percentile

Step = Callable[[int], Awaitable[object]]


def _report(name: str, seconds: list[float]) -> None:
    p50, p99 = percentile(seconds, 50) * 1e3, percentile(seconds, 99) * 1e3
    print(f"{name:<34} p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   (n={len(seconds)})")


async def _timed(step: Step, count: int) -> list[float]:
    out = []
    for i in range(count):
        start = time.perf_counter()
        await step(i)
        out.append(time.perf_counter() - start)
    return out


async def bench_turns(content: Content, turns: int) -> None:
    questions = [q for e in content.faq.entries for q in e.asked]
    with tempfile.TemporaryDirectory() as folder:
        store = await SqliteStore.open(Path(folder) / "bench.db")
        engine = ConversationEngine(content=content, store=store)

        async def faq_turn(i: int) -> object:
            return await engine.handle(
                Incoming("bench", f"c{i % 50}", "faq", text=questions[i % len(questions)])
            )

        async def walk_turn(i: int) -> object:
            # Ten "no" answers end a walk at an outcome; every eleventh turn starts again.
            text = "restart" if i % 11 == 0 else "no"
            return await engine.handle(Incoming("bench", f"w{(i // 11) % 50}", "walk", text=text))

        await _timed(faq_turn, 200)  # warm caches and the database file
        _report("turn: FAQ question + save", await _timed(faq_turn, turns))
        _report("turn: flowchart step + save", await _timed(walk_turn, turns))
        await store.close()


def bench_match(content: Content, size: int = 1000) -> None:
    base = {e.id: [e.title, *e.asked] for e in content.faq.entries}
    docs: dict[str, list[str]] = {}
    copy = 0
    while len(docs) < size:
        for entry_id, texts in base.items():
            if len(docs) < size:
                docs[f"{entry_id}-{copy}"] = texts
        copy += 1
    matcher = FaqMatcher(docs, content.matching)
    questions = [q for texts in base.values() for q in texts]
    for q in questions[:100]:
        matcher.match(q)
    seconds = []
    for i in range(3000):
        start = time.perf_counter()
        matcher.match(questions[i % len(questions)] + (" please" if i % 2 else ""))
        seconds.append(time.perf_counter() - start)
    _report(f"match at {len(docs)} entries", seconds)


async def run_bench(content: Content, *, turns: int) -> None:
    await bench_turns(content, turns)
    bench_match(content)
