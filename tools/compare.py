"""Throughput of our server against a baseline server, measured so that the ratio holds on a
busy machine: short rounds that alternate between the two (which goes first alternates too),
each server on the same CPU of its own while this process (the load) and any fake service run
on the others, every round timed until its last answer, and the ratio the median of the
rounds' ratios. Each server's CPU time per request is printed beside it, from /proc."""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import aiohttp

from tools.processes import cpu_seconds, cpus, pin

Request = Callable[[int], tuple[bytes, dict[str, str]]]
CONCURRENCY = 50
# A fresh server's requests cost it up to four times more CPU in its first ten seconds or so
# under load than later (seen on the Teams route on a busy 2-core machine, whether or not the
# garbage collector runs): rounds measure the steady state, once both servers are past that.
WARM_UP_SECONDS = 8.0


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    pid: int


@dataclass(frozen=True)
class Tally:
    ok: int
    failed: int
    seconds: float  # from the first request sent to the last answer read
    cpu: float | None  # the server's CPU seconds meanwhile

    @property
    def rate(self) -> float:
        return self.ok / self.seconds


async def load(url: str, request: Request, seconds: float, concurrency: int = CONCURRENCY) -> Tally:
    """``concurrency`` clients send requests for ``seconds``; answers still on their way at the
    deadline are waited for and the time counts, so a slow server's queue is not free."""
    ok = failed = 0
    numbers = itertools.count()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        started = time.perf_counter()
        deadline = started + seconds

        async def client() -> None:
            nonlocal ok, failed
            while time.perf_counter() < deadline:
                body, headers = request(next(numbers))
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    ok, failed = (ok + 1, failed) if response.status == 200 else (ok, failed + 1)

        await asyncio.gather(*(client() for _ in range(concurrency)))
        return Tally(ok, failed, time.perf_counter() - started, None)


async def measure(target: Target, request: Request, seconds: float) -> Tally:
    before = cpu_seconds(target.pid)
    tally = await load(target.url, request, seconds)
    after = cpu_seconds(target.pid)
    cpu = after - before if before is not None and after is not None else None
    return Tally(tally.ok, tally.failed, tally.seconds, cpu)


@contextmanager
def placed(servers: list[int], others: list[int]) -> Iterator[str]:
    """Every server on the first CPU, this process and ``others`` on the rest; says where."""
    allowed = cpus()
    if len(allowed) < 2:
        yield "one CPU: nothing pinned"
        return
    first, rest = {min(allowed)}, allowed - {min(allowed)}
    done = all([*(pin(pid, first) for pid in servers), *(pin(pid, rest) for pid in [0, *others])])
    try:
        yield (
            f"each server on CPU {min(first)}, the load and fakes on CPU {','.join(map(str, sorted(rest)))}"
            if done
            else "pinning refused: servers and load share the CPUs"
        )
    finally:
        pin(0, allowed)


def _per_request_ms(tallies: list[Tally]) -> str:
    cpu = [t.cpu for t in tallies]
    if any(c is None for c in cpu):
        return "CPU time not available"
    return f"{sum(c for c in cpu if c is not None) / sum(t.ok for t in tallies) * 1e3:.2f} ms CPU each"


async def compare(
    ours: Target,
    baseline: Target,
    request: Request,
    *,
    seconds: float,
    rounds: int,
    unit: str,
    bar: float,
    others: list[int] | None = None,
) -> float:
    """Print each round and the median ratio of our rate to the baseline's; return that ratio."""
    with placed([ours.pid, baseline.pid], others or []) as where:
        print(
            f"{WARM_UP_SECONDS:g} s warm-up, then {rounds} rounds of {seconds:g} s per server, "
            f"{CONCURRENCY} clients; {where}"
        )
        for target in (ours, baseline):
            await load(target.url, request, WARM_UP_SECONDS)  # connections, first auth.test, caches
        tallies: dict[str, list[Tally]] = {ours.name: [], baseline.name: []}
        ratios = []
        for n in range(rounds):
            for target in (ours, baseline) if n % 2 == 0 else (baseline, ours):
                tallies[target.name].append(await measure(target, request, seconds))
            mine, theirs = tallies[ours.name][-1], tallies[baseline.name][-1]
            ratios.append(mine.rate / theirs.rate)
            failed = mine.failed + theirs.failed
            print(
                f"round {n + 1}: ours {mine.rate:6.0f} {unit}, baseline {theirs.rate:6.0f} {unit}, "
                f"ratio {ratios[-1]:.2f}" + (f"  ({failed} failed)" if failed else "")
            )
    for name, kept in tallies.items():
        rate = sum(t.ok for t in kept) / sum(t.seconds for t in kept)
        print(f"{name:<36} {rate:7.0f} {unit}  {_per_request_ms(kept)}")
    ratio = statistics.median(ratios)
    print(
        f"ratio ours / baseline: {ratio:.2f}, median of {rounds} rounds "
        f"(lowest {min(ratios):.2f}, highest {max(ratios):.2f}) (bar at least {bar:g})"
    )
    return ratio
