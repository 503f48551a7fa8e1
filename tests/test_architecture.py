"""The core and the dialogs never import channel or transport code; the product never imports
the developer tools."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp", "bot.channels", "app")


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_and_dialogs_import_no_channel_or_transport_code() -> None:
    offenders = []
    for folder in ("bot/core", "dialogs"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in imports_of(path):
                if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_only_settings_reads_the_environment() -> None:
    """tools/ is exempt: it only hands the environment on to the processes a benchmark starts."""
    offenders = []
    for path in sorted((ROOT / "bot").rglob("*.py")) + sorted((ROOT / "dialogs").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if ("os.environ" in text or "getenv" in text) and path.name != "settings.py":
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_bot_and_dialogs_never_import_the_developer_tools() -> None:
    offenders = []
    for folder in ("bot", "dialogs"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in imports_of(path):
                if name == "tools" or name.startswith("tools."):
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_app_imports_the_developer_tools_only_inside_their_commands() -> None:
    """So that ``app.py ask`` and ``serve`` never load benchmarks, fakes or their imports."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = {a.name for n in top if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module or "" for n in top if isinstance(n, ast.ImportFrom)}
    assert not [n for n in names if n == "tools" or n.startswith("tools.")]
