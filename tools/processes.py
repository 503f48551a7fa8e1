"""The processes a benchmark starts and watches: free ports, start and stop, the CPU they run
on, the CPU time and memory they use (read from /proc, so Linux only; elsewhere ``None``)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    """``python ARGS`` in the project folder, with the environment plus ``env``, output dropped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


@asynccontextmanager
async def stopping(procs: list[asyncio.subprocess.Process]) -> AsyncIterator[None]:
    """The benchmark's servers, ended however the run ends."""
    try:
        yield
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.terminate()
            await proc.wait()


async def wait_up(url: str, method: str = "GET", seconds: float = 60.0) -> None:
    """Until ``url`` answers anything but a 5xx (a server still importing refuses connections)."""
    async with aiohttp.ClientSession() as session:
        for _ in range(int(seconds * 10)):
            try:
                async with session.request(method, url) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def pin(pid: int, cpus: set[int]) -> bool:
    """Run process ``pid`` (0: this one) on these CPUs only; False where that cannot be done."""
    try:
        os.sched_setaffinity(pid, cpus)
    except (AttributeError, OSError):
        return False
    return True


def cpus() -> set[int]:
    """The CPUs this process may run on."""
    try:
        return set(os.sched_getaffinity(0))
    except AttributeError:
        return set(range(os.cpu_count() or 1))


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time the process has used so far, all its threads."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def resident_mib(pid: int, field: str = "VmRSS") -> float | None:
    """The process's resident memory now (``VmRSS``) or at its peak (``VmHWM``), in MiB."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return None
