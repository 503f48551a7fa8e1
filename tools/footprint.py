"""Start-up time and memory, each measured on processes of their own as an operator would
start them: ``app.py ask`` from cold beside a bare Python importing the same web and content
libraries, its peak memory, ``app.py serve``'s memory after many turns, and the first and
later start with a large FAQ (training, then kept weights)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tools.bench_teams import activity
from tools.processes import ROOT, free_port, resident_mib, start, stopping, wait_up

QUESTION = "can I use my council email for twitter?"
# What officers type over a day: walks with their answers, why and back, questions, the tour.
SCRIPT = ("check", "no", "why", "no", QUESTION, "back", "yes", "help", "induction", "next", "stop")
OFFICERS = 500
BASELINE = "import aiohttp, yaml, pydantic"


@dataclass(frozen=True)
class Bars:
    cold_start_ratio: float = 4.0
    ask_peak_mib: float = 150.0
    serve_mib: float = 180.0
    first_start_seconds: float = 10.0
    later_start_seconds: float = 1.0


BARS = Bars()


@dataclass(frozen=True)
class Exited:
    seconds: float  # wall time from start to exit
    peak_mib: float  # the most resident memory it ever had


# Runs ``python ARGS`` from a small process of its own and prints its wall time, peak resident
# memory and exit code. Linux counts in a child's peak the memory of the process it was forked
# from (this benchmark, hundreds of MiB after the match benchmark): forked from this small one,
# the child's peak is its own.
LAUNCH = """
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_python(args: list[str], env: dict[str, str]) -> Exited:
    """``python ARGS`` to its end: its wall time and its own peak resident memory."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak_kib, code = done.stdout.split()
    if code != "0":
        raise RuntimeError(f"python {' '.join(args)} exited {code}")
    return Exited(float(seconds), int(peak_kib) / 1024)  # ru_maxrss is in KiB on Linux


def ask(env: dict[str, str]) -> Exited:
    return run_python(["app.py", "ask", QUESTION], env)


def cold_start(env: dict[str, str], runs: int = 5) -> None:
    """``app.py ask`` with its weights kept (as every start after the first), each run beside
    one of the baseline, taken in turn, so both meet the same machine."""
    ours: list[Exited] = []
    baseline: list[Exited] = []
    for _ in range(runs):
        baseline.append(run_python(["-c", BASELINE], env))
        ours.append(ask(env))
    mine = statistics.median(r.seconds for r in ours)
    theirs = statistics.median(r.seconds for r in baseline)
    print(
        f"{'ask cold start':<40} {mine / theirs:6.2f}x baseline (bar {BARS.cold_start_ratio:g}x): "
        f'median {mine:.2f} s of {runs}, baseline `python -c "{BASELINE}"` {theirs:.2f} s'
    )
    peak = max(r.peak_mib for r in ours)
    print(f"{'ask peak resident memory':<40} {peak:6.0f} MiB (bar {BARS.ask_peak_mib:g} MiB)")


def first_start(content: Path, entries: int, kept: Path) -> None:
    """The first start with ``entries`` FAQ entries trains (an empty cache); the weights it
    keeps are copied to ``kept``, for later starts and the next benchmark run."""
    empty = content.parent / "empty-cache"
    took = ask({"CONTENT_DIR": str(content), "CACHE_DIR": str(empty)})
    label = f"start with {entries:,} FAQ entries, first (training)"
    print(f"{label:<40} {took.seconds:6.2f} s (bar {BARS.first_start_seconds:g} s)")
    kept.mkdir(parents=True, exist_ok=True)
    for weights in sorted(empty.glob("*.*")):  # the weights, and the content as parsed
        shutil.copy2(weights, kept / weights.name)


def later_start(content: Path, entries: int, kept: Path, *, runs: int = 3) -> None:
    """Every later start with ``entries`` FAQ entries loads the weights kept in ``kept``."""
    env = {"CONTENT_DIR": str(content), "CACHE_DIR": str(kept)}
    later = statistics.median(ask(env).seconds for _ in range(runs))
    label = f"start with {entries:,} FAQ entries, later (kept weights)"
    print(f"{label:<40} {later:6.2f} s (bar {BARS.later_start_seconds:g} s; median of {runs})")


async def drive(url: str, turns: int, concurrency: int = 50) -> int:
    """``turns`` Teams messages from ``OFFICERS`` officers, each going through ``SCRIPT``; how
    many were answered (200)."""
    numbers = iter(range(turns))
    answered = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def officer() -> None:
            nonlocal answered
            for n in numbers:
                text = SCRIPT[(n // OFFICERS) % len(SCRIPT)]
                body = json.dumps(activity(n, text, users=OFFICERS))
                headers = {"Content-Type": "application/json"}
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    answered += response.status == 200

        await asyncio.gather(*(officer() for _ in range(concurrency)))
    return answered


async def serve_memory(folder: Path, env: dict[str, str], turns: int = 10_000) -> None:
    """``app.py serve`` as configured with no credentials but TEAMS_LOCAL_TESTING (its one
    route that takes turns), its resident memory after ``turns`` turns through /api/messages."""
    port = free_port()
    env = {**env, "PORT": str(port), "HOST": "127.0.0.1", "TEAMS_LOCAL_TESTING": "1", "LOG_LEVEL": "ERROR"}
    proc = await start("app.py", "serve", env={**env, "DATABASE_URL": f"sqlite:///{folder / 'serve.db'}"})
    async with stopping([proc]):
        await wait_up(f"http://127.0.0.1:{port}/healthz")
        at_start = resident_mib(proc.pid)
        answered = await drive(f"http://127.0.0.1:{port}/api/messages", turns)
        now, peak = resident_mib(proc.pid), resident_mib(proc.pid, "VmHWM")
    if now is None or at_start is None or peak is None:
        print(f"{'serve resident memory':<40} not available (no /proc)")
        return
    print(
        f"{f'serve resident memory after {turns:,} turns':<40} {now:6.0f} MiB (bar {BARS.serve_mib:g} MiB): "
        f"{at_start:.0f} MiB at start, peak {peak:.0f}; {answered:,} turns answered"
    )
