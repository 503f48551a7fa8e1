"""``app.py bench``: in-process turn latency (SQLite save included) and match time at scale."""

from __future__ import annotations

import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path

from sklearn.exceptions import ConvergenceWarning

from bot.core.content.models import Content
from bot.core.engine import ConversationEngine
from bot.core.faq import FLOWCHART, NOT_COVERED, Examples, FaqMatcher
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
    """Match time with the FAQ copied until it has ``size`` entries (training time shown too)."""
    warnings.simplefilter("ignore", ConvergenceWarning)
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
    start = time.perf_counter()
    matcher = FaqMatcher(Examples(by_class), content.matching)
    print(f"{'training at ' + str(size) + ' entries':<34} {time.perf_counter() - start:7.2f} s")
    questions = [q for _, texts in faq for q in texts]
    for q in questions[:100]:
        matcher.match(q)
    seconds = []
    for i in range(3000):
        start = time.perf_counter()
        matcher.match(questions[i % len(questions)] + (" please" if i % 2 else ""))
        seconds.append(time.perf_counter() - start)
    _report(f"match at {size} entries", seconds)


async def run_bench(content: Content, *, turns: int, entries: int) -> None:
    await bench_turns(content, turns)
    bench_match(content, entries)
