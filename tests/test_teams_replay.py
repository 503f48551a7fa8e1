"""Real activities from Microsoft's documentation, SDK tests and tools, replayed through the
real /api/messages route: each is answered 2xx or 4xx, never 500, with no error logged."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.teams_connector import Connector, fake_connector
from tests.test_teams import client_for

FIXTURES = Path(__file__).parent / "fixtures" / "teams"
PAYLOADS = sorted(FIXTURES.glob("*.json"))


def load(path: Path, service_url: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(path.read_text())
    body.pop("_source")
    if "serviceUrl" in body:
        body["serviceUrl"] = service_url  # never the real connector: this machine's fake
    return body


@pytest.fixture
async def route(tmp_path: Path) -> AsyncIterator[tuple[TestClient[Any, Any], Connector]]:
    async with fake_connector() as connector:
        client = await client_for(tmp_path)
        try:
            yield client, connector
        finally:
            await client.close()


@pytest.mark.parametrize("path", PAYLOADS, ids=[p.stem for p in PAYLOADS])
async def test_a_real_activity_is_answered_without_a_server_error(
    route: tuple[TestClient[Any, Any], Connector], path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client, connector = route
    with caplog.at_level(logging.WARNING):
        response = await client.post("/api/messages", json=load(path, connector.url))
        text = await response.text()
    assert 200 <= response.status < 500, text
    assert "Traceback" not in text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    for call in connector.calls:
        assert call.body.get("type") == "message"


def test_there_are_real_payloads_to_replay() -> None:
    assert len(PAYLOADS) >= 20
