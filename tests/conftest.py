"""Shared fixtures: the fixture content, a real SQLite file, a real PostgreSQL server, the real
engine and the real CLI.

Behaviour tests run on ``tests/fixtures/content/`` (``content``, and ``CONTENT_DIR`` for every
``Settings()`` and ``app.py`` a test starts), so a council that rewords ``content/`` keeps them
green; only the integrity tests listed in ``tests/README.md`` read ``content/`` (``real_content``).

PostgreSQL tests use the server named by ``TEST_POSTGRES_URL`` (``.ci/run`` starts one with
``.ci/postgres start``), each in a scratch database of its own. Without it they are skipped,
except under CI, where a missing server is a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.content import Content
from bot.core.content.loader import load_content
from bot.core.engine import ConversationEngine
from bot.core.faq import FaqMatcher
from bot.core.messages import Incoming, Outgoing
from bot.core.storage.relational import RelationalStore
from tests import slack_helpers
from tools.scratch_db import scratch_database

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"  # the council's content: integrity tests only (tests/README.md)
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "content"


@pytest.fixture(scope="session", autouse=True)
def fixture_content_dir() -> Iterator[Path]:
    """Every ``Settings()`` and ``app.py`` process a test starts reads the fixture content."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONTENT_DIR", str(FIXTURE_CONTENT))
        yield FIXTURE_CONTENT


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(FIXTURE_CONTENT)


@pytest.fixture(scope="session")
def matcher(content: Content) -> FaqMatcher:
    """Trained once for the whole test run: every engine in a test shares it."""
    return FaqMatcher.from_content(content)


@pytest.fixture(scope="session")
def real_content() -> Content:
    return load_content(CONTENT)


@pytest.fixture(scope="session")
def real_matcher(real_content: Content) -> FaqMatcher:
    return FaqMatcher.from_content(real_content)


class Clock:
    """A clock the test moves forward, for idle expiry."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def postgres_server() -> str:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests")
        pytest.skip("no PostgreSQL server: set TEST_POSTGRES_URL (see .ci/postgres)")
    return url


@pytest.fixture
async def postgres_url(postgres_server: str) -> AsyncIterator[str]:
    """A new empty database on the test server, dropped after the test."""
    async with scratch_database(postgres_server, prefix="advisor_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each test that takes this runs once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'advisor.db'}"
        return
    async with scratch_database(request.getfixturevalue("postgres_server"), prefix="advisor_test") as url:
        yield url


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[RelationalStore]:
    db = await RelationalStore.open(f"sqlite:///{tmp_path / 'advisor.db'}")
    yield db
    await db.close()


@pytest.fixture
def engine(content: Content, store: RelationalStore, clock: Clock, matcher: FaqMatcher) -> ConversationEngine:
    return ConversationEngine(content=content, store=store, clock=clock, matcher=matcher)


class Officer:
    """Talks to the engine like an officer in one conversation."""

    def __init__(self, engine: ConversationEngine, user: str = "U1", channel: str = "test") -> None:
        self.engine = engine
        self.user = user
        self.channel = channel
        self.last: Outgoing | None = None

    async def say(self, text: str) -> Outgoing:
        self.last = await self.engine.handle(Incoming(self.channel, "C1", self.user, text=text))
        return self.last

    async def press(self, value: str) -> Outgoing:
        self.last = await self.engine.handle(Incoming(self.channel, "C1", self.user, choice=value))
        return self.last

    async def press_label(self, label: str, out: Outgoing | None = None) -> Outgoing:
        """Press the button with this label on the given (default: last) output."""
        source = out or self.last
        assert source is not None
        for reply in reversed(source.replies):
            for choice in reply.choices:
                if choice.label == label:
                    return await self.press(choice.value)
        raise AssertionError(f"no button {label!r} in {[c.label for r in source.replies for c in r.choices]}")


@pytest.fixture
def officer(engine: ConversationEngine) -> Officer:
    return Officer(engine)


def text_of(out: Outgoing) -> str:
    return "\n".join(
        "\n".join([r.title or "", r.text, *(q.text + " " + q.cite for q in r.quotes)]) for r in out.replies
    )


def labels(out: Outgoing) -> list[str]:
    return [c.label for r in out.replies for c in r.choices]


CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(tmp_path: Path) -> CliRunner:
    """Run ``app.py`` as a user would, with its own database under ``tmp_path``."""

    def run(
        *args: str, stdin: str = "", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", **(env or {})}
        return subprocess.run(
            [sys.executable, str(ROOT / "app.py"), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=environment,
            cwd=ROOT,
            timeout=300,  # bench starts several processes: minutes on a busy machine
        )

    return run


ChatProcess = Callable[[str], AbstractContextManager[Callable[[dict[str, Any]], dict[str, Any]]]]


@pytest.fixture
def chat(tmp_path: Path) -> ChatProcess:
    """One ``app.py chat --jsonl`` process, spoken to a line at a time: each input gets its
    one output line back, so a test can press the buttons the last reply offered."""

    @contextmanager
    def session(user: str) -> Iterator[Callable[[dict[str, Any]], dict[str, Any]]]:
        environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "chat", "--jsonl", "--user", user],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=ROOT,
        )
        assert process.stdin is not None and process.stdout is not None
        stdin, stdout = process.stdin, process.stdout

        def send(message: dict[str, Any]) -> dict[str, Any]:
            stdin.write(json.dumps(message) + "\n")
            stdin.flush()
            reply: dict[str, Any] = json.loads(stdout.readline())
            return reply

        try:
            yield send
        finally:
            stdin.close()
            process.wait(timeout=60)

    return session


def jsonl(lines: list[Any]) -> str:
    return "".join((json.dumps(x) if isinstance(x, dict) else x) + "\n" for x in lines)


@pytest.fixture
async def slack(tmp_path: Path) -> AsyncIterator[slack_helpers.Slack]:
    """The real route with Slack mounted, talking to a fake Web API of its own."""
    async with slack_helpers.running(tmp_path) as route:
        yield route


def fastest_of_three(call: Callable[[], object]) -> float:
    """Seconds the quickest of three calls took, so a busy machine does not fail a bound."""
    fastest = 1.0
    for _ in range(3):
        started = time.perf_counter()
        call()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest
