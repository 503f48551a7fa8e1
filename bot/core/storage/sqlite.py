"""SQLite store (aiosqlite): the default, a single file that needs no server."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.errors import ConflictError, StorageError
from bot.core.messages import DecisionRecord, InductionRecord
from bot.core.state import ConversationState
from bot.core.storage.port import UnansweredQuestion

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    key TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, user TEXT NOT NULL, channel TEXT NOT NULL,
    outcome TEXT NOT NULL, content_version TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_user ON records (user, created_at);
CREATE TABLE IF NOT EXISTS inductions (
    channel TEXT NOT NULL, user TEXT NOT NULL, user_name TEXT, started_at TEXT NOT NULL,
    finished_at TEXT, score INTEGER, out_of INTEGER NOT NULL, acknowledged INTEGER NOT NULL,
    content_version TEXT NOT NULL, PRIMARY KEY (channel, user)
);
CREATE TABLE IF NOT EXISTS kept (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT, asked_at TEXT NOT NULL, text TEXT NOT NULL
);
"""


class SqliteStore:
    """One connection in WAL mode and autocommit: each statement is its own transaction, so
    a turn costs one round trip to load and one to save; commits don't wait for the disk."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    @classmethod
    async def open(cls, path: Path | str) -> SqliteStore:
        """Open (creating the file and its folder on first run) and create the tables."""
        try:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(str(path), isolation_level=None)
            await db.executescript(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            )
            await db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot open the SQLite database {path}: {exc}") from exc
        return cls(db)

    async def load(self, key: str) -> ConversationState | None:
        sql = "SELECT data, version FROM conversations WHERE key = ?"
        rows = list(await self._db.execute_fetchall(sql, (key,)))
        return ConversationState.from_json(rows[0][0], rows[0][1]) if rows else None

    async def save(self, key: str, state: ConversationState) -> int:
        new = state.version + 1
        data = state.to_json()
        if state.version == 0:
            sql = (
                "INSERT INTO conversations (key, version, data, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(key) DO NOTHING"
            )
            args: tuple[object, ...] = (key, new, data, state.updated_at)
        else:
            sql = (
                "UPDATE conversations SET version = ?, data = ?, updated_at = ? WHERE key = ? AND version = ?"
            )
            args = (new, data, state.updated_at, key, state.version)
        try:
            cursor = await self._db.execute(sql, args)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot save conversation state: {exc}") from exc
        if cursor.rowcount != 1:
            raise ConflictError(f"conversation {key} changed since version {state.version}")
        return new

    async def add_record(self, record: DecisionRecord, content_version: str) -> None:
        sql = "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)"
        data = json.dumps(asdict(record))
        args = (record.id, record.created_at, record.user, record.channel, record.outcome)
        await self._db.execute(sql, (*args, content_version, data))

    async def records(self, *, user: str | None = None, limit: int = 20) -> list[DecisionRecord]:
        where, args = ("WHERE user = ?", (user, limit)) if user else ("", (limit,))
        sql = f"SELECT data FROM records {where} ORDER BY created_at DESC LIMIT ?"
        rows = await self._db.execute_fetchall(sql, args)
        return [_record(json.loads(row[0])) for row in rows]

    async def save_induction(self, record: InductionRecord) -> None:
        sql = (
            "INSERT INTO inductions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(channel, user) DO UPDATE SET user_name = excluded.user_name,"
            " started_at = excluded.started_at, finished_at = excluded.finished_at,"
            " score = excluded.score, out_of = excluded.out_of, acknowledged = excluded.acknowledged,"
            " content_version = excluded.content_version"
        )
        r = record
        args = (r.channel, r.user, r.user_name, r.started_at, r.finished_at, r.score, r.out_of)
        await self._db.execute(sql, (*args, int(r.acknowledged), r.content_version))

    async def inductions(self, *, since: str | None = None) -> list[InductionRecord]:
        sql = (
            "SELECT user, user_name, channel, started_at, finished_at, score, out_of, acknowledged,"
            " content_version FROM inductions WHERE started_at >= ? ORDER BY started_at"
        )
        rows = await self._db.execute_fetchall(sql, (since or "",))
        return [
            InductionRecord(
                user=row[0],
                user_name=row[1],
                channel=row[2],
                started_at=row[3],
                finished_at=row[4],
                score=row[5],
                out_of=row[6],
                acknowledged=bool(row[7]),
                content_version=row[8],
            )
            for row in rows
        ]

    async def remember(self, name: str, value: str) -> None:
        sql = "INSERT INTO kept VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value"
        await self._db.execute(sql, (name, value))

    async def recall(self, name: str) -> str | None:
        rows = list(await self._db.execute_fetchall("SELECT value FROM kept WHERE name = ?", (name,)))
        return str(rows[0][0]) if rows else None

    async def log_unanswered(self, text: str, asked_at: str) -> None:
        await self._db.execute("INSERT INTO unanswered (asked_at, text) VALUES (?, ?)", (asked_at, text))

    async def unanswered(self, limit: int = 100) -> list[UnansweredQuestion]:
        sql = "SELECT asked_at, text FROM unanswered ORDER BY id DESC LIMIT ?"
        rows = await self._db.execute_fetchall(sql, (limit,))
        return [UnansweredQuestion(row[0], row[1]) for row in rows]

    async def close(self) -> None:
        await self._db.close()


def _record(data: dict[str, Any]) -> DecisionRecord:
    data["path"] = tuple((str(node), str(answer)) for node, answer in data.get("path") or [])
    return DecisionRecord(**data)
