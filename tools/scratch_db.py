"""A throwaway PostgreSQL database on a given server, for the tests and the benchmark: created
empty, handed over, dropped afterwards, so nothing touches the database the bot really uses."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.core.storage.relational import driver_url


@asynccontextmanager
async def scratch_database(server_url: str, prefix: str = "advisor_scratch") -> AsyncIterator[str]:
    """Yield the URL of a new empty database on ``server_url``'s server; drop it on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(driver_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
