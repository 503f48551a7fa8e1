"""``app.py teams-package``: the zip a Teams admin uploads (manifest and the two icons)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from bot.core.errors import AdvisorError
from bot.settings import ROOT

TEMPLATE = ROOT / "teams" / "manifest.json"
# Teams asks for a 192 px colour icon and a 32 px white-on-transparent outline icon; a council
# replaces these files with its own.
ICONS = {"color.png": ROOT / "teams" / "color.png", "outline.png": ROOT / "teams" / "outline.png"}


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
        for name, path in ICONS.items():
            package.write(path, name)
    return out
