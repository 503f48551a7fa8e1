"""``app.py teams-package``: the zip a Teams admin uploads (manifest and the two icons)."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

from bot.core.errors import AdvisorError
from bot.settings import ROOT

TEMPLATE = ROOT / "teams" / "manifest.json"
ACCENT = (0x1D, 0x35, 0x57)


def png(size: int, pixel: tuple[int, int, int, int], *, border: int = 0) -> bytes:
    """A square RGBA PNG: ``pixel`` inside a transparent border (Teams' outline icon must be
    white on transparent; the colour icon fills its square)."""
    clear = (0, 0, 0, 0)
    rows = b""
    for y in range(size):
        row = bytes(
            channel
            for x in range(size)
            for channel in (pixel if border <= x < size - border and border <= y < size - border else clear)
        )
        rows += b"\x00" + row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def manifest(*, bot_id: str, bot_name: str, council: str, domain: str) -> dict[str, object]:
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in {"BOT_ID": bot_id, "BOT_NAME": bot_name, "COUNCIL": council, "DOMAIN": domain}.items():
        text = text.replace("{{" + name + "}}", json.dumps(value)[1:-1])
    data: dict[str, object] = json.loads(text)
    return data


def write_package(out: Path, *, bot_id: str | None, bot_name: str, council: str, domain: str) -> Path:
    if not bot_id:
        raise AdvisorError("MICROSOFT_APP_ID: set it to the Azure bot's app id to build the Teams package")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        content = manifest(bot_id=bot_id, bot_name=bot_name, council=council, domain=domain)
        package.writestr("manifest.json", json.dumps(content, indent=2))
        package.writestr("color.png", png(192, (*ACCENT, 255)))
        package.writestr("outline.png", png(32, (255, 255, 255, 255), border=4))
    return out
